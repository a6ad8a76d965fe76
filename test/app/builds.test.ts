import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunEventBatch } from '../../core/contract/events';
import { createHost } from '../../core/app/host';
import { TEMPLATE, workspace } from './fixtures';

function collect(host: ReturnType<typeof createHost>, runId: string): RunEventBatch[] {
  const batches: RunEventBatch[] = [];
  host.subscribeRun(runId, (b) => batches.push(b));
  return batches;
}

test('a real run: numbered event batches, the masked log read back in windows, and the run listed', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const started = await host.handlers.builds.start({ path: ws.templatePath });
  assert.ok(started.ok, JSON.stringify(started));
  const { runId } = started.value;
  const batches = collect(host, runId);
  await host.whenRunDone(runId);

  let expected = 0;
  for (const b of batches) {
    assert.equal(b.runId, runId);
    assert.equal(b.firstSeq, expected, 'batches follow each other without gaps or overlaps');
    expected += b.events.length;
  }
  const events = batches.flatMap((b) => b.events);
  assert.equal(events[0].kind, 'run-started');
  assert.equal(events[events.length - 1].kind, 'run-finished');
  const lines = events.flatMap((e) => (e.kind === 'output' ? [e.line] : []));
  assert.ok(lines.includes('hello world'), lines.join('\n'));
  assert.ok(lines.includes('pw=<sensitive>'));
  assert.ok(!JSON.stringify(events).includes('hunter2-secret'));

  const log = await host.handlers.builds.readLog({ runId, offset: 0, count: 10_000 });
  assert.ok(log.ok);
  assert.equal(log.value.total, events.length, 'every event is one line of the run log');
  const window = await host.handlers.builds.readLog({ runId, offset: 3, count: 4 });
  assert.ok(window.ok);
  assert.deepEqual(window.value.lines.map((l) => l.seq), [3, 4, 5, 6]);
  assert.deepEqual(window.value.lines, log.value.lines.slice(3, 7));
  // Both builds say it, side by side, in whichever order they get there.
  const hellos = log.value.lines.filter((l) => l.text === 'hello world');
  assert.deepEqual(hellos.map((l) => l.stream), ['stdout', 'stdout']);
  assert.deepEqual(hellos.map((l) => l.build).sort(), ['null.box', 'null.other']);
  assert.ok(!JSON.stringify(log.value).includes('hunter2-secret'));

  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok);
  assert.equal(runs.value[0].runId, runId);
  assert.equal(runs.value[0].result, 'succeeded');
  assert.deepEqual(runs.value[0].builds, ['null.box', 'null.other']);
  // A new session finds the same run in the data folder.
  const later = await createHost({ dataDir: ws.dataDir, env: {} }).handlers.builds.listRuns({});
  assert.ok(later.ok);
  assert.deepEqual(later.value[0], runs.value[0]);
  await host.dispose();
});

test('only/except pick builds; a template with errors is refused with file, line and column', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const only = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.other'] });
  assert.ok(only.ok);
  await host.whenRunDone(only.value.runId);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok);
  assert.deepEqual(runs.value[0].builds, ['null.other']);

  const broken = workspace(TEMPLATE.replace('communicator = "none"', 'communicator = "none"\n  nope = 1'));
  const r = await createHost({ dataDir: broken.dataDir, env: {} }).handlers.builds.start({ path: broken.templatePath });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'template');
  assert.match(r.error.message, /build\.pkr\.hcl:19,3: Unsupported argument/);
});

test('cancel stops a running build; the run ends cancelled', async () => {
  const ws = workspace(TEMPLATE.replace('inline = ["echo ${local.banner}", "echo pw=${var.password}"]', 'inline = ["echo waiting", "sleep 30"]'));
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const started = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'] });
  assert.ok(started.ok);
  const { runId } = started.value;
  const batches = collect(host, runId);
  // Wait until the command is running, then cancel.
  for (let i = 0; i < 100 && !batches.flatMap((b) => b.events).some((e) => e.kind === 'output' && e.line === 'waiting'); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const t0 = Date.now();
  assert.deepEqual(await host.handlers.builds.cancel({ runId }), { ok: true, value: { cancelled: true } });
  await host.whenRunDone(runId);
  assert.ok(Date.now() - t0 < 10_000);
  const last = batches.flatMap((b) => b.events).at(-1);
  assert.equal(last?.kind === 'run-finished' && last.cancelled, true);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok && runs.value[0].result === 'cancelled');
  assert.deepEqual(await host.handlers.builds.cancel({ runId }), { ok: true, value: { cancelled: false } });
  const unknown = await host.handlers.builds.cancel({ runId: 'nope' });
  assert.ok(!unknown.ok && unknown.error.code === 'not-found');
  const badLog = await host.handlers.builds.readLog({ runId: '../../etc/passwd', offset: 0, count: 1 });
  assert.ok(!badLog.ok && badLog.error.code === 'not-found');
});

test('settings are stored in the data folder and merged', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  assert.deepEqual(await host.handlers.workspace.getSettings({}), { ok: true, value: { theme: 'system', defaultOnError: 'cleanup', historyKeepRuns: 0, historyKeepDays: 0, cacheMaxMb: 0 } });
  await host.handlers.workspace.setSettings({ theme: 'dark' });
  // The app's "Keep the build cache under … MB" field.
  await host.handlers.workspace.setSettings({ cacheMaxMb: 2048 });
  await host.handlers.workspace.setSettings({ defaultOnError: 'abort' });
  const again = createHost({ dataDir: ws.dataDir, env: {} });
  assert.deepEqual(await again.handlers.workspace.getSettings({}), { ok: true, value: { theme: 'dark', defaultOnError: 'abort', historyKeepRuns: 0, historyKeepDays: 0, cacheMaxMb: 2048 } });
  const bad = await again.call('workspace.setSettings', { theme: 'neon' });
  assert.ok(!bad.ok && bad.error.field === 'theme');
});

test('with on-error=ask a failing step asks; the answer given through the contract is taken', async () => {
  const ws = workspace(TEMPLATE.replace('inline = ["echo ${local.banner}", "echo pw=${var.password}"]', 'inline = ["exit 3"]'));
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const started = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'], onError: 'ask' });
  assert.ok(started.ok);
  const { runId } = started.value;
  const prompt = await new Promise<{ promptId: string; choices: string[] }>((resolve) =>
    host.subscribeRun(runId, (b) => {
      for (const e of b.events) if (e.kind === 'prompt') resolve(e);
    }),
  );
  assert.deepEqual(prompt.choices, ['cleanup', 'abort', 'retry']);
  assert.deepEqual(await host.handlers.builds.answerPrompt({ runId, promptId: prompt.promptId, answer: 'cleanup' }), { ok: true, value: { answered: true } });
  assert.deepEqual(await host.handlers.builds.answerPrompt({ runId, promptId: prompt.promptId, answer: 'cleanup' }), { ok: true, value: { answered: false } });
  await host.whenRunDone(runId);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok && runs.value[0].result === 'failed');
});

test('builds.start of a template that is not there any more says so, and nothing runs', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const gone = join(dirname(ws.templatePath), 'moved-away.pkr.hcl');
  const started = await host.handlers.builds.start({ path: gone, resume: true });
  assert.ok(!started.ok);
  assert.equal(started.error.code, 'not-found');
  assert.equal(started.error.message, `The template ${gone} is not there any more: it was moved or deleted since. Open it where it is now and build it from there.`);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok);
  assert.deepEqual(runs.value, []);
  await host.dispose();
});

test('builds.start with resume on builders without a build cache is refused, naming them, and nothing runs', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const started = await host.handlers.builds.start({ path: ws.templatePath, resume: true });
  assert.ok(!started.ok);
  assert.match(started.error.message, /^Cannot resume null\.box \(null\), null\.other \(null\): only docker and qemu builds keep a build cache to resume from\. Build again from the start instead\.$/);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok);
  assert.deepEqual(runs.value, []);
  await host.dispose();
});

test('a build whose ISO checksum file does not list the ISO is refused before it starts, the list read from the template\'s folder', async () => {
  const ws = workspace();
  const dir = dirname(ws.templatePath);
  const qemu = `source "qemu" "alpine" {\n  iso_url      = "alpine.iso"\n  iso_checksum = "file:./SHA256SUMS"\n  ssh_username = "root"\n}\n\nbuild {\n  sources = ["source.qemu.alpine"]\n}\n`;
  writeFileSync(ws.templatePath, qemu);
  writeFileSync(join(dir, 'SHA256SUMS'), `${'e'.repeat(64)}  other.iso\n`);
  const r = await createHost({ dataDir: ws.dataDir, env: {} }).handlers.builds.start({ path: ws.templatePath });
  assert.ok(!r.ok);
  assert.match(r.error.message, /build\.pkr\.hcl:1,1: no checksum found in: \.\/SHA256SUMS in "file:\.\/SHA256SUMS"/);
});

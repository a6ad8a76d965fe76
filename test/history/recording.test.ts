import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../core/cli/command';
import { buildCommand, runBuildCommand } from '../../core/cli/commands/build';
import { parseFlags } from '../../core/cli/flags';
import { AppDataDir } from '../../core/app/data-dir';
import { createHost } from '../../core/app/host';
import { createRun } from '../../core/engine/engine';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { runLogPath, runsDir } from '../../core/engine/runlog';
import { historyPath, openHistoryDatabase } from '../../core/history/database';
import { History } from '../../core/history/history';
import { MIGRATIONS } from '../../core/history/migrations';
import { TEMPLATE, workspace } from '../app/fixtures';
import { build as plannedBuild, provisioner } from '../engine/helpers';

async function cliBuild(dataDir: string, argv: string[]): Promise<{ code: number; stderr: string }> {
  const parsed = parseFlags(argv, buildCommand.flags);
  assert.ok(parsed.ok);
  let stderr = '';
  const io: CliIO = {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    stdin: new PassThrough(),
    stdinIsTTY: false,
    env: { PATH: process.env.PATH, BAKEHOUSE_DATA_DIR: dataDir },
    cwd: dataDir,
    color: false,
  };
  const code = await runBuildCommand(parsed.value, io, { signals: new EventEmitter() });
  return { code, stderr };
}

async function openHistory(dataDir: string): Promise<History> {
  const opened = await History.open(dataDir);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  return opened.value;
}

/** Every byte the database keeps on disk, WAL included: a secret must be in none of them. */
function databaseBytes(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((n) => n.startsWith('history.sqlite'))
    .map((n) => readFileSync(join(dataDir, n), 'latin1'))
    .join('');
}

test('a CLI build is recorded: template and hash, variables with the sensitive one masked, who, when, each build’s timeline, artifacts and the log', async () => {
  const ws = workspace();
  const before = Date.now();
  const ran = await cliBuild(ws.dataDir, ['-var', 'greeting=hi', '-var', 'password=topsecret-42', ws.templatePath]);
  assert.equal(ran.code, 0, ran.stderr);
  const history = await openHistory(ws.dataDir);
  const page = history.list({ limit: 10 });
  assert.equal(page.total, 1);
  const [run] = page.runs;
  assert.equal(run.template, ws.templatePath);
  assert.equal(run.templateHash, createHash('sha256').update(`${ws.templatePath}\0${TEMPLATE}\0`).digest('hex'));
  assert.equal(run.startedBy, 'cli');
  assert.equal(run.status, 'succeeded');
  assert.deepEqual(run.builds, ['null.box', 'null.other']);
  assert.ok(run.startedAt >= before && run.finishedAt !== undefined && run.finishedAt >= run.startedAt);

  const detail = history.detail(run.runId);
  assert.ok(detail);
  assert.deepEqual(detail.variables, [
    { name: 'greeting', value: 'hi', sensitive: false, source: 'cli' },
    { name: 'password', value: '<sensitive>', sensitive: true, source: 'cli' },
  ]);
  assert.deepEqual(detail.inputs, { only: [], except: [], onError: 'cleanup', vars: [['greeting', 'hi']] }, 'the sensitive value is not kept for running again');
  assert.equal(detail.logPath, runLogPath(ws.dataDir, run.runId));
  assert.ok(existsSync(detail.logPath));
  assert.deepEqual(detail.buildDetails.map((b) => [b.name, b.builderType, b.result]), [
    ['null.box', 'null', 'succeeded'],
    ['null.other', 'null', 'succeeded'],
  ]);
  const box = detail.buildDetails[0];
  const labels = box.steps.map((s) => `${s.kind}:${s.name}`);
  assert.ok(labels.includes('provisioner:shell-local'), labels.join(', '));
  assert.ok(labels.includes('post-processor:shell-local'), labels.join(', '));
  assert.ok(labels.some((l) => l.startsWith('step:')), labels.join(', '));
  assert.equal(box.steps.filter((s) => s.kind === 'provisioner').length, 2, 'null.box runs both provisioners');
  assert.equal(detail.buildDetails[1].steps.filter((s) => s.kind === 'provisioner').length, 1);
  for (const s of [...box.steps, ...detail.buildDetails[1].steps]) {
    assert.ok(s.finishedAt !== undefined && s.finishedAt >= s.startedAt, JSON.stringify(s));
    assert.ok(s.startedAt >= run.startedAt && s.finishedAt <= run.finishedAt, JSON.stringify(s));
  }
  // The artifacts are those the build reported at its end, as the run log has them.
  const finished = readFileSync(detail.logPath, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"build-finished"') && l.includes('"null.box"'))
    .map((l) => JSON.parse(l) as { artifacts: Array<{ id: string; builderId: string; files: string[]; text: string }> });
  assert.equal(finished.length, 1);
  assert.ok(box.artifacts.length > 0);
  assert.deepEqual(box.artifacts, finished[0].artifacts.map(({ id, builderId, files, text }) => ({ id, builderId, files, text })));
  assert.equal(box.artifacts[0].text, 'Did not export anything. This is the null builder');
  history.close();
  assert.ok(!databaseBytes(ws.dataDir).includes('topsecret-42'), 'the secret is nowhere in the database');
  assert.ok(databaseBytes(ws.dataDir).length > 0);
});

test('a failing build is recorded failed, with its first error and the step that halted', async () => {
  const ws = workspace(TEMPLATE.replace('inline = ["echo second"]', 'inline = ["exit 3"]'));
  const ran = await cliBuild(ws.dataDir, [ws.templatePath]);
  assert.equal(ran.code, 1);
  const history = await openHistory(ws.dataDir);
  const [run] = history.list({ limit: 10 }).runs;
  assert.equal(run.status, 'failed');
  assert.match(run.error ?? '', /null\.box: .*exit/i);
  const detail = history.detail(run.runId);
  assert.ok(detail);
  const box = detail.buildDetails.find((b) => b.name === 'null.box');
  assert.equal(box?.result, 'failed');
  const failed = box?.steps.find((s) => s.kind === 'provisioner' && s.result === 'failed');
  assert.ok(failed, JSON.stringify(box?.steps));
  assert.match(failed.error ?? '', /exit/i);
  assert.equal(detail.buildDetails.find((b) => b.name === 'null.other')?.result, 'succeeded');
  history.close();
});

test('the database is versioned and in WAL mode; one written by a newer Bakehouse is refused, naming the file', async () => {
  const ws = workspace();
  const opened = await openHistoryDatabase(historyPath(ws.dataDir));
  assert.ok(opened.ok);
  assert.equal(opened.value.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal(opened.value.pragma('journal_mode', { simple: true }), 'wal');
  opened.value.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  opened.value.close();
  const again = await History.open(ws.dataDir);
  assert.ok(!again.ok);
  assert.match(again.error, /history\.sqlite: the history was written by a newer Bakehouse/);
  // The CLI still builds: the history is a warning, not a failed build.
  const ran = await cliBuild(ws.dataDir, [ws.templatePath]);
  assert.equal(ran.code, 0);
  assert.match(ran.stderr, /the build history is not recorded: .*newer Bakehouse/);
});

test('run logs from before the history are imported once: the app’s with their template, a cut one as stopped', async () => {
  const ws = workspace();
  // Two runs written the old way: the engine's log, no history.
  const builds = [plannedBuild('null.a', { provisioners: [provisioner('shell-local', { inline: ['echo a'] })] })];
  const first = createRun({ builds, registry: builtinPlugins(), dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  await first.start();
  writeFileSync(join(runsDir(ws.dataDir), `${first.runId}.meta.json`), JSON.stringify({ runId: first.runId, template: '/t/app.pkr.hcl', startedAt: 1, builds: ['null.a'] }));
  const second = createRun({ builds, registry: builtinPlugins(), dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  await second.start();
  // The second's process "died" before its end: the log stops after the provisioner started.
  const lines = readFileSync(runLogPath(ws.dataDir, second.runId), 'utf8').split('\n');
  const cut = lines.findIndex((l) => l.includes('"provisioner-started"'));
  writeFileSync(runLogPath(ws.dataDir, second.runId), `${lines.slice(0, cut + 1).join('\n')}\n`);

  const history = await openHistory(ws.dataDir);
  const runs = history.list({ limit: 10 }).runs;
  assert.equal(runs.length, 2);
  const a = history.detail(first.runId);
  assert.equal(a?.template, '/t/app.pkr.hcl');
  assert.equal(a?.startedBy, 'app');
  assert.equal(a?.status, 'succeeded');
  assert.ok(a?.buildDetails[0].steps.some((s) => s.kind === 'provisioner' && s.finishedAt !== undefined));
  const b = history.detail(second.runId);
  assert.equal(b?.startedBy, 'cli');
  assert.equal(b?.status, 'failed');
  assert.match(b?.error ?? '', /ends before the run did/);
  assert.equal(b?.logPath, runLogPath(ws.dataDir, second.runId));
  history.close();

  // Once: a log that appears later (or one whose row was pruned) is not imported again.
  const third = createRun({ builds, registry: builtinPlugins(), dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  await third.start();
  const reopened = await openHistory(ws.dataDir);
  assert.equal(reopened.list({ limit: 10 }).total, 2);
  reopened.close();
});

test('listing: newest first, filtered by template, status and text, in pages; a run found by a prefix of its id', async () => {
  const ws = workspace();
  const other = workspace(TEMPLATE.replace('inline = ["echo second"]', 'inline = ["exit 1"]'), 'other.pkr.hcl');
  assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 0);
  assert.equal((await cliBuild(ws.dataDir, [other.templatePath])).code, 1);
  assert.equal((await cliBuild(ws.dataDir, ['-only', 'null.other', ws.templatePath])).code, 0);
  const history = await openHistory(ws.dataDir);
  const all = history.list({ limit: 10 });
  assert.equal(all.total, 3);
  assert.deepEqual(all.runs.map((r) => [r.template, r.status, r.builds.length]), [
    [ws.templatePath, 'succeeded', 1],
    [other.templatePath, 'failed', 2],
    [ws.templatePath, 'succeeded', 2],
  ]);
  assert.deepEqual(all.templates, [other.templatePath, ws.templatePath].sort());
  assert.equal(history.list({ limit: 10, template: ws.templatePath }).total, 2);
  assert.deepEqual(history.list({ limit: 10, status: 'failed' }).runs.map((r) => r.template), [other.templatePath]);
  assert.equal(history.list({ limit: 10, text: 'OTHER.PKR' }).total, 1, 'text matches the path, case-insensitively');
  assert.equal(history.list({ limit: 10, text: '100%' }).total, 0, '% is literal');
  const page2 = history.list({ limit: 2, offset: 2 });
  assert.equal(page2.total, 3);
  assert.deepEqual(page2.runs.map((r) => r.runId), [all.runs[2].runId]);
  assert.equal(history.resolve(all.runs[1].runId.slice(0, 8)), all.runs[1].runId);
  assert.equal(history.resolve('zzz'), undefined);
  history.close();
});

test('retention keeps the last N runs (or N days) and deletes the others’ run logs with them', async () => {
  const ws = workspace();
  for (let i = 0; i < 3; i++) assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 0);
  const history = await openHistory(ws.dataDir);
  const runs = history.list({ limit: 10 }).runs;
  assert.deepEqual(history.prune({ keepDays: 1 }), [], 'all are from today');
  const removed = history.prune({ keepRuns: 1 });
  assert.deepEqual(removed.sort(), runs.slice(1).map((r) => r.runId).sort());
  assert.deepEqual(history.list({ limit: 10 }).runs.map((r) => r.runId), [runs[0].runId]);
  assert.equal(history.detail(runs[1].runId), undefined);
  assert.ok(!existsSync(runLogPath(ws.dataDir, runs[1].runId)));
  assert.ok(existsSync(runLogPath(ws.dataDir, runs[0].runId)));
  assert.deepEqual(history.prune({ keepDays: 0 }, Date.now() + 1000), [runs[0].runId]);
  history.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

test('a run the app starts is recorded as the app’s, and read back through the host', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const started = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'], vars: [['greeting', 'hey']] });
  assert.ok(started.ok);
  await host.whenRunDone(started.value.runId);
  await host.dispose();
  const history = await openHistory(ws.dataDir);
  const detail = history.detail(started.value.runId);
  assert.ok(detail);
  assert.equal(detail.startedBy, 'app');
  assert.equal(detail.status, 'succeeded');
  assert.equal(detail.template, ws.templatePath);
  assert.deepEqual(detail.inputs, { only: ['null.box'], except: [], vars: [['greeting', 'hey']] });
  assert.deepEqual(detail.variables.map((v) => [v.name, v.value, v.source]), [
    ['greeting', 'hey', 'cli'],
    ['password', '<sensitive>', 'default'],
  ]);
  assert.deepEqual(detail.buildDetails.map((b) => b.name), ['null.box']);
  assert.ok(detail.buildDetails[0].steps.length >= 4);
  history.close();
});

test('the contract: history.list with filters and paging, history.show, and the retention setting applied at once', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const ids: string[] = [];
  for (const only of [['null.box'], ['null.other'], ['null.box']]) {
    const started = await host.handlers.builds.start({ path: ws.templatePath, only });
    assert.ok(started.ok);
    ids.push(started.value.runId);
    await host.whenRunDone(started.value.runId);
  }
  const page = await host.handlers.history.list({});
  assert.ok(page.ok);
  assert.deepEqual(page.value.runs.map((r) => r.runId), [...ids].reverse());
  assert.deepEqual(page.value.templates, [ws.templatePath]);
  const filtered = await host.handlers.history.list({ text: 'null.other', limit: 5, offset: 0, status: 'succeeded', template: ws.templatePath });
  assert.ok(filtered.ok);
  assert.deepEqual(filtered.value.runs.map((r) => r.runId), [ids[1]]);
  const bad = await host.call('history.list', { status: 'maybe' });
  assert.ok(!bad.ok && bad.error.code === 'invalid-input');
  const shown = await host.handlers.history.show({ runId: ids[1] });
  assert.ok(shown.ok);
  assert.deepEqual(shown.value.buildDetails.map((b) => b.name), ['null.other']);
  const missing = await host.handlers.history.show({ runId: 'nope' });
  assert.ok(!missing.ok && missing.error.code === 'not-found');

  const set = await host.handlers.workspace.setSettings({ historyKeepRuns: 2 });
  assert.ok(set.ok && set.value.historyKeepRuns === 2);
  const kept = await host.handlers.history.list({});
  assert.ok(kept.ok);
  assert.deepEqual(kept.value.runs.map((r) => r.runId), [ids[2], ids[1]]);
  assert.ok(!existsSync(runLogPath(ws.dataDir, ids[0])), 'the dropped run’s log is deleted with it');
  // And after the next run, which pushes the oldest out.
  const next = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'] });
  assert.ok(next.ok);
  await host.whenRunDone(next.value.runId);
  const after = await host.handlers.history.list({});
  assert.ok(after.ok);
  assert.deepEqual(after.value.runs.map((r) => r.runId), [next.value.runId, ids[2]]);
  await host.dispose();
});

test('a CLI build applies the data folder’s retention setting too', async () => {
  const ws = workspace();
  new AppDataDir(ws.dataDir).writeSettings({ historyKeepRuns: 1 });
  assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 0);
  assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 0);
  const history = await openHistory(ws.dataDir);
  const runs = history.list({ limit: 10 }).runs;
  assert.equal(runs.length, 1);
  assert.deepEqual(readdirSync(runsDir(ws.dataDir)), [`${runs[0].runId}.jsonl`]);
  history.close();
});

test('a run whose process died is not left running: reopening the history marks it failed, saying why', async () => {
  const ws = workspace();
  const builds = [plannedBuild('null.a', { provisioners: [provisioner('shell-local', { inline: ['echo a'] })] })];
  // The run's row is recorded here, then given the pid of a real process, which is then killed mid-run as it were.
  const history = await openHistory(ws.dataDir);
  const run = createRun({ builds, registry: builtinPlugins(), dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  history.record(run, { template: '/t/x.pkr.hcl', templateHash: '', startedBy: 'cli', startedAt: Date.now(), builds: ['null.a'], variables: [], inputs: { only: [], except: [], vars: [] } });
  const sleeper = spawn('sleep', ['30']);
  await new Promise((r) => sleeper.once('spawn', r));
  history.close();
  const db = await openHistoryDatabase(historyPath(ws.dataDir));
  assert.ok(db.ok);
  db.value.prepare('UPDATE runs SET pid = ? WHERE run_id = ?').run(sleeper.pid, run.runId);
  db.value.close();
  const alive = await openHistory(ws.dataDir);
  assert.equal(alive.detail(run.runId)?.status, 'running', 'its process is alive: still running');
  alive.close();
  sleeper.kill('SIGKILL');
  await new Promise((r) => sleeper.once('exit', r));
  const later = await openHistory(ws.dataDir);
  const detail = later.detail(run.runId);
  assert.equal(detail?.status, 'failed');
  assert.equal(detail?.error, 'The process running the build stopped before the run ended.');
  assert.ok(detail?.finishedAt !== undefined);
  later.close();
});

test('a failed run keeps its template as it was, with the failed provisioner\'s line; its template\'s duration trend lists the runs before it', async () => {
  const ws = workspace();
  assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 0);
  // The second provisioner now fails; the file on disk changes after, so only the history has the text that ran.
  const failing = TEMPLATE.replace('inline = ["echo second"]', 'inline = ["echo second", "exit 3"]');
  writeFileSync(ws.templatePath, failing);
  assert.equal((await cliBuild(ws.dataDir, [ws.templatePath])).code, 1);
  writeFileSync(ws.templatePath, TEMPLATE.replace('echo done', 'echo changed'));

  const history = await openHistory(ws.dataDir);
  const [failed, succeeded] = history.list({ limit: 10 }).runs;
  assert.equal(failed.status, 'failed');
  const detail = history.detail(failed.runId);
  assert.ok(detail);
  assert.deepEqual(detail.templateFiles.map((f) => f.path), [ws.templatePath]);
  const text = detail.templateFiles[0].text;
  assert.ok(text.includes('"exit 3"'), 'the text that ran, not the file as it is now');
  assert.ok(!text.includes('hunter2-secret'), 'a sensitive default is masked in the kept text');
  assert.deepEqual(detail.errorAt, { file: ws.templatePath, line: 32, column: 3, what: 'provisioner 2 (shell-local) of null.box' });
  assert.equal(text.split('\n')[31].trim(), 'provisioner "shell-local" {');
  assert.deepEqual(detail.trend.map((p) => [p.runId, p.status]), [
    [succeeded.runId, 'succeeded'],
    [failed.runId, 'failed'],
  ]);
  assert.ok(detail.trend.every((p) => p.durationMs >= 0));
  assert.equal(history.detail(succeeded.runId)?.errorAt, undefined);
  assert.deepEqual(history.detail(succeeded.runId)?.trend.map((p) => p.runId), [succeeded.runId], 'a run\'s trend ends at it');
  history.close();
});

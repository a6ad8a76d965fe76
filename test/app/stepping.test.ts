/**
 * Stepping through the host's contract: breakpoints on graph nodes kept beside the template, a paused Docker build, a
 * terminal into its container (output pushed to subscribers, keys and sizes by calls), Continue closing it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHost } from '../../core/app/host';
import type { BlockPlace } from '../../core/common/breakpoint';
import type { RunEvent } from '../../core/contract/events';
import type { TerminalOutput } from '../../core/contract/terminal';
import { BASE_IMAGE, requireDocker } from '../builders/docker/harness';
import { TEMPLATE, workspace } from './fixtures';

type Host = ReturnType<typeof createHost>;

/** The block place of the graph's node labelled `label`, as the renderer would send it. */
async function nodePlace(host: Host, templatePath: string, label: string): Promise<BlockPlace> {
  const text = readFileSync(templatePath, 'utf8');
  const r = await host.handlers.templates.analyze({ root: dirname(templatePath), files: [{ filename: templatePath, text }] });
  assert.ok(r.ok);
  const node = r.value.graph.nodes.find((n) => n.label === label);
  assert.ok(node?.range && (node.kind === 'provisioner' || node.kind === 'post-processor'), `no node ${label}`);
  return { kind: node.kind, filename: node.range.filename, line: node.range.start.line, column: node.range.start.column };
}

function events(host: Host, runId: string): { all: RunEvent[]; next(pred: (e: RunEvent) => boolean): Promise<RunEvent> } {
  const all: RunEvent[] = [];
  const waiters: Array<{ pred: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }> = [];
  host.subscribeRun(runId, (b) => {
    for (const e of b.events) {
      all.push(e);
      for (const w of [...waiters]) {
        if (!w.pred(e)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    all,
    next: (pred) => {
      const seen = all.find(pred);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

test('breakpoints are kept in the data folder per template, never in the template; bad ones are refused', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const before = readFileSync(ws.templatePath, 'utf8');
  const place: BlockPlace = { kind: 'provisioner', filename: ws.templatePath, line: 30, column: 3 };
  const set = await host.handlers.stepping.setBreakpoints({ template: ws.templatePath, breakpoints: [place, { ...place }] });
  assert.deepEqual(set, { ok: true, value: [place] }, 'the same block once');
  assert.equal(readFileSync(ws.templatePath, 'utf8'), before);
  assert.ok(existsSync(join(ws.dataDir, 'breakpoints.json')));
  const again = createHost({ dataDir: ws.dataDir, env: {} });
  assert.deepEqual(await again.handlers.stepping.breakpoints({ template: ws.templatePath }), { ok: true, value: [place] });
  assert.deepEqual(await again.handlers.stepping.breakpoints({ template: `${ws.templatePath}.other` }), { ok: true, value: [] });
  const bad = await again.call('stepping.setBreakpoints', { template: ws.templatePath, breakpoints: [{ ...place, kind: 'source' }] });
  assert.ok(!bad.ok && bad.error.code === 'invalid-input');
  await host.dispose();
});

test('a breakpoint set on a node pauses the run there; Step pauses at the next, a breakpoint set mid-run is taken', async () => {
  const ws = workspace(TEMPLATE);
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const first = await nodePlace(host, ws.templatePath, 'shell-local');
  await host.handlers.stepping.setBreakpoints({ template: ws.templatePath, breakpoints: [first] });
  const started = await host.handlers.builds.start({ path: ws.templatePath, only: ['null.box'] });
  assert.ok(started.ok);
  const { runId } = started.value;
  const ev = events(host, runId);
  const pause = await ev.next((e) => e.kind === 'prompt');
  assert.ok(pause.kind === 'prompt' && pause.reason === 'step');
  assert.deepEqual(pause.at?.at, first);
  assert.deepEqual(pause.choices, ['continue', 'step', 'abort']);
  assert.equal(pause.terminal, false, 'a null build has no machine');
  assert.deepEqual(await host.handlers.builds.answerPrompt({ runId, promptId: pause.promptId, answer: 'step' }), { ok: true, value: { answered: true } });
  const second = await ev.next((e) => e.kind === 'prompt' && e.promptId !== pause.promptId);
  assert.ok(second.kind === 'prompt' && second.at?.index === 1);
  await host.handlers.builds.answerPrompt({ runId, promptId: second.promptId, answer: 'continue' });
  await host.whenRunDone(runId);
  assert.equal(ev.all.filter((e) => e.kind === 'prompt').length, 2);
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok && runs.value[0].result === 'succeeded');
  await host.dispose();
});

const DOCKER = `source "docker" "box" {
  image   = "${BASE_IMAGE}"
  pull    = false
  discard = true
}

build {
  sources = ["source.docker.box"]

  provisioner "shell" {
    inline = ["echo prepared > /tmp/prepared"]
  }

  provisioner "shell" {
    name   = "look"
    inline = ["echo looked"]
  }
}
`;

test('a terminal into a paused Docker build: output pushed, keys and resizes by calls, closed by Continue', async () => {
  requireDocker();
  const ws = workspace(DOCKER);
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  await host.handlers.stepping.setBreakpoints({ template: ws.templatePath, breakpoints: [await nodePlace(host, ws.templatePath, 'look')] });
  const started = await host.handlers.builds.start({ path: ws.templatePath });
  assert.ok(started.ok, JSON.stringify(started));
  const { runId } = started.value;
  const ev = events(host, runId);
  const pause = await ev.next((e) => e.kind === 'prompt');
  assert.ok(pause.kind === 'prompt' && pause.terminal === true);

  const opened = await host.handlers.stepping.openTerminal({ runId, promptId: pause.promptId, cols: 90, rows: 25 });
  assert.ok(opened.ok, JSON.stringify(opened));
  const { terminalId } = opened.value;
  let screen = '';
  let ended = false;
  const changed: Array<() => void> = [];
  host.subscribeTerminal(terminalId, (o: TerminalOutput) => {
    if ('ended' in o) ended = true;
    else screen += Buffer.from(o.data, 'base64').toString('utf8');
    changed.splice(0).forEach((f) => f());
  });
  const waitFor = async (re: RegExp) => {
    const deadline = Date.now() + 15_000;
    while (!re.test(screen)) {
      assert.ok(Date.now() < deadline, `never saw ${re} in:\n${screen}`);
      await new Promise<void>((r) => (changed.push(r), setTimeout(r, 500)));
    }
  };
  assert.deepEqual(await host.handlers.stepping.terminalInput({ terminalId, data: 'cat /etc/os-release /tmp/prepared\r' }), { ok: true, value: { written: true } });
  await waitFor(/^prepared\r?$/m);
  assert.match(screen, /PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"/);
  assert.deepEqual(await host.handlers.stepping.resizeTerminal({ terminalId, cols: 120, rows: 40 }), { ok: true, value: { resized: true } });
  await new Promise((r) => setTimeout(r, 200));
  await host.handlers.stepping.terminalInput({ terminalId, data: 'stty size\r' });
  await waitFor(/^40 120\r?$/m);

  await host.handlers.builds.answerPrompt({ runId, promptId: pause.promptId, answer: 'continue' });
  await host.whenRunDone(runId);
  for (let i = 0; i < 50 && !ended; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(ended, 'Continue closed the terminal');
  assert.deepEqual(await host.handlers.stepping.terminalInput({ terminalId, data: 'x' }), { ok: true, value: { written: false } });
  const runs = await host.handlers.builds.listRuns({});
  assert.ok(runs.ok && runs.value[0].result === 'succeeded');
  assert.ok(ev.all.some((e) => e.kind === 'output' && e.line === 'looked'));
  await host.dispose();
});

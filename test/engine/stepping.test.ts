/** Pausing before a provisioner or post-processor: breakpoints by name or by block, Continue, Step, Abort. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Breakpoint } from '../../core/common/breakpoint';
import type { PromptAnswer } from '../../core/common/prompt';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import type { EngineEvent } from '../../core/engine/events';
import type { BuildRun } from '../../core/engine/engine';
import type { Range } from '../../core/template/source';
import { build, collect, postProcessor, provisioner, texts } from './helpers';

const at = (line: number): Range => ({ filename: '/t/build.pkr.hcl', start: { line, column: 3, byte: line * 10 }, end: { line: line + 2, column: 4, byte: line * 10 + 20 } });
const echo = (text: string, extra = {}) => provisioner('shell-local', { inline: [`echo ${text}`] }, extra);
const ppEcho = (text: string, extra = {}) => postProcessor('shell-local', { inline: [`echo ${text}`] }, extra);

/** Three provisioners (one unnamed) and a chain of two post-processors, each written on its own line. */
const pipeline = (name = 'null') =>
  build(name, {
    provisioners: [echo('first', { name: 'install', range: at(10) }), echo('second', { name: 'configure', range: at(20) }), echo('third', { range: at(30) })],
    postProcessors: [[ppEcho('pp-one', { name: 'tag', range: at(40) }), ppEcho('pp-two', { range: at(50) })]],
  });

type Prompt = EngineEvent & { kind: 'prompt' };

/** Runs with `breakpoints`, answering each pause in turn from `answers` (then `continue`); returns the pauses seen. */
async function stepThrough(breakpoints: Breakpoint[], answers: PromptAnswer[], builds = [pipeline()], onPause?: (p: Prompt, run: BuildRun) => void) {
  const pauses: Prompt[] = [];
  const ran = await collect({ builds, registry: builtinPlugins(), breakpoints }, (e, run) => {
    if (e.kind !== 'prompt') return;
    pauses.push(e);
    onPause?.(e, run);
    const answer = answers.shift() ?? 'continue';
    setTimeout(() => run.answerPrompt(e.promptId, answer), 5);
  });
  const where = pauses.map((p) => `${p.at?.kind} ${p.at?.index} ${p.at?.name ?? p.at?.type}`);
  return { ...ran, pauses, where };
}

test('a breakpoint by name pauses before that provisioner only; Continue runs the rest without pausing', async () => {
  const { events, pauses, where, summary } = await stepThrough([{ name: 'configure' }], []);
  assert.equal(summary.result, 'succeeded');
  assert.deepEqual(where, ['provisioner 1 configure']);
  const p = pauses[0];
  assert.equal(p.reason, 'step');
  assert.deepEqual(p.choices, ['continue', 'step', 'abort']);
  assert.deepEqual(p.at?.at, { kind: 'provisioner', filename: '/t/build.pkr.hcl', line: 20, column: 3 });
  assert.equal(p.terminal, false, 'the null builder has no machine');
  // Paused after the first provisioner ended and before the second began.
  const seq = events.map((e) => (e.kind === 'output' ? e.line : e.kind === 'prompt' ? 'PAUSE' : '')).filter(Boolean);
  assert.deepEqual(seq.slice(0, 4), ['first', 'PAUSE', 'second', 'third']);
  assert.ok(texts(events).includes('Paused before provisioner "configure" (shell-local) at a breakpoint.'));
});

test('Step pauses before every following provisioner and post-processor until Continue', async () => {
  const { where, summary } = await stepThrough([{ name: 'install' }], ['step', 'step', 'step', 'continue']);
  assert.equal(summary.result, 'succeeded');
  assert.deepEqual(where, ['provisioner 0 install', 'provisioner 1 configure', 'provisioner 2 shell-local', 'post-processor 0 tag']);
});

test('names are globs over the name, or the type of an unnamed step, as Packer names post-processors in -except', async () => {
  assert.deepEqual((await stepThrough([{ name: 'conf*' }], [])).where, ['provisioner 1 configure']);
  assert.deepEqual((await stepThrough([{ name: 'shell-local' }], [])).where, ['provisioner 2 shell-local', 'post-processor 1 shell-local']);
  assert.deepEqual((await stepThrough([{ name: 'tag' }], [])).where, ['post-processor 0 tag']);
});

test('a breakpoint on a block (the graph node) pauses only there', async () => {
  const { where } = await stepThrough([{ at: { kind: 'post-processor', filename: '/t/build.pkr.hcl', line: 50, column: 3 } }, { at: { kind: 'provisioner', filename: '/t/build.pkr.hcl', line: 50, column: 3 } }], []);
  assert.deepEqual(where, ['post-processor 1 shell-local']);
});

test('Abort stops that build as a cancel does (no later step runs, cleanup runs); the other builds go on', async () => {
  const { events, summary } = await stepThrough([{ name: 'configure' }], ['abort'], [pipeline('a'), build('b', { provisioners: [echo('b-ran')] })]);
  const a = summary.builds.find((b) => b.name === 'a')!;
  const b = summary.builds.find((b) => b.name === 'b')!;
  assert.equal(a.result, 'cancelled');
  assert.equal(b.result, 'succeeded');
  assert.equal(summary.result, 'failed');
  const out = texts(events.filter((e) => e.build === 'a'));
  assert.ok(out.includes('first') && !out.includes('second') && !out.includes('pp-one'), out.join('\n'));
  assert.ok(out.includes('Aborted before provisioner "configure" (shell-local).'));
  assert.ok(texts(events).includes('b-ran'));
});

test('breakpoints set while the build is paused take effect from its next step', async () => {
  const { where } = await stepThrough([{ name: 'install' }], [], [pipeline()], (p, run) => {
    if (p.at?.name === 'install') run.setBreakpoints([{ name: 'tag' }]);
  });
  assert.deepEqual(where, ['provisioner 0 install', 'post-processor 0 tag']);
});

test('a paused build without a machine has no terminal to open, and an answered prompt none either', async () => {
  let opened: string | undefined;
  await stepThrough([{ name: 'install' }], [], [pipeline()], (p, run) => {
    void run.openTerminal(p.promptId, { cols: 80, rows: 24 }).then((r) => (opened = r.ok ? 'opened' : r.error));
  });
  assert.match(opened ?? '', /has no machine to open a terminal on/);
  const { run, pauses } = await stepThrough([{ name: 'install' }], []);
  const r = await run.openTerminal(pauses[0].promptId, { cols: 80, rows: 24 });
  assert.match(r.ok ? 'opened' : r.error, /no longer paused/);
});

test('a cancel while paused ends the pause and cancels the run', async () => {
  const { summary, pauses } = await collect({ builds: [pipeline()], registry: builtinPlugins(), breakpoints: [{ name: 'install' }] }, (e, run) => {
    if (e.kind === 'prompt') setTimeout(() => run.cancel(), 5);
  }).then((r) => ({ ...r, pauses: r.events.filter((e) => e.kind === 'prompt') }));
  assert.equal(pauses.length, 1);
  assert.equal(summary.result, 'cancelled');
});

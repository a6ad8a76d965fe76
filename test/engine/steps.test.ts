import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Builder, BuilderPlugin, BuildState } from '../../core/engine/plugin';
import { CONTINUE, halt } from '../../core/engine/steps';
import { build, collect, provisioner, tempDir, texts } from './helpers';
import { registryWith, scriptedBuilder, type Journal } from './fake-plugins';

const scripted = (name = 'b') => build(name, { type: 'scripted' });

test('after success every step is cleaned up in reverse order, each resource after its step', async () => {
  const journal: Journal = { lines: [] };
  const { summary } = await collect({ builds: [scripted()], registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'ok']])) });
  assert.equal(summary.builds[0].result, 'succeeded');
  assert.deepEqual(journal.lines, ['run one', 'run two', 'cleanup two', 'remove two', 'cleanup one', 'remove one']);
});

test('a failing step stops the build; it and the steps before it are cleaned up, later steps never run', async () => {
  const journal: Journal = { lines: [] };
  const { summary, events } = await collect({
    builds: [scripted()],
    registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'fail'], ['three', 'ok']])),
  });
  assert.equal(summary.builds[0].result, 'failed');
  assert.equal(summary.builds[0].error, 'two failed');
  assert.deepEqual(journal.lines, ['run one', 'run two', 'cleanup two', 'remove two', 'cleanup one', 'remove one']);
  const finished = events.find((e) => e.kind === 'build-finished');
  assert.equal(finished?.kind === 'build-finished' && finished.result, 'failed');
});

test('a step that throws is treated as a failure and still cleaned up', async () => {
  const journal: Journal = { lines: [] };
  const { summary } = await collect({ builds: [scripted()], registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'throw']])) });
  assert.equal(summary.builds[0].error, 'two threw');
  assert.deepEqual(journal.lines, ['run one', 'run two', 'cleanup two', 'remove two', 'cleanup one', 'remove one']);
});

test('cancelling mid-step aborts the step and cleans up everything that ran', async () => {
  const journal: Journal = { lines: [] };
  const { summary } = await collect(
    { builds: [scripted()], registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'wait'], ['three', 'ok']])) },
    (e, run) => {
      if (e.kind === 'step-started' && e.step === 'two') setTimeout(() => run.cancel(), 20);
    },
  );
  assert.equal(summary.builds[0].result, 'cancelled');
  assert.equal(summary.cancelled, true);
  assert.deepEqual(journal.lines, ['run one', 'run two', 'cleanup two', 'remove two', 'cleanup one', 'remove one']);
});

test('a second cancel stops waiting for a slow cleanup and reports what was left behind', async () => {
  const journal: Journal = { lines: [] };
  const started = Date.now();
  const { events } = await collect(
    { builds: [scripted()], registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'wait']], { slowCleanupMs: 5000 })) },
    (e, run) => {
      if (e.kind === 'step-started' && e.step === 'two') setTimeout(() => run.cancel(), 10);
      if (e.kind === 'step-finished' && e.step === 'two') setTimeout(() => run.cancel(), 50);
    },
  );
  assert.ok(Date.now() - started < 3000, 'did not wait for the slow cleanup');
  const left = events.find((e) => e.kind === 'left-behind');
  assert.ok(left && left.kind === 'left-behind');
  assert.deepEqual(left.resources.map((r) => r.description), ['resource of two', 'resource of one']);
});

test('-on-error=abort skips all cleanup and reports each resource with how to remove it', async () => {
  const journal: Journal = { lines: [] };
  const { events } = await collect({
    builds: [scripted()],
    onError: 'abort',
    registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'fail']])),
  });
  assert.deepEqual(journal.lines, ['run one', 'run two']);
  const left = events.find((e) => e.kind === 'left-behind');
  assert.ok(left && left.kind === 'left-behind');
  assert.deepEqual(left.resources, [
    { step: 'two', description: 'resource of two', howToRemove: 'rm -rf /tmp/two' },
    { step: 'one', description: 'resource of one', howToRemove: 'rm -rf /tmp/one' },
  ]);
  const said = texts(events);
  assert.ok(said.includes('Step "two" failed, aborting...'));
  assert.ok(said.includes('aborted: skipping cleanup of step "one"'));
});

test('-on-error=abort still cleans up after a successful build', async () => {
  const journal: Journal = { lines: [] };
  await collect({ builds: [scripted()], onError: 'abort', registry: registryWith(scriptedBuilder(journal, [['one', 'ok']])) });
  assert.deepEqual(journal.lines, ['run one', 'cleanup one', 'remove one']);
});

for (const [answer, expected] of [
  // The retried step registered its resource again, so both registrations are removed.
  ['retry', ['run one', 'run two', 'run two', 'cleanup two', 'remove two', 'remove two', 'cleanup one', 'remove one']],
  ['cleanup', ['run one', 'run two', 'cleanup two', 'remove two', 'cleanup one', 'remove one']],
  ['abort', ['run one', 'run two']],
] as const) {
  test(`-on-error=ask answered "${answer}"`, async () => {
    const journal: Journal = { lines: [] };
    const { events, summary } = await collect(
      { builds: [scripted()], onError: 'ask', registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'fail-once']])) },
      (e, run) => {
        if (e.kind === 'prompt') setTimeout(() => run.answerPrompt(e.promptId, answer), 5);
      },
    );
    assert.deepEqual(journal.lines, expected);
    const prompt = events.find((e) => e.kind === 'prompt');
    assert.ok(prompt && prompt.kind === 'prompt');
    assert.equal(prompt.reason, 'on-error');
    assert.deepEqual(prompt.choices, ['cleanup', 'abort', 'retry']);
    assert.equal(summary.builds[0].result, answer === 'retry' ? 'succeeded' : 'failed');
    // Events must cross IPC: plain data only.
    assert.deepEqual(JSON.parse(JSON.stringify(events)), events);
  });
}

test('builds run in parallel up to -parallel-builds, each with its own ordered events', async () => {
  const journal: Journal = { lines: [] };
  const { events } = await collect({
    builds: [scripted('a'), scripted('b'), scripted('c')],
    parallelBuilds: 2,
    registry: registryWith(scriptedBuilder(journal, [['one', 'ok']])),
  });
  for (const name of ['a', 'b', 'c']) {
    const kinds = events.filter((e) => e.build === name).map((e) => e.kind);
    // The step's resource is recorded before it is made and again when its cleanup removes it.
    assert.deepEqual(kinds, ['build-started', 'step-started', 'resource', 'step-finished', 'resource', 'artifact', 'build-finished']);
  }
  const order = events.filter((e) => e.kind === 'build-started' || e.kind === 'build-finished').map((e) => `${e.kind}:${e.build}`);
  assert.deepEqual(order.slice(0, 2), ['build-started:a', 'build-started:b']);
  assert.ok(order.indexOf('build-started:c') > order.indexOf('build-finished:a') || order.indexOf('build-started:c') > order.indexOf('build-finished:b'));
});

test('an unknown builder fails before any build starts', async () => {
  const journal: Journal = { lines: [] };
  const { summary, events } = await collect({
    builds: [scripted('ok'), build('bad', { type: 'nope' })],
    registry: registryWith(scriptedBuilder(journal, [['one', 'ok']])),
  });
  assert.deepEqual(journal.lines, []);
  assert.equal(summary.builds.length, 0);
  assert.match(summary.prepareErrors[0].error, /The builder nope is unknown/);
  assert.ok(!events.some((e) => e.kind === 'build-started'));
});

test('-on-error=run-cleanup-provisioner leaves the other steps but runs the error-cleanup-provisioner', async () => {
  const journal: Journal = { lines: [] };
  const dir = tempDir();
  const marker = join(dir, 'cleanup-provisioner-ran');
  const { events } = await collect({
    builds: [build('b', { type: 'scripted', errorCleanupProvisioner: provisioner('shell-local', { inline: [`touch ${marker}`] }) })],
    onError: 'run-cleanup-provisioner',
    registry: registryWith(scriptedBuilder(journal, [['one', 'ok'], ['two', 'ok'], ['three', 'fail']], { provisionAt: 2 })),
  });
  assert.deepEqual(journal.lines, ['run one', 'run two', 'run three']);
  assert.ok(existsSync(marker));
  const left = events.find((e) => e.kind === 'left-behind');
  assert.ok(left && left.kind === 'left-behind');
  assert.deepEqual(left.resources.map((r) => r.step), ['three', 'two', 'one']);
});

interface OutputState extends BuildState {
  made?: string;
}

/** Step "make" makes an output kept only if the build succeeds; step "use" reads it from the typed state, then ends as told. */
function outputBuilder(journal: Journal, use: 'ok' | 'fail'): BuilderPlugin {
  return {
    type: 'scripted',
    prepare() {
      const builder: Builder<OutputState> = {
        steps: () => [
          {
            name: 'make',
            async run(state, ctx) {
              ctx.track({
                description: 'output out.img',
                async remove(c) {
                  if (!c.halted && !c.cancelled) return;
                  c.ui.say('Deleting out.img');
                  journal.lines.push('remove out.img');
                },
              });
              state.made = 'out.img';
              return CONTINUE;
            },
          },
          {
            name: 'use',
            async run(state) {
              journal.lines.push(`use ${state.made}`);
              return use === 'ok' ? CONTINUE : halt('use failed');
            },
          },
        ],
        artifact: (state) => ({ id: state.made ?? '', builderId: 'test.output', files: [], text: 'output', state: {} }),
      };
      return { ok: true, value: builder };
    },
  };
}

test('steps share the builder\'s typed state; an output kept on success is removed, with its message, when the build fails', async () => {
  const kept: Journal = { lines: [] };
  const ok = await collect({ builds: [scripted()], registry: registryWith(outputBuilder(kept, 'ok')) });
  assert.equal(ok.summary.builds[0].result, 'succeeded');
  assert.deepEqual(kept.lines, ['use out.img']);
  assert.deepEqual(ok.summary.builds[0].artifacts.map((a) => a.id), ['out.img']);
  assert.ok(!ok.events.some((e) => e.kind === 'left-behind'));

  const removed: Journal = { lines: [] };
  const failed = await collect({ builds: [scripted()], registry: registryWith(outputBuilder(removed, 'fail')) });
  assert.equal(failed.summary.builds[0].error, 'use failed');
  assert.deepEqual(removed.lines, ['use out.img', 'remove out.img']);
  assert.ok(texts(failed.events).includes('Deleting out.img'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Artifact } from '../../core/engine/artifact';
import type { PostProcessContext } from '../../core/engine/plugin';
import { runPostProcessors, type PreparedPostProcessor } from '../../core/engine/post-processing';

/** A post-processor that wraps its input in a new artifact `name` and returns Packer's keep/forceOverride defaults. */
function pp(name: string, keep: boolean, opts: { forceOverride?: boolean; userKeep?: boolean; fail?: boolean } = {}): PreparedPostProcessor {
  return {
    type: name,
    keepInputArtifact: opts.userKeep,
    postProcessor: {
      async postProcess(_ctx, input) {
        if (opts.fail) return { ok: false, error: `${name} broke` };
        return { ok: true, value: { artifact: artifact(`${input.id}>${name}`), keep, forceOverride: opts.forceOverride ?? false } };
      },
    },
  };
}

const destroyed: string[] = [];
function artifact(id: string): Artifact {
  return { id, builderId: 'test', files: [], text: id, state: {}, destroy: async () => void destroyed.push(id) };
}

async function run(chains: PreparedPostProcessor[][]) {
  destroyed.length = 0;
  const out = await runPostProcessors({
    builderArtifact: artifact('b'),
    chains,
    contextFor: () => ({}) as PostProcessContext,
    say: () => undefined,
    signal: new AbortController().signal,
  });
  return { ids: out.artifacts.map((a) => a.id), destroyed: [...destroyed], errors: out.errors };
}

test('with no post-processors the builder artifact is the result', async () => {
  assert.deepEqual(await run([]), { ids: ['b'], destroyed: [], errors: [] });
});

test('a chain passes artifacts along; intermediate ones not kept are destroyed, and so is the builder artifact', async () => {
  assert.deepEqual(await run([[pp('x', false), pp('y', false)]]), { ids: ['b>x>y'], destroyed: ['b>x', 'b'], errors: [] });
});

test('keep_input_artifact overrides the default, unless the post-processor forces keeping', async () => {
  assert.deepEqual((await run([[pp('x', false, { userKeep: true })]])).ids, ['b', 'b>x']);
  assert.deepEqual((await run([[pp('x', true), pp('y', true, { userKeep: false })]])).destroyed, ['b>x']);
  assert.deepEqual((await run([[pp('x', true), pp('y', true, { userKeep: false, forceOverride: true })]])).ids, ['b', 'b>x', 'b>x>y']);
});

test('each standalone chain starts from the builder artifact, destroyed only when no chain keeps it', async () => {
  assert.deepEqual(await run([[pp('x', false)], [pp('y', true)]]), { ids: ['b', 'b>x', 'b>y'], destroyed: [], errors: [] });
  assert.deepEqual((await run([[pp('x', false)], [pp('y', false)]])).destroyed, ['b']);
});

test('a failing post-processor ends its chain with an error; other chains still run', async () => {
  const r = await run([[pp('x', true, { fail: true }), pp('y', true)], [pp('z', true)]]);
  assert.deepEqual(r.ids, ['b', 'b>z']);
  assert.deepEqual(r.errors, ['Post-processor failed: x broke']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../core/contract/events';
import type { BuilderPlugin, BuildState } from '../../core/engine/plugin';
import { runLogPath } from '../../core/engine/runlog';
import { CONTINUE, halt, type Step } from '../../core/engine/steps';
import { build, collect, tempDir } from './helpers';
import { registryWith } from './fake-plugins';

/** The ledger's lines of a run log, as `phase step #n description (id)`. */
function ledger(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RunEvent)
    .flatMap((e) => (e.kind === 'resource' ? [`${e.phase} ${e.step} #${e.resource} ${e.description}${e.id ? ` (${e.id})` : ''}`] : []));
}

/**
 * A builder that makes real files: `file` creates one, `output` makes one and releases
 * it as the build's output, `fail` halts. Before each create it reads the run log, to see what was on disk then.
 */
function fileBuilder(dataDir: string, work: string, seen: string[][], plan: Array<'file' | 'output' | 'fail'>): BuilderPlugin {
  return {
    type: 'files',
    prepare(_config, info) {
      const log = runLogPath(dataDir, info.runId);
      const steps = (): Step<BuildState>[] =>
        plan.map((what, i) => ({
          name: `Step${i + 1}`,
          async run(_state, ctx) {
            if (what === 'fail') return halt('the build failed here');
            const made = join(work, `${what}-${i + 1}-${Date.now()}`);
            const handle = ctx.track({ description: `${what} of step ${i + 1}`, remove: async () => rmSync(made, { force: true }) });
            seen.push(ledger(log));
            writeFileSync(made, 'x');
            handle.created(made);
            if (what === 'output') handle.release();
            return CONTINUE;
          },
        }));
      return { ok: true, value: { steps, artifact: () => undefined } };
    },
  };
}

test('the run log records each resource before its create call, its id after, and its removal or release', async () => {
  const data = tempDir();
  const work = tempDir();
  const seen: string[][] = [];
  const { summary } = await collect({
    builds: [build('b', { type: 'files' })],
    dataDir: data,
    registry: registryWith(fileBuilder(data, work, seen, ['file', 'output', 'file', 'fail'])),
  });
  assert.equal(summary.builds[0]?.result, 'failed');
  // Before each create call, what was about to be created was already in the log on disk.
  assert.equal(seen.length, 3);
  assert.deepEqual(seen[0], ['creating Step1 #1 file of step 1']);
  assert.equal(seen[2]?.at(-1), 'creating Step3 #3 file of step 3');
  const lines = ledger(runLogPath(data, summary.runId));
  const id = (n: number) => /\((.*)\)$/.exec(lines.find((l) => l.startsWith(`created Step${n} `)) ?? '')?.[1] ?? '';
  assert.deepEqual(lines, [
    'creating Step1 #1 file of step 1',
    `created Step1 #1 file of step 1 (${id(1)})`,
    'creating Step2 #2 output of step 2',
    `created Step2 #2 output of step 2 (${id(2)})`,
    'released Step2 #2 output of step 2',
    'creating Step3 #3 file of step 3',
    `created Step3 #3 file of step 3 (${id(3)})`,
    'removed Step3 #3 file of step 3',
    'removed Step1 #1 file of step 1',
  ]);
  // What the ledger says is what happened: removed files are gone, the released one stays.
  assert.deepEqual([id(1), id(2), id(3)].map((p) => existsSync(p)), [false, true, false]);
});

/**
 * Bench: what recording a run in the build history costs a build, per step. Target: < 5 ms per step.
 * Two figures:
 * - end to end: the same run (B builds side by side, S no-op steps each, a provisioner and a post-processor) with and
 *   without the history, alternated R times; the median difference divided by the steps recorded;
 * - worst case: each step's start and end written alone, one transaction per step (a build whose steps are more than a
 *   flush interval apart), timed around the writes themselves.
 * Run: npm run bench -- history [--builds B] [--steps S] [--runs R]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../core/engine/builtin-plugins';
import { createRun } from '../core/engine/engine';
import type { RunEvent } from '../core/contract/events';
import { CONTINUE, type Step } from '../core/engine/steps';
import type { BuildState } from '../core/engine/plugin';
import { History } from '../core/history/history';
import { HistoryWriter } from '../core/history/recorder';
import { historyPath, openHistoryDatabase } from '../core/history/database';
import type { PlannedBuild } from '../core/template/model';
import { str, tuple } from '../core/template/values/value';

const ARGV = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = ARGV.indexOf(`--${name}`);
  return i >= 0 ? Number(ARGV[i + 1]) : fallback;
};
const BUILDS = option('builds', 4);
const STEPS = option('steps', 50);
const RUNS = option('runs', 7);
const range = { filename: 'bench', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };
const cfg = (values: PlannedBuild['builder']['values']) => ({ values, ranges: {}, blocks: {} });

const registry = builtinPlugins()
  .addBuilder({
    type: 'stepper',
    prepare: () => ({
      ok: true,
      value: {
        steps: (provision: Step<BuildState>) => [
          ...Array.from({ length: STEPS }, (_, i): Step<BuildState> => ({
            name: `StepNumber${i}`,
            // A step that yields once, as every real step awaits something.
            run: async () => (await new Promise((r) => setImmediate(r)), CONTINUE),
          })),
          provision,
        ],
        artifact: () => ({ id: 'x', builderId: 'bench.stepper', files: [], text: 'bench artifact', state: {} }),
      },
    }),
  })
  .addProvisioner({ type: 'noop', prepare: () => ({ ok: true, value: { provision: async () => ({ ok: true, value: undefined }) } }) });

const builds: PlannedBuild[] = Array.from({ length: BUILDS }, (_, i) => ({
  name: `stepper.b${i}`,
  type: 'stepper',
  sourceName: `stepper.b${i}`,
  builder: cfg({}),
  provisioners: [{ type: 'noop', only: [], except: [], maxRetries: 0, config: cfg({}), range }],
  postProcessors: [[{ type: 'shell-local', only: [], except: [], config: cfg({ inline: tuple([str('true')]) }), range, keepInputArtifact: true }]],
  range,
}));

async function oneRun(dir: string, history: History | undefined): Promise<{ ms: number; recorded: number }> {
  const run = createRun({ builds, registry, dataDir: dir, env: { PATH: process.env.PATH } });
  let recorded = 0;
  run.subscribe((e) => {
    if (e.kind === 'step-finished' || e.kind === 'provisioner-finished' || e.kind === 'post-processor-finished') recorded++;
  });
  // As a real build records it: the template's text (kept once per hash) and each build's places in it.
  history?.record(run, {
    template: '/bench/t.pkr.hcl',
    templateHash: 'x',
    templateFiles: { '/bench/t.pkr.hcl': 'source "null" "x" {\n  communicator = "none"\n}\n'.repeat(40) },
    places: Object.fromEntries(builds.map((b) => [b.name, { source: { file: '/bench/t.pkr.hcl', line: 1, column: 1 }, provisioners: b.provisioners.map((_, i) => ({ file: '/bench/t.pkr.hcl', line: i + 5, column: 3 })), postProcessors: [] }])),
    startedBy: 'cli',
    startedAt: Date.now(),
    builds: builds.map((b) => b.name),
    variables: [],
    inputs: { only: [], except: [], vars: [] },
  });
  const t = performance.now();
  const outcome = await run.start();
  const ms = performance.now() - t;
  if (outcome.result !== 'succeeded') throw new Error(`bench run failed: ${JSON.stringify(outcome.builds.map((b) => b.error))}`);
  return { ms, recorded };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function endToEnd(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-history-'));
  const opened = await History.open(dir);
  if (!opened.ok) throw new Error(opened.error);
  const history = opened.value;
  await oneRun(dir, history);
  await oneRun(dir, undefined);
  const withHistory: number[] = [];
  const without: number[] = [];
  let steps = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = await oneRun(dir, history);
    withHistory.push(a.ms);
    steps = a.recorded;
    without.push((await oneRun(dir, undefined)).ms);
  }
  history.close();
  rmSync(dir, { recursive: true, force: true });
  const diff = median(withHistory) - median(without);
  return { stepsPerRun: steps, medianRunMsWithHistory: round(median(withHistory)), medianRunMsWithout: round(median(without)), addedMsPerStep: round(Math.max(0, diff) / steps, 3) };
}

async function worstCase(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-history-'));
  const db = await openHistoryDatabase(historyPath(dir));
  if (!db.ok) throw new Error(db.error);
  const writer = new HistoryWriter(db.value);
  const steps = 2000;
  const state = writer.begin({ runId: 'worst', template: '/t', templateHash: 'x', startedBy: 'cli', startedAt: 0, builds: ['b'], variables: [], inputs: { only: [], except: [], vars: [] }, logPath: '' });
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const now = Date.now();
    const start: RunEvent = { kind: 'step-started', time: now, build: 'b', step: `Step${i}` };
    const end: RunEvent = { kind: 'step-finished', time: now, build: 'b', step: `Step${i}`, result: 'continue', durationMs: 0 };
    const t = performance.now();
    writer.applyBatch(state, [start]);
    writer.applyBatch(state, [end]);
    times.push(performance.now() - t);
  }
  db.value.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = [...times].sort((a, b) => a - b);
  return { steps, twoTransactionsPerStepMedianMs: round(median(times), 3), p99Ms: round(sorted[Math.floor(sorted.length * 0.99)], 3), maxMs: round(sorted[sorted.length - 1], 3) };
}

function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}

async function main(): Promise<void> {
  const report = { builds: BUILDS, stepsPerBuild: STEPS, runs: RUNS, loadAverage: loadavg()[0], endToEnd: await endToEnd(), worstCase: await worstCase(), target: '< 5 ms per step' };
  console.log(JSON.stringify(report, null, 2));
}

void main();

/**
 * Bench: 1,000,000 output lines from a real shell command through the engine (masking on) into the run log.
 * Reports lines per second and peak RSS. Targets: ≥ 200,000 lines/s and RSS < 200 MB.
 * Two sources: a real `seq` child process through shell-local, and an in-process provisioner printing as fast as it can
 * (the engine's own cost, without the pipe and the shared machine's scheduler).
 * Run: npm run bench -- engine [--lines N] [--source shell|in-process]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../core/engine/builtin-plugins';
import { createRun } from '../core/engine/engine';
import { RunLogReader } from '../core/engine/runlog';
import type { PlannedBuild } from '../core/template/model';
import { str, tuple } from '../core/template/values/value';

// `[lines] [shell|in-process]` or `--lines N --source S`; other benchmarks' options (`npm run bench -- all --runs 3`) are ignored.
const ARGV = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = ARGV.indexOf(`--${name}`);
  return i >= 0 ? ARGV[i + 1] : undefined;
};
const LINES = Number(option('lines') ?? (/^\d+$/.test(ARGV[0] ?? '') ? ARGV[0] : 1_000_000));
const SOURCE = (option('source') ?? ARGV.find((a) => a === 'shell' || a === 'in-process')) === 'in-process' ? 'in-process' : 'shell';
const range = { filename: 'bench', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };
const cfg = (values: PlannedBuild['builder']['values']) => ({ values, ranges: {}, blocks: {} });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-'));
  const build: PlannedBuild = {
    name: 'bench',
    type: 'null',
    sourceName: 'bench',
    builder: cfg({ communicator: str('none') }),
    provisioners: [
      {
        type: SOURCE === 'in-process' ? 'printer' : 'shell-local',
        only: [],
        except: [],
        maxRetries: 0,
        config: cfg({ inline: tuple([str(`seq -f 'output line %.0f of the build, with some text' 1 ${LINES}`)]) }),
        range,
      },
    ],
    postProcessors: [],
    range,
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const registry = builtinPlugins().addProvisioner({
    type: 'printer',
    prepare: () => ({
      ok: true,
      value: {
        async provision({ ui }) {
          for (let i = 1; i <= LINES; i++) {
            ui.output('stdout', `output line ${i} of the build, with some text`);
            // Yield like a pipe does between chunks, so timers (the log's flush) still run.
            if (i % 2000 === 0) await new Promise((r) => setImmediate(r));
          }
          return { ok: true, value: undefined };
        },
      },
    }),
  });
  const run = createRun({ builds: [build], registry, sensitiveStrings: ['hunter2-secret'], dataDir: dir });
  let lines = 0;
  run.subscribe((e) => {
    if (e.kind === 'output') lines++;
  });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const summary = await run.start();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  // On a shared machine wall time depends on the neighbours; CPU time is the engine's own cost.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (summary.builds[0]?.result !== 'succeeded') throw new Error(`build failed: ${summary.builds[0]?.error}`);
  const logBytes = statSync(summary.runLogPath!).size;
  const readStart = process.hrtime.bigint();
  const reader = new RunLogReader(summary.runLogPath!);
  const total = reader.count();
  const window = reader.read(Math.floor(total / 2), 100);
  const readMs = Number(process.hrtime.bigint() - readStart) / 1e6;
  console.log(
    JSON.stringify(
      {
        source: SOURCE,
        lines,
        seconds: Number(seconds.toFixed(2)),
        linesPerSecond: Math.round(lines / seconds),
        engineCpuSeconds: Number(cpuSeconds.toFixed(2)),
        linesPerEngineCpuSecond: Math.round(lines / cpuSeconds),
        loadAverage: (await import('node:os')).loadavg()[0],
        peakRssMB: Math.round(peakRss / 1048576),
        runLogMB: Math.round(logBytes / 1048576),
        runLogLines: total,
        indexAndReadWindowMs: Math.round(readMs),
        windowFirst: window[0]?.kind === 'output' ? window[0].line : undefined,
      },
      null,
      2,
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

void main();

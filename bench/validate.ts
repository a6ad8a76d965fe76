/**
 * Bench: `bakehouse validate` against `packer validate` (Packer 1.6.6), side by side in one hyperfine run each, plus start-up.
 *   1. 10 docker sources × 40 shell provisioners: Bakehouse and Packer.            Target: Bakehouse < 2% of Packer's time.
 *   2. 500 × 2,000: Bakehouse (and Packer, if it finishes within a time cap).      Target: Bakehouse < 2 s.
 *   3. `bakehouse --version` against `packer version`.                            Target: Bakehouse < 150 ms.
 * Writes bench/results/validate-<date>.md and prints it.
 * Run: node scripts/bench.mjs (builds dist/ first), or node --import tsx bench/validate.ts [--runs N] [--packer-cap SECONDS]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateTemplate } from './gen-template';

interface Options {
  runs: number;
  packerCap: number;
}

interface Timing {
  command: string;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  runs: number;
  /** Mean CPU time (user + system): steadier than wall time on a shared, loaded machine. */
  cpu?: number;
}

interface Row {
  benchmark: string;
  tool: string;
  timing?: Timing;
  note?: string;
}

const ROOT = resolve(__dirname, '..');
const BAKEHOUSE = join(ROOT, 'bin', 'bakehouse.js');

function parseOptions(argv: string[]): Options {
  const opts: Options = { runs: 5, packerCap: 180 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--packer-cap') opts.packerCap = Number(argv[++i]);
  }
  return opts;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Runs hyperfine over `commands` (no shell, so process start-up is what is timed) and returns one timing per command. */
function hyperfine(commands: string[], runs: number, warmup: number, workdir: string, label: string): Timing[] {
  const out = join(workdir, `${label}.json`);
  const args = ['-N', '--style', 'basic', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, ...commands];
  process.stderr.write(`\n$ hyperfine ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`);
  const r = spawnSync('hyperfine', args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: workdir, env: benchEnv() });
  if (r.status !== 0) throw new Error(`hyperfine failed for ${label} (exit ${r.status})`);
  const data = JSON.parse(readFileSync(out, 'utf8')) as {
    results: Array<{ command: string; mean: number; stddev: number | null; min: number; max: number; user: number; system: number; times: number[] }>;
  };
  return data.results.map((x) => ({ command: x.command, mean: x.mean, stddev: x.stddev ?? 0, min: x.min, max: x.max, runs: x.times.length, cpu: x.user + x.system }));
}

/** Packer phones home for version checks unless told not to; with no network that would time the DNS failure instead. */
function benchEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };
}

/** One timed run of a command that may never finish: returns seconds, or undefined when it hit the cap. */
function timedOnce(cmd: string, args: string[], capSeconds: number, cwd: string): { seconds?: number; status: number | null } {
  process.stderr.write(`\n$ ${cmd} ${args.join(' ')}   (capped at ${capSeconds} s)\n`);
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: benchEnv(), timeout: capSeconds * 1000, killSignal: 'SIGKILL', stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error || r.signal) return { status: null };
  return { seconds, status: r.status };
}

function fmt(seconds: number): string {
  return seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(1)} ms`;
}

function timingCell(t: Timing): string {
  return `${fmt(t.mean)} ± ${fmt(t.stddev)}`;
}

function render(rows: Row[], verdicts: string[], opts: Options, meta: Record<string, string>): string {
  const lines = [
    `# validate benchmark — ${meta.date}`,
    '',
    ...Object.entries(meta)
      .filter(([k]) => k !== 'date')
      .map(([k, v]) => `- ${k}: ${v}`),
    '',
    '| Benchmark | Tool | Mean ± σ (wall) | Min | Max | CPU user+sys | Runs |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      r.timing
        ? `| ${r.benchmark} | ${r.tool} | ${timingCell(r.timing)} | ${fmt(r.timing.min)} | ${fmt(r.timing.max)} | ${r.timing.cpu !== undefined ? fmt(r.timing.cpu) : ''} | ${r.timing.runs} |`
        : `| ${r.benchmark} | ${r.tool} | ${r.note ?? 'not run'} | | | | |`,
    ),
    '',
    '| Target | Result |',
    '| --- | --- |',
    ...verdicts,
    '',
    `Runs per command: ${opts.runs} (start-up: ${Math.max(opts.runs, 20)}), after warm-up. Packer on 500 × 2,000 is run once, capped at ${opts.packerCap} s.`,
    'Wall time is what a user waits; on a loaded machine (see the load average above) CPU time (user + system) is the steadier figure.',
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  if (!which('hyperfine')) throw new Error('hyperfine is not installed (apt-get install hyperfine)');
  const hasPacker = which('packer');
  const work = mkdtempSync(join(tmpdir(), 'bakehouse-bench-'));
  const small = join(work, 'docker-10x40.json');
  const large = join(work, 'docker-500x2000.json');
  writeFileSync(small, `${JSON.stringify(generateTemplate(10, 40), null, 2)}\n`);
  writeFileSync(large, `${JSON.stringify(generateTemplate(500, 2000), null, 2)}\n`);
  const node = process.execPath;
  const bh = (args: string) => `${node} ${BAKEHOUSE} ${args}`;
  const rows: Row[] = [];
  const verdicts: string[] = [];

  // 1. 10 × 40, side by side.
  const smallCmds = [bh(`validate ${small}`), ...(hasPacker ? [`packer validate ${small}`] : [])];
  const smallT = hyperfine(smallCmds, opts.runs, 1, work, 'small');
  rows.push({ benchmark: 'validate 10 × 40', tool: 'bakehouse', timing: smallT[0] });
  if (hasPacker) {
    rows.push({ benchmark: 'validate 10 × 40', tool: 'packer 1.6.6', timing: smallT[1] });
    const ratio = smallT[0].mean / smallT[1].mean;
    const cpuRatio = (smallT[0].cpu ?? 0) / (smallT[1].cpu ?? 1);
    verdicts.push(
      `| 10 × 40: Bakehouse < 2% of Packer's time | wall ${(ratio * 100).toFixed(2)}% — ${ratio < 0.02 ? 'met' : 'NOT met'}; CPU ${(cpuRatio * 100).toFixed(2)}% — ${cpuRatio < 0.02 ? 'met' : 'NOT met'} |`,
    );
  } else {
    rows.push({ benchmark: 'validate 10 × 40', tool: 'packer', note: 'packer not installed' });
  }

  // 2. 500 × 2,000: Bakehouse timed by hyperfine; Packer once, under a cap, since it may take far longer.
  const largeT = hyperfine([bh(`validate ${large}`)], Math.min(opts.runs, 3), 1, work, 'large');
  rows.push({ benchmark: 'validate 500 × 2,000', tool: 'bakehouse', timing: largeT[0] });
  const largeCpu = largeT[0].cpu ?? largeT[0].mean;
  verdicts.push(`| 500 × 2,000: Bakehouse < 2 s | wall ${fmt(largeT[0].mean)} — ${largeT[0].mean < 2 ? 'met' : 'NOT met'}; CPU ${fmt(largeCpu)} — ${largeCpu < 2 ? 'met' : 'NOT met'} |`);
  if (hasPacker) {
    const p = timedOnce('packer', ['validate', large], opts.packerCap, work);
    rows.push(
      p.seconds !== undefined
        ? { benchmark: 'validate 500 × 2,000', tool: 'packer 1.6.6', timing: { command: 'packer validate', mean: p.seconds, stddev: 0, min: p.seconds, max: p.seconds, runs: 1 }, note: `exit ${p.status}` }
        : { benchmark: 'validate 500 × 2,000', tool: 'packer 1.6.6', note: `did not finish within ${opts.packerCap} s (stopped)` },
    );
  }

  // 3. Start-up, with bare Node alongside: the floor no Node program can go below on this machine.
  const startCmds = [bh('--version'), `${node} -e 0`, ...(hasPacker ? ['packer version'] : [])];
  const startT = hyperfine(startCmds, Math.max(opts.runs, 20), 3, work, 'startup');
  rows.push({ benchmark: 'start-up (version)', tool: 'bakehouse', timing: startT[0] });
  rows.push({ benchmark: 'start-up (version)', tool: 'node -e 0 (floor)', timing: startT[1] });
  if (hasPacker) rows.push({ benchmark: 'start-up (version)', tool: 'packer 1.6.6', timing: startT[2] });
  const startCpu = startT[0].cpu ?? startT[0].mean;
  const overNode = startT[0].mean - startT[1].mean;
  verdicts.push(
    `| start-up: Bakehouse < 150 ms | wall ${fmt(startT[0].mean)} — ${startT[0].mean < 0.15 ? 'met' : 'NOT met'}; CPU ${fmt(startCpu)} — ${startCpu < 0.15 ? 'met' : 'NOT met'}; ${fmt(overNode)} over bare Node |`,
  );

  const date = new Date().toISOString().slice(0, 10);
  const packerVersion = hasPacker ? spawnSync('packer', ['version'], { encoding: 'utf8', env: benchEnv() }).stdout.trim() : 'not installed';
  const meta = {
    date,
    machine: `${process.platform} ${process.arch}, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    packer: packerVersion,
    templates: 'legacy JSON from bench/gen-template.ts: N docker builders (image "debian", commit true) × M inline shell provisioners',
  };
  const report = render(rows, verdicts, opts, meta);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `validate-${date}.md`);
  writeFileSync(file, report);
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`\n${report}\nWritten to ${file}\n`);
}

main();

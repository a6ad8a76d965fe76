/**
 * Bench: real Docker image builds, side by side in one hyperfine run each.
 *   1. The seed template (bench/fixtures/docker-seed/seed.json: two shell provisioners and a file provisioner, then docker-tag
 *      and manifest), run unchanged by `bakehouse build -force` and `packer build -force` (Packer 1.6.6), against
 *      `docker build --no-cache` of the equivalent Dockerfile.   Targets: Bakehouse ≤ 0.5× Packer's and ≤ 1.0× docker build's time.
 *   2. The same template with four docker builders, built in parallel, against one.  Target: four ≤ 1.5× one (Bakehouse).
 * Every tool's image is run once and its provisioned files checked before anything is timed. Images are removed before each run.
 * After the timings, one build of each tool is replayed with each output line time-stamped on arrival, and one Bakehouse build
 * through a logging proxy in front of dockerd's socket, which times every Engine API call: where the time goes.
 * Writes bench/results/docker-build-<date>.md (-2, -3 … when that day already has one) and prints it.
 * Run: npm run bench -- docker [--runs N] [--warmup N] [--rounds N]   (or node --import tsx bench/docker-build.ts ...)
 *      --trace: only the Engine API trace of three Bakehouse builds (the median printed; nothing written), for profiling.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Options {
  runs: number;
  warmup: number;
  /** hyperfine invocations the runs are spread over, each timing every tool in turn. */
  rounds: number;
  traceOnly: boolean;
}

interface Timing {
  mean: number;
  /** The targets are judged on the median: one neighbour's burst on the shared machine moves the mean, not the median. */
  median: number;
  stddev: number;
  min: number;
  max: number;
  runs: number;
  /** Mean CPU time (user + system) of the tool's own processes; the daemon's work is not in it, for any tool. */
  cpu: number;
}

interface Row {
  benchmark: string;
  tool: string;
  timing: Timing;
}

/** One output line and when it arrived, in seconds since the tool started. */
interface Stamp {
  at: number;
  line: string;
}

const ROOT = resolve(__dirname, '..');
const BAKEHOUSE = join(ROOT, 'bin', 'bakehouse.js');
const FIXTURES = join(ROOT, 'bench', 'fixtures', 'docker-seed');
const BASE_IMAGE = 'local/debian:bookworm';
const REPO = 'bakehouse-bench';
const PARALLEL_NAMES = ['one', 'two', 'three', 'four'];
const EXPECTED = `${readFileSync(join(FIXTURES, 'built-by.txt'), 'utf8')}Hello from the seed\n`;

// `--runs N --warmup N --rounds N`; other benchmarks' options (`npm run bench -- all --packer-cap 60`) are ignored.
function parseOptions(argv: string[]): Options {
  const opts: Options = { runs: 5, warmup: 1, rounds: 5, traceOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--warmup') opts.warmup = Number(argv[++i]);
    else if (argv[i] === '--rounds') opts.rounds = Number(argv[++i]);
    else if (argv[i] === '--trace') opts.traceOnly = true;
  }
  return opts;
}

/** Packer phones home for version checks unless told not to; the legacy builder is the only one without buildx. */
function benchEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1', DOCKER_BUILDKIT: '0' };
}

function check(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: benchEnv() });
  if (r.status !== 0) throw new Error(`${what}: \`${cmd} ${args.join(' ')}\` failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout.trim();
}

const image = (name: string) => `${REPO}/${name}:latest`;
/** Removes the images a run tagged, so the next run starts from the same daemon state; a missing image is fine. */
const removeScript = (names: string[]) => `docker rmi -f ${names.map(image).join(' ')} >/dev/null 2>&1; true`;
const removeImages = (names: string[]) => `sh -c "${removeScript(names)}"`;

interface Tool {
  tool: string;
  command: string;
  images: string[];
}

function seedTools(node: string): Tool[] {
  const vars = (name: string) => `-var repository=${REPO}/${name} -var manifest=manifest-${name}.json`;
  return [
    { tool: 'bakehouse', command: `${node} ${BAKEHOUSE} build -force ${vars('bakehouse')} seed.json`, images: ['bakehouse'] },
    { tool: 'packer 1.6.6', command: `packer build -force ${vars('packer')} seed.json`, images: ['packer'] },
    { tool: 'docker build --no-cache', command: `docker build --no-cache -q -t ${image('docker')} .`, images: ['docker'] },
  ];
}

/** The seed template with one docker builder per name, each tagging its own repository: four builds that do not share a tag. */
function parallelTemplate(names: string[]): string {
  const seed = JSON.parse(readFileSync(join(FIXTURES, 'seed.json'), 'utf8')) as {
    builders: Array<Record<string, unknown>>;
    'post-processors': Array<Array<Record<string, unknown>>>;
  };
  seed.builders = names.map((name) => ({ ...seed.builders[0], name }));
  seed['post-processors'][0][0].repository = `${REPO}/par-{{build_name}}`;
  seed['post-processors'][0][1].output = 'manifest-par-{{build_name}}.json';
  return `${JSON.stringify(seed, null, 2)}\n`;
}

/** Runs one build outside the timings and checks the image it tagged holds the provisioned files. */
function verify(t: Tool, workdir: string): void {
  // par-1 and par-4 both tag par-one: without this, the first check's image would be left untagged by the second.
  spawnSync('sh', ['-c', removeScript(t.images)], { cwd: workdir });
  process.stderr.write(`\n$ ${t.command}   (check)\n`);
  const [cmd, ...args] = t.command.split(' ');
  const r = spawnSync(cmd, args, { cwd: workdir, env: benchEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${t.tool}: the build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  for (const name of t.images) {
    const got = check('docker', ['run', '--rm', '--entrypoint', 'cat', image(name), '/srv/built-by', '/srv/motd'], `${t.tool}'s image`);
    if (`${got}\n` !== EXPECTED) throw new Error(`${t.tool}: image ${image(name)} holds ${JSON.stringify(got)}, expected ${JSON.stringify(EXPECTED)}`);
    process.stderr.write(`    ${image(name)}: /srv/built-by and /srv/motd as provisioned\n`);
  }
}

/**
 * Times the tools side by side with hyperfine (no shell in between; each run prepared by removing that tool's images).
 * hyperfine runs one command's runs back to back, so on a shared machine a neighbour's burst would land on one tool only:
 * the runs are spread over `opts.rounds` hyperfine invocations, each timing every tool in turn, and merged per tool.
 */
function hyperfine(tools: Tool[], opts: Options, workdir: string, label: string): Timing[] {
  const times: number[][] = tools.map(() => []);
  const cpu: number[] = tools.map(() => 0);
  const rounds = Math.max(1, Math.min(opts.rounds, opts.runs));
  for (let round = 0; round < rounds; round++) {
    const runs = Math.floor(opts.runs / rounds) + (round < opts.runs % rounds ? 1 : 0);
    const out = join(workdir, `hyperfine-${label}-${round}.json`);
    const warmup = round === 0 ? opts.warmup : 0;
    const args = ['-N', '--style', 'basic', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out];
    for (const t of tools) args.push('--prepare', removeImages(t.images));
    args.push(...tools.map((t) => t.command));
    process.stderr.write(`\n$ hyperfine ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`);
    const r = spawnSync('hyperfine', args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: workdir, env: benchEnv() });
    if (r.status !== 0) throw new Error(`hyperfine failed for ${label} (exit ${r.status})`);
    const data = JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ user: number; system: number; times: number[] }> };
    data.results.forEach((x, i) => {
      times[i].push(...x.times);
      cpu[i] += (x.user + x.system) * x.times.length;
    });
  }
  return times.map((t, i) => summarise(t, cpu[i] / t.length));
}

function summarise(times: number[], cpu: number): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const variance = times.length > 1 ? times.reduce((a, b) => a + (b - mean) ** 2, 0) / (times.length - 1) : 0;
  return {
    mean,
    median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    stddev: Math.sqrt(variance),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    runs: times.length,
    cpu,
  };
}

/** One more build with every output line time-stamped as it arrives: the step-by-step cost, as the user sees it. */
function stamped(t: Tool, workdir: string): Promise<{ stamps: Stamp[]; total: number }> {
  spawnSync('sh', ['-c', removeScript(t.images)], { cwd: workdir });
  const [cmd, ...args] = t.command.split(' ');
  const start = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - start) / 1e9;
  const child = spawn(cmd, args, { cwd: workdir, env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stamps: Stamp[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const at = since();
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) stamps.push({ at, line: line.trimEnd() });
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done({ stamps, total: since() }) : fail(new Error(`${t.tool}: exit ${code}`))));
  });
}

/** The run with the median total of `n`, so one neighbour's burst on the shared machine does not make the step table. */
async function medianStamped(t: Tool, workdir: string, n: number): Promise<{ stamps: Stamp[]; total: number }> {
  const all: Array<{ stamps: Stamp[]; total: number }> = [];
  for (let i = 0; i < n; i++) all.push(await stamped(t, workdir));
  all.sort((a, b) => a.total - b.total);
  return all[Math.floor(n / 2)];
}

/** Step table: each line's arrival and the time until the next line, i.e. what that step cost. */
function renderStamps(tool: string, s: { stamps: Stamp[]; total: number }): string[] {
  const lines = [`### ${tool} — the median of 3 builds, ${fmt(s.total)} in all`, '', '| At | Step cost | Output line |', '| ---: | ---: | --- |'];
  lines.push(`| 0.000 | ${((s.stamps[0]?.at ?? s.total) * 1000).toFixed(0)} ms | (process start until the first line) |`);
  s.stamps.forEach((x, i) => {
    const next = s.stamps[i + 1]?.at ?? s.total;
    const text = x.line.replace(/\|/g, '\\|').replace(/[0-9a-f]{64}/g, (h) => `${h.slice(0, 12)}…`);
    lines.push(`| ${x.at.toFixed(3)} | ${((next - x.at) * 1000).toFixed(0)} ms | \`${text.length > 110 ? `${text.slice(0, 110)}…` : text}\` |`);
  });
  lines.push('');
  return lines;
}

/** One Engine API request as the proxy saw it, in seconds since the tool started. */
interface ApiCall {
  start: number;
  end: number;
  request: string;
}

const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * One Bakehouse build with DOCKER_HOST pointed at a proxy in front of dockerd's socket that notes when each request starts
 * and when its last response byte passes; exec streams are hijacked connections, so an exec is timed from its create
 * to the read of its exit status.
 */
async function traceApi(t: Tool, workdir: string): Promise<{ calls: ApiCall[]; total: number }> {
  spawnSync('sh', ['-c', removeScript(t.images)], { cwd: workdir });
  const sock = join(workdir, 'trace.sock');
  rmSync(sock, { force: true });
  const calls: ApiCall[] = [];
  let start = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - start) / 1e9;
  // Half-open both ways: an exec with input ends its side of the connection (end of the command's stdin) and keeps reading.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const daemon = connect({ path: DOCKER_SOCKET, allowHalfOpen: true });
    let open: ApiCall | undefined;
    const close = () => {
      if (open) calls.push(open);
      open = undefined;
    };
    client.on('data', (b: Buffer) => {
      const m = /^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1/.exec(b.subarray(0, 2048).toString('latin1'));
      if (m) {
        close();
        const at = since();
        open = { start: at, end: at, request: `${m[1]} ${decodeURIComponent(m[2].split('?')[0]).replace(/[0-9a-f]{64}/g, '…')}` };
      }
      daemon.write(b);
    });
    daemon.on('data', (b: Buffer) => {
      if (open) open.end = since();
      client.write(b);
    });
    daemon.on('end', () => {
      close();
      client.end();
    });
    client.on('end', () => daemon.end());
    client.on('close', close);
    daemon.on('error', () => client.destroy());
    client.on('error', () => daemon.destroy());
  });
  await new Promise<void>((ok) => server.listen(sock, ok));
  const [cmd, ...args] = t.command.split(' ');
  start = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd: workdir, env: { ...benchEnv(), DOCKER_HOST: `unix://${sock}` }, stdio: 'ignore' });
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  const total = since();
  await new Promise((ok) => server.close(ok));
  if (code !== 0) throw new Error(`${t.tool}: the traced build failed (exit ${code})`);
  return { calls: calls.sort((a, b) => a.start - b.start), total };
}

/** What a request does, in the builder's words. */
function operation(request: string): string {
  if (/^POST \/containers\/create/.test(request)) return 'create the container';
  if (/^POST \/containers\/[^/]+\/start/.test(request)) return 'start the container';
  if (/^POST \/containers\/[^/]+\/exec/.test(request)) return 'exec a command (create, start, stream, exit status)';
  if (/^HEAD \/containers\/[^/]+\/archive/.test(request)) return 'stat a path in the container (archive HEAD)';
  if (/^PUT \/containers\/[^/]+\/archive/.test(request)) return 'upload a tar (archive PUT)';
  if (/^POST \/commit/.test(request)) return 'commit the container';
  if (/^DELETE \/containers\//.test(request)) return 'remove the container (force)';
  if (/^POST \/images\/.+\/tag/.test(request)) return 'tag the image (docker-tag)';
  return 'checks: ping, version, image, container inspect';
}

/** Per-operation totals, with an exec counted from its create to its exit-status read, plus the time outside any call. */
function renderTrace(trace: { calls: ApiCall[]; total: number }): string[] {
  const ops: Array<{ kind: string; start: number; end: number }> = [];
  for (let i = 0; i < trace.calls.length; i++) {
    const c = trace.calls[i];
    const kind = operation(c.request);
    if (kind.startsWith('exec')) {
      const status = trace.calls.findIndex((x, j) => j > i && /^GET \/exec\/[^/]+\/json/.test(x.request));
      const last = status >= 0 ? status : i;
      ops.push({ kind, start: c.start, end: Math.max(...trace.calls.slice(i, last + 1).map((x) => x.end)) });
      i = last;
    } else ops.push({ kind, start: c.start, end: c.end });
  }
  const totals = new Map<string, { count: number; seconds: number }>();
  const add = (kind: string, seconds: number) => {
    const t = totals.get(kind) ?? { count: 0, seconds: 0 };
    totals.set(kind, { count: t.count + 1, seconds: t.seconds + seconds });
  };
  add('before the first call: Node start-up, loading the CLI and the template', ops[0]?.start ?? trace.total);
  let busyUntil = ops[0]?.start ?? 0;
  let between = 0;
  for (const op of ops) {
    if (op.start > busyUntil) between += op.start - busyUntil;
    add(op.kind, op.end - op.start);
    busyUntil = Math.max(busyUntil, op.end);
  }
  totals.set('between calls: Bakehouse\'s own work', { count: 0, seconds: between });
  add('after the last call: post-processors, summary, exit', trace.total - busyUntil);
  return [
    `### bakehouse — Engine API calls of one build (the median of 3), ${fmt(trace.total)} in all`,
    '',
    'Through a logging proxy in front of dockerd\'s socket. Time inside a call is the daemon\'s (and runc\'s) work.',
    '',
    '| Where | Calls | Time | Share |',
    '| --- | ---: | ---: | ---: |',
    ...[...totals.entries()]
      .sort((a, b) => b[1].seconds - a[1].seconds)
      .map(([kind, t]) => `| ${kind} | ${t.count || ''} | ${fmt(t.seconds)} | ${((t.seconds / trace.total) * 100).toFixed(0)}% |`),
    '',
    '<details><summary>Every call</summary>',
    '',
    '| At | Took | Request |',
    '| ---: | ---: | --- |',
    ...trace.calls.map((c) => `| ${c.start.toFixed(3)} | ${((c.end - c.start) * 1000).toFixed(0)} ms | \`${c.request}\` |`),
    '',
    '</details>',
    '',
  ];
}

function fmt(seconds: number): string {
  return seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(0)} ms`;
}

/** Judged on the median wall time; the mean's ratio and the CPU ratio are shown beside it. */
function verdict(target: string, a: Timing, b: Timing, limit: number): string {
  const ratio = a.median / b.median;
  const cpu = a.cpu / Math.max(b.cpu, 1e-3);
  return `| ${target} | median wall ${ratio.toFixed(2)}× — ${ratio <= limit ? 'met' : 'NOT met'} (mean wall ${(a.mean / b.mean).toFixed(2)}×, CPU ${cpu.toFixed(2)}×) |`;
}

function render(rows: Row[], verdicts: string[], steps: string[], opts: Options, meta: Record<string, string>): string {
  return [
    `# docker-build benchmark — ${meta.date}`,
    '',
    ...Object.entries(meta)
      .filter(([k]) => k !== 'date')
      .map(([k, v]) => `- ${k}: ${v}`),
    '',
    '| Benchmark | Tool | Median (wall) | Mean ± σ (wall) | Min | Max | CPU user+sys (client) | Runs |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${r.benchmark} | ${r.tool} | ${fmt(r.timing.median)} | ${fmt(r.timing.mean)} ± ${fmt(r.timing.stddev)} | ${fmt(r.timing.min)} | ${fmt(r.timing.max)} | ${fmt(r.timing.cpu)} | ${r.timing.runs} |`,
    ),
    '',
    '| Target | Result |',
    '| --- | --- |',
    ...verdicts,
    '',
    `Runs per command: ${opts.runs}, spread over ${Math.max(1, Math.min(opts.rounds, opts.runs))} hyperfine invocations that each time every tool in turn, after ${opts.warmup} warm-up;`,
    "the tool's images are removed before every run (hyperfine --prepare).",
    "CPU is the tool's own process tree only: dockerd and containerd do the container work for all three tools and are not counted,",
    'so `docker build` (a thin client) shows almost none. Wall time is the figure the targets are about; the machine is shared',
    "and a neighbour's burst can still land on one tool's run: the targets are judged on medians, and runs are only",
    'comparable under similar load (see the load averages above).',
    '',
    '## Where the time goes',
    '',
    'One more build of each, output lines time-stamped as they arrive (no hyperfine); a step costs the time until the next line.',
    '',
    ...steps,
  ].join('\n');
}

/** Every image the benchmark tags; removed at the end, also when a step failed. */
const ALL_IMAGES = ['bakehouse', 'packer', 'docker', ...PARALLEL_NAMES.map((n) => `par-${n}`)];

/** All CPU time the machine spent, in seconds: the tool, dockerd, containerd, the shims and runc, the kernel. */
function machineCpuSeconds(): number {
  // /proc/stat counts in USER_HZ, which is 100 on Linux whatever the kernel's tick.
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CpuAccount {
  wall: number;
  cpu: number;
  idleRate: number;
}

/**
 * Wall time and the whole machine's CPU for a few runs of one tool (medians). The container work happens in dockerd and
 * containerd, not in our process, so only the machine's total shows what a build costs — and with it the shortest time
 * N builds could take on this machine's cores however well they overlapped.
 */
async function cpuAccount(t: Tool, workdir: string, runs = 5): Promise<CpuAccount> {
  const walls: number[] = [];
  const used: number[] = [];
  const [cmd, ...args] = t.command.split(' ');
  // What the machine spends doing nothing of ours (other processes, timers), subtracted from each run.
  const idle0 = machineCpuSeconds();
  await pause(2000);
  const idleRate = (machineCpuSeconds() - idle0) / 2;
  for (let i = 0; i < runs; i++) {
    spawnSync('sh', ['-c', removeImages(t.images)], { cwd: workdir });
    await pause(500);
    const c0 = machineCpuSeconds();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: workdir, env: benchEnv(), stdio: 'ignore' });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${t.tool}: the build failed (exit ${r.status})`);
    // Containers' shims and the daemon's cleanup finish just after the client exits.
    await pause(500);
    walls.push(wall);
    used.push(machineCpuSeconds() - c0 - idleRate * (wall + 0.5));
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: mid(walls), cpu: mid(used), idleRate };
}

function renderCpuAccounts(tools: Tool[], accounts: CpuAccount[]): string[] {
  const cores = cpus().length;
  const [one, four] = accounts;
  const floor = four.cpu / cores;
  return [
    '',
    '### What the parallel builds cost the machine',
    '',
    `Five more runs of each, timed alone, with the whole machine's CPU time (all processes and the kernel; ${accounts[0].idleRate.toFixed(3)} CPU-s/s`,
    'of background subtracted). Medians.',
    '',
    '| Run | Wall | Machine CPU |',
    '| --- | --- | --- |',
    ...tools.map((t, i) => `| ${t.tool} | ${accounts[i].wall.toFixed(3)} s | ${accounts[i].cpu.toFixed(2)} CPU-s |`),
    '',
    `Four builds need ${four.cpu.toFixed(2)} CPU-s; on ${cores} cores they cannot take less than ${floor.toFixed(3)} s even if every core were busy`,
    `all the time, which is **${(floor / one.wall).toFixed(2)}×** one build's ${one.wall.toFixed(3)} s (measured: ${(four.wall / one.wall).toFixed(2)}×).`,
  ];
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  check('hyperfine', ['--version'], 'hyperfine is needed (apt-get install hyperfine)');
  check('packer', ['version'], 'Packer 1.6.6 is needed (apt-get install packer)');
  check('docker', ['image', 'inspect', '-f', '{{.Id}}', BASE_IMAGE], `the base image ${BASE_IMAGE} must be loaded into dockerd`);
  const work = mkdtempSync(join(tmpdir(), 'bakehouse-bench-docker-'));
  for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(work, f));
  writeFileSync(join(work, 'par-1.json'), parallelTemplate(PARALLEL_NAMES.slice(0, 1)));
  writeFileSync(join(work, 'par-4.json'), parallelTemplate(PARALLEL_NAMES));
  try {
    await benchmark(opts, work);
  } finally {
    spawnSync('sh', ['-c', removeScript(ALL_IMAGES)]);
    rmSync(work, { recursive: true, force: true });
  }
}

async function benchmark(opts: Options, work: string): Promise<void> {
  const node = process.execPath;
  const loadBefore = loadavg();
  if (opts.traceOnly) {
    const traces: Array<{ calls: ApiCall[]; total: number }> = [];
    for (let i = 0; i < 3; i++) traces.push(await traceApi(seedTools(node)[0], work));
    traces.sort((a, b) => a.total - b.total);
    process.stdout.write(`load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}\n\n${renderTrace(traces[1]).join('\n')}\n`);
    return;
  }
  const rows: Row[] = [];
  const verdicts: string[] = [];

  // 1. The seed template: every tool's image is checked first, then all three are timed side by side.
  const seed = seedTools(node);
  for (const t of seed) verify(t, work);
  const seedT = hyperfine(seed, opts, work, 'seed');
  seed.forEach((t, i) => rows.push({ benchmark: 'seed template', tool: t.tool, timing: seedT[i] }));
  const [bh, packer, docker] = seedT;
  verdicts.push(verdict("seed: Bakehouse ≤ 0.5× Packer's time", bh, packer, 0.5));
  verdicts.push(verdict("seed: Bakehouse ≤ 1.0× docker build's time", bh, docker, 1.0));

  // 2. Four builds in parallel (default: no limit) against one, the same template otherwise.
  const par: Tool[] = [
    { tool: 'bakehouse, 1 build', command: `${node} ${BAKEHOUSE} build -force par-1.json`, images: ['par-one'] },
    { tool: 'bakehouse, 4 builds in parallel', command: `${node} ${BAKEHOUSE} build -force par-4.json`, images: PARALLEL_NAMES.map((n) => `par-${n}`) },
  ];
  for (const t of par) verify(t, work);
  const parT = hyperfine(par, opts, work, 'parallel');
  par.forEach((t, i) => rows.push({ benchmark: 'parallel builds', tool: t.tool, timing: parT[i] }));
  verdicts.push(verdict('parallel: four builds ≤ 1.5× one', parT[1], parT[0], 1.5));
  const accounts: CpuAccount[] = [];
  for (const t of par) accounts.push(await cpuAccount(t, work));

  // Where the time goes, per tool: one stamped build each.
  const steps: string[] = [];
  for (const t of [...seed, par[1]]) steps.push(...renderStamps(t.tool, await medianStamped(t, work, 3)));
  const traces: Array<{ calls: ApiCall[]; total: number }> = [];
  for (let i = 0; i < 3; i++) traces.push(await traceApi(seed[0], work));
  traces.sort((a, b) => a.total - b.total);
  steps.push(...renderTrace(traces[1]));
  steps.push(...renderCpuAccounts(par, accounts));

  const loadAfter = loadavg();
  const date = new Date().toISOString().slice(0, 10);
  const meta = {
    date,
    machine: `${process.platform} ${process.arch}, node ${process.version}`,
    'load average (1, 5, 15 min)': `at start ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; at end ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    packer: check('packer', ['version'], 'packer'),
    docker: `client ${check('docker', ['version', '--format', '{{.Client.Version}}'], 'docker')}, daemon ${check('docker', ['version', '--format', '{{.Server.Version}}'], 'docker')} (legacy builder: DOCKER_BUILDKIT=0)`,
    templates: `bench/fixtures/docker-seed/seed.json (base ${BASE_IMAGE}, pull false) and its Dockerfile; parallel: the same with 1 and 4 named docker builders`,
  };
  const report = render(rows, verdicts, steps, opts, meta);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A day's first result keeps its name; later runs that day get -2, -3 …, so no earlier figure is overwritten.
  let file = join(dir, `docker-build-${date}.md`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `docker-build-${date}-${n}.md`);
  writeFileSync(file, report);
  process.stdout.write(`\n${report}\nWritten to ${file}\n`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});

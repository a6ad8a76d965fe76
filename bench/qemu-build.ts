/**
 * Bench: a QEMU template as a user writes it, built by Bakehouse and by Packer 1.6.6 in one run, and the gzip that the
 * vagrant and compress post-processors use, single-threaded (Node's zlib) against parallel (core/archives/parallel-gzip).
 *   1. The template (legacy JSON, which both tools read): the cached Debian guest from .ci/qemu-guest.sh as disk_image
 *      (copied, grown, compacted), booted by its kernel (-kernel/-initrd/-append), TCG, SSH with a key; a file
 *      provisioner and a shell provisioner; the vagrant post-processor (a libvirt box at the default level).
 *      Each round builds with both tools one after the other, the order alternating, so a neighbour's burst on the
 *      shared machine does not land on one tool only. Every box is checked: gzip -t, tar -tzf, and the provisioned
 *      files read back from the disk inside it (first round). Target: Bakehouse ≤ 0.8× Packer's wall time.
 *      Each build's output lines are time-stamped on arrival, which splits the wall time into phases.
 *   2. Resume against a full rebuild (issue 15), Bakehouse alone: a template whose second provisioner does real work
 *      (random data written, checksummed and gzipped in the guest) and whose last one fails; fixed, it is built again
 *      with -resume (boots the cached disk of step 2, runs only the last step) and, for comparison, from scratch with
 *      -cache=false. Target: resume ≤ 0.3× the full rebuild. The finished disk is checked for every step's file.
 *   3. gzip of the guest's disk (≈ 530 MB, the box.img a libvirt box holds) at level 6, read from the page cache and
 *      discarded: zlib's createGzip against createParallelGzip, in MB/s of input.
 * Writes bench/results/qemu-speed-<date>.md (-2, -3 … when that day already has one) and prints it.
 * Run: npm run bench -- qemu [--rounds N] [--gzip-only] [--build-only] [--resume-only] [--no-resume] [--work-mb N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createParallelGzip } from '../core/archives/parallel-gzip';

const ROOT = resolve(__dirname, '..');
const BAKEHOUSE = join(ROOT, 'bin', 'bakehouse.js');
const PACKER = '/usr/bin/packer';
const GUEST = '/var/cache/bakehouse/qemu-guest';
const KEY = '/var/cache/bakehouse/guest-key';

interface Options {
  rounds: number;
  gzip: boolean;
  build: boolean;
  resume: boolean;
  /** Megabytes of random data the resume template's working step writes and gzips. */
  workMb: number;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { rounds: 2, gzip: true, build: true, resume: true, workMb: 64 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') opts.rounds = Number(argv[++i]);
    else if (argv[i] === '--gzip-only') opts.build = opts.resume = false;
    else if (argv[i] === '--build-only') opts.gzip = false;
    else if (argv[i] === '--resume-only') opts.build = opts.gzip = false;
    else if (argv[i] === '--no-resume') opts.resume = false;
    else if (argv[i] === '--work-mb') opts.workMb = Number(argv[++i]);
  }
  return opts;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

function builder(): Record<string, unknown> {
  return {
          type: 'qemu',
          iso_url: join(GUEST, 'disk.qcow2'),
          iso_checksum: 'none',
          disk_image: true,
          format: 'qcow2',
          accelerator: 'tcg',
          headless: true,
          disable_vnc: true,
          boot_wait: '0s',
          memory: 512,
          vm_name: 'disk.qcow2',
          output_directory: 'out',
          ssh_username: 'root',
          ssh_private_key_file: KEY,
          ssh_timeout: '10m',
          shutdown_command: 'poweroff',
          qemuargs: [
            ['-kernel', join(GUEST, 'vmlinuz')],
            ['-initrd', join(GUEST, 'initrd.img')],
            ['-append', 'root=/dev/vda rw console=ttyS0'],
          ],
  };
}

function template(): string {
  return JSON.stringify(
    {
      builders: [builder()],
      provisioners: [
        { type: 'file', source: 'motd', destination: '/etc/motd' },
        { type: 'shell', inline: ['echo "built on $(hostname)" > /root/marker', 'cat /etc/motd >> /root/marker', 'sync'] },
      ],
      'post-processors': [{ type: 'vagrant', output: 'guest.box' }],
    },
    null,
    2,
  );
}

interface Stamp {
  at: number;
  line: string;
}

interface BuildRun {
  tool: string;
  exit: number;
  wall: number;
  stamps: Stamp[];
  loadBefore: string;
  box: string;
}

/** The resume template: an upload, a step that works for a while, and a last step run from last.sh (broken, then fixed). */
function resumeTemplate(workMb: number): string {
  return JSON.stringify(
    {
      builders: [builder()],
      provisioners: [
        { type: 'file', source: 'motd', destination: '/etc/motd' },
        { type: 'shell', inline: [`dd if=/dev/urandom of=/root/blob bs=1M count=${workMb} status=none`, 'sha256sum /root/blob > /root/blob.sha256', 'gzip -1 -k /root/blob', 'echo worked > /root/worked'] },
        { type: 'shell', script: 'last.sh' },
      ],
    },
    null,
    2,
  );
}

function runTool(tool: string, argv: string[], dir: string, flags: string[] = []): Promise<BuildRun> {
  const loadBefore = load();
  const start = performance.now();
  const stamps: Stamp[] = [];
  return new Promise((done) => {
    const child = spawn(argv[0], [...argv.slice(1), 'build', ...flags, 'qemu.json'], {
      cwd: dir,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1', BAKEHOUSE_DATA_DIR: join(dir, 'data'), PACKER_CONFIG_DIR: join(dir, 'packer-config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let rest = '';
    const take = (chunk: Buffer): void => {
      const at = (performance.now() - start) / 1000;
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) stamps.push({ at, line });
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => done({ tool, exit: code ?? -1, wall: (performance.now() - start) / 1000, stamps, loadBefore, box: join(dir, 'guest.box') }));
  });
}

/** Seconds from the first line matching `from` to the first later line matching `to` (or the end). */
function phase(run: BuildRun, from: RegExp, to: RegExp | null): number | undefined {
  const i = run.stamps.findIndex((s) => from.test(s.line));
  if (i < 0) return undefined;
  const j = to ? run.stamps.findIndex((s, k) => k > i && to.test(s.line)) : -1;
  return (j < 0 ? run.wall : run.stamps[j].at) - run.stamps[i].at;
}

function phases(run: BuildRun): Record<string, number | undefined> {
  return {
    'disk copy': phase(run, /Copying hard drive/, /Resizing hard drive|Starting HTTP server|Looking for available port|Starting VM|not resizing/),
    'boot to SSH': phase(run, /Starting VM|Qemu command:/, /Connected to SSH|Provisioning with/),
    provisioning: phase(run, /Provisioning with/, /Gracefully halting|Halting the virtual machine|shutdown/i),
    'shutdown + compaction': phase(run, /Gracefully halting|Halting the virtual machine/, /Running post-processor|Creating a dummy Vagrant box|Creating Vagrant box/),
    'vagrant box': phase(run, /Creating Vagrant box/, null),
  };
}

/** The box is one gzip stream that tar lists; its disk holds what the provisioners wrote. */
function verify(run: BuildRun, scratch: string, readBack: boolean): string {
  if (run.exit !== 0 || !existsSync(run.box)) return 'no box';
  if (spawnSync('gzip', ['-t', run.box]).status !== 0) return 'gzip -t failed';
  const list = spawnSync('tar', ['-tzf', run.box], { encoding: 'utf8' }).stdout.trim().split('\n').sort().join(' ');
  if (!readBack) return `tar -tzf: ${list}`;
  const img = join(scratch, `${run.tool}-box.img`);
  const raw = join(scratch, `${run.tool}-box.raw`);
  try {
    spawnSync('bash', ['-c', `tar -xzOf '${run.box}' box.img > '${img}'`]);
    spawnSync('qemu-img', ['convert', '-O', 'raw', img, raw]);
    const marker = spawnSync('debugfs', ['-R', 'cat /root/marker', raw], { encoding: 'utf8' }).stdout.trim().replace(/\n/g, ' / ');
    return `tar -tzf: ${list}; /root/marker: "${marker}"`;
  } finally {
    rmSync(img, { force: true });
    rmSync(raw, { force: true });
  }
}

/** Files each step of the resume template leaves in the finished disk, read back with debugfs. */
function readDisk(disk: string, scratch: string, paths: string[]): string {
  const raw = join(scratch, 'resume-disk.raw');
  try {
    spawnSync('qemu-img', ['convert', '-O', 'raw', disk, raw]);
    return paths.map((p) => `${p}: ${spawnSync('debugfs', ['-R', `cat ${p}`, raw], { encoding: 'utf8' }).stdout.trim().split('\n')[0].slice(0, 40) || '(missing)'}`).join('; ');
  } finally {
    rmSync(raw, { force: true });
  }
}

async function resumeSection(scratch: string, workMb: number): Promise<string[]> {
  const dir = join(scratch, 'resume');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'qemu.json'), resumeTemplate(workMb));
  writeFileSync(join(dir, 'motd'), 'provisioned by the file provisioner\n');
  writeFileSync(join(dir, 'last.sh'), '#!/bin/sh\necho "the last step is broken"; exit 3\n');
  const bakehouse = [process.execPath, BAKEHOUSE];
  const timed: Array<[string, BuildRun]> = [];
  const step = async (name: string, flags: string[]): Promise<BuildRun> => {
    process.stderr.write(`resume: ${name} (load ${load()})… `);
    const r = await runTool('bakehouse', bakehouse, dir, flags);
    process.stderr.write(`exit ${r.exit}, ${r.wall.toFixed(1)} s\n`);
    if (r.exit !== 0) process.stderr.write(r.stamps.slice(-8).map((s) => `    ${s.line}\n`).join(''));
    timed.push([name, r]);
    return r;
  };
  await step('first build, the last step fails (cache on)', []);
  const snapshots = join(dir, 'data', 'cache', 'snapshots');
  const cacheBytes = existsSync(snapshots) ? Number(spawnSync('du', ['-sb', snapshots], { encoding: 'utf8' }).stdout.split('\t')[0]) : 0;
  writeFileSync(join(dir, 'last.sh'), '#!/bin/sh\necho fixed > /root/last\nsync\n');
  const resumed = await step('-resume after fixing the last step', ['-resume']);
  const check = resumed.exit === 0 ? readDisk(join(dir, 'out', 'disk.qcow2'), scratch, ['/etc/motd', '/root/worked', '/root/last']) : 'no disk';
  const full = await step('full rebuild, the same fixed template (-cache=false -force)', ['-cache=false', '-force']);
  const out = ['## Resume after a failure in the last provisioner, against a full rebuild', ''];
  out.push(`Template: the same disk_image and kernel boot, no post-processor; provisioners: file (/etc/motd), shell writing ${workMb} MB of`);
  out.push('random data in the guest and checksumming and gzipping it, then a shell script that fails (exit 3). The last step is then fixed and');
  out.push('the template built again with `-resume`, then once more from scratch with `-cache=false -force`. Bakehouse alone, one after the other.', '');
  out.push('| Build | Exit | Wall | disk copy | boot to SSH | provisioning | shutdown + compaction | Load (1/5/15 min) before |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of timed) {
    const p = phases(r);
    out.push(`| ${name} | ${r.exit} | ${r.wall.toFixed(1)} s | ${f1(p['disk copy'] ?? phase(r, /Copying the cached hard drive/, /Starting VM|not resizing/))} | ${f1(p['boot to SSH'])} | ${f1(p.provisioning)} | ${f1(p['shutdown + compaction'] ?? phase(r, /Gracefully halting/, null))} | ${r.loadBefore} |`);
  }
  out.push('');
  const ratio = resumed.wall / full.wall;
  out.push(`Resume ${resumed.wall.toFixed(1)} s against a full rebuild ${full.wall.toFixed(1)} s: **${ratio.toFixed(2)}×** (target ≤ 0.3×).`, '');
  out.push(`Cache after the failed build: ${(cacheBytes / 1e6).toFixed(0)} MB of snapshots (two steps, each a whole sparse disk and the machine's memory).`, '');
  out.push(`Resumed disk checked (debugfs): ${check}`, '');
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function gzipThroughput(input: string, make: () => NodeJS.ReadWriteStream): Promise<{ seconds: number; out: number; cpu: number }> {
  let out = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await pipeline(
    createReadStream(input, { highWaterMark: 1 << 20 }),
    make(),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out += chunk.length;
        cb();
      },
    }),
  );
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, out, cpu: (used.user + used.system) / 1e6 };
}

function resultPath(): string {
  const day = new Date().toISOString().slice(0, 10);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const p = join(dir, `qemu-speed-${day}${n === 1 ? '' : `-${n}`}.md`);
    if (!existsSync(p)) return p;
  }
}

const f1 = (n: number | undefined): string => (n === undefined ? '–' : `${n.toFixed(1)} s`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  for (const f of ['disk.qcow2', 'vmlinuz', 'initrd.img']) if (!existsSync(join(GUEST, f))) throw new Error(`${join(GUEST, f)} is missing: run .ci/qemu-guest.sh`);
  const version = (argv: string[]): string => spawnSync(argv[0], [...argv.slice(1), '--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  const out: string[] = [
    `# QEMU path's speed — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `- command: \`npm run bench -- qemu ${process.argv.slice(2).join(' ')}\`${''}`,
    `- machine: ${process.platform} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), no KVM (TCG); node ${process.version}; shared with other engineers' jobs`,
    `- tools: Bakehouse (${version(['node', BAKEHOUSE])}), Packer ${version([PACKER])} (Debian's), ${version(['qemu-system-x86_64'])}`,
    '',
  ];
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-qemu-speed-'));
  try {
    if (opts.build) {
      const tools: Array<[string, string[]]> = [
        ['bakehouse', [process.execPath, BAKEHOUSE]],
        ['packer 1.6.6', [PACKER]],
      ];
      const runs: BuildRun[] = [];
      const checks = new Map<string, string>();
      for (let round = 0; round < opts.rounds; round++) {
        const order = round % 2 === 0 ? [...tools].reverse() : tools;
        for (const [tool, argv] of order) {
          const dir = join(scratch, `${tool.split(' ')[0]}-${round}`);
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, 'qemu.json'), template());
          writeFileSync(join(dir, 'motd'), 'provisioned by the file provisioner\n');
          process.stderr.write(`round ${round + 1}: ${tool} (load ${load()})… `);
          const run = await runTool(tool, argv, dir);
          process.stderr.write(`exit ${run.exit}, ${run.wall.toFixed(1)} s\n`);
          if (run.exit !== 0) process.stderr.write(run.stamps.slice(-15).map((s) => `    ${s.line}\n`).join(''));
          const check = verify(run, scratch, !checks.has(tool));
          if (!checks.has(tool) || run.exit !== 0) checks.set(tool, check);
          runs.push(run);
          rmSync(dir, { recursive: true, force: true });
        }
      }
      out.push('## The QEMU template, side by side', '');
      out.push('Template: `disk_image` (the guest\'s 530 MB qcow2, copied, grown to the default 40 GiB, compacted at the end), kernel boot');
      out.push('through qemuargs, TCG, SSH with a key, a `file` provisioner (/etc/motd) and a `shell` provisioner, then `vagrant` (libvirt box,');
      out.push(`default compression level). ${opts.rounds} round(s), each building with both tools one after the other, the order alternating.`, '');
      const names = Object.keys(phases(runs[0]));
      out.push(`| Round | Tool | Exit | Wall | ${names.join(' | ')} | Load (1/5/15 min) before |`);
      out.push(`| --- | --- | --- | --- | ${names.map(() => '---').join(' | ')} | --- |`);
      runs.forEach((r, i) => {
        const p = phases(r);
        out.push(`| ${Math.floor(i / 2) + 1} | ${r.tool} | ${r.exit} | ${r.wall.toFixed(1)} s | ${names.map((n) => f1(p[n])).join(' | ')} | ${r.loadBefore} |`);
      });
      out.push('');
      const wall = (tool: string): number => median(runs.filter((r) => r.tool === tool && r.exit === 0).map((r) => r.wall));
      const ratio = wall('bakehouse') / wall('packer 1.6.6');
      out.push(`Median wall time: Bakehouse ${wall('bakehouse').toFixed(1)} s, Packer 1.6.6 ${wall('packer 1.6.6').toFixed(1)} s: **${ratio.toFixed(2)}×** (target ≤ 0.8×).`, '');
      // The guest's boot is the same QEMU doing the same work for both tools (a minute under TCG): what each tool adds is
      // the rest of its wall time.
      const own = (tool: string): number => median(runs.filter((r) => r.tool === tool && r.exit === 0).map((r) => r.wall - (phases(r)['boot to SSH'] ?? 0)));
      out.push(`Median wall time without the guest's boot (boot to SSH): Bakehouse ${own('bakehouse').toFixed(1)} s, Packer 1.6.6 ${own('packer 1.6.6').toFixed(1)} s: **${(own('bakehouse') / own('packer 1.6.6')).toFixed(2)}×**.`, '');
      out.push('Boxes checked (gzip -t passes for each):', '');
      for (const [tool, check] of checks) out.push(`- ${tool}: ${check}`);
      out.push('');
    }
    if (opts.resume) out.push(...(await resumeSection(scratch, opts.workMb)));
    if (opts.gzip) {
      const input = join(GUEST, 'disk.qcow2');
      const mb = statSync(input).size / 1e6;
      // Read once first, so both read it from the page cache.
      await gzipThroughput(input, () => createGzip({ level: 1 }));
      const rows: string[] = [];
      for (const [name, make] of [
        ['zlib createGzip (1 thread)', () => createGzip({ level: 6 })],
        [`createParallelGzip (${availableParallelism()} workers)`, () => createParallelGzip({ level: 6 })],
      ] as Array<[string, () => NodeJS.ReadWriteStream]>) {
        const loadBefore = load();
        const r = await gzipThroughput(input, make);
        rows.push(`| ${name} | ${r.seconds.toFixed(1)} s | ${(mb / r.seconds).toFixed(1)} MB/s | ${(r.out / 1e6).toFixed(1)} MB (${((100 * r.out) / (mb * 1e6)).toFixed(1)} %) | ${r.cpu.toFixed(1)} s | ${loadBefore} |`);
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
      out.push('## gzip alone', '');
      out.push(`Input: the guest disk (${mb.toFixed(0)} MB qcow2, what box.img holds), level 6 (the vagrant default), from the page cache, output counted and discarded.`, '');
      out.push('| Compressor | Time | Input rate | Output | CPU (main + workers) | Load before |', '| --- | --- | --- | --- | --- | --- |', ...rows, '');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const path = resultPath();
  writeFileSync(path, `${out.join('\n')}\n`);
  process.stdout.write(`${out.join('\n')}\n\nwritten to ${path}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

/**
 * Bench: the build cache on Docker builds, side by side in one run (issue 15).
 *   A legacy JSON template (Packer 1.6.6 reads it too) whose three shell provisioners do about ten seconds of real work in
 *   the base image, no network: generate a compressed file, checksum data, package an archive. Each round times
 *     first   — a first build with the cache on (empty cache)        off     — the same with -cache=false
 *     same    — an unchanged rebuild (cache from `first`)            last    — a rebuild with only the last step changed
 *     packer  — Packer 1.6.6 (/usr/bin/packer) on the same template
 *   and the seed-shaped template (bench/fixtures/docker-seed) first build with the cache against its unchanged rebuild
 *   (three pairs a round, each with an empty cache).
 *   Targets (on the median): same ≤ 0.1× first; last ≤ 0.4× first; first ≤ 1.15× off; seed same ≤ 0.5× seed first.
 * Every build's artifact is checked (its files hold what the steps wrote) and removed; each round's cache is pruned.
 * Writes bench/results/docker-cache-<date>.md (-2, -3 … when that day already has one) and prints it.
 * Run: npm run bench -- docker-cache [--rounds N]   (or node --import tsx bench/docker-cache.ts ...)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const BAKEHOUSE = join(ROOT, 'bin', 'bakehouse.js');
const SEED = join(ROOT, 'bench', 'fixtures', 'docker-seed');
const BASE_IMAGE = 'local/debian:bookworm';

/** About 3–4 s each on the bench machine; small outputs, so what is timed is the work, not moving layers around. */
const TEMPLATE = {
  variables: { marker: 'one' },
  builders: [{ type: 'docker', image: BASE_IMAGE, pull: false, commit: true }],
  provisioners: [
    { type: 'shell', inline: ['mkdir -p /opt/work', 'seq 1 3000000 | gzip -6 > /opt/work/numbers.gz', 'head -c 250M /dev/zero | sha256sum > /opt/work/zero.sum'] },
    { type: 'shell', inline: ['zcat /opt/work/numbers.gz | sha256sum > /opt/work/numbers.sum', 'head -c 400M /dev/urandom | sha256sum | cut -c1-16 > /opt/work/random.id'] },
    {
      type: 'shell',
      inline: ['tar -czf /opt/work/share.tgz -C /usr/share locale doc', "echo '{{user `marker`}}' > /opt/work/marker"],
    },
  ],
};

interface Options {
  rounds: number;
}

function parseOptions(argv: string[]): Options {
  const i = argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(argv[i + 1]) : 3;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number of at least 1');
  return { rounds };
}

function env(data: string): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1', BAKEHOUSE_DATA_DIR: data };
}

/** Runs one build and returns its wall time in seconds; its artifact is checked, then removed. */
function timed(cmd: string, args: string[], cwd: string, data: string, check?: string): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: env(data), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const ids = [...(r.stdout.split('Builds finished')[1] ?? '').matchAll(/sha256:[0-9a-f]{64}/g)].map((x) => x[0]);
  const image = ids.at(-1);
  if (!image) throw new Error(`no image id in the output of ${cmd}:\n${r.stdout}`);
  if (check !== undefined) {
    const got = spawnSync('docker', ['run', '--rm', '--entrypoint', '/bin/sh', image, '-c', 'cat /opt/work/marker; test -s /opt/work/share.tgz && test -s /opt/work/numbers.sum && echo ok'], { encoding: 'utf8' });
    if (got.stdout !== `${check}\nok\n`) throw new Error(`the image of ${cmd} ${args.join(' ')} does not hold what the steps made: ${got.stdout}${got.stderr}`);
  }
  spawnSync('docker', ['rmi', '-f', ...ids], { encoding: 'utf8' });
  return seconds;
}

function bakehouse(args: string[], cwd: string, data: string, check?: string): number {
  return timed(process.execPath, [BAKEHOUSE, 'build', '-force', ...args], cwd, data, check);
}

function prune(data: string): void {
  spawnSync(process.execPath, [BAKEHOUSE, 'cache', 'prune', '-all'], { env: env(data), encoding: 'utf8' });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(BAKEHOUSE)) throw new Error('bin/bakehouse.js is missing: run npm run bench -- docker-cache (it builds the bundle first)');
  const hasPacker = spawnSync('packer', ['version'], { encoding: 'utf8' }).status === 0;
  const work = mkdtempSync(join(tmpdir(), 'bakehouse-bench-cache-'));
  writeFileSync(join(work, 'work.json'), JSON.stringify(TEMPLATE, null, 2));
  for (const f of ['seed.json', 'built-by.txt']) copyFileSync(join(SEED, f), join(work, f));
  const loadBefore = loadavg();
  const times: Record<string, number[]> = { off: [], first: [], same: [], last: [], packer: [], seedFirst: [], seedSame: [] };
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const data = mkdtempSync(join(work, `data-${round}-`));
      const off = mkdtempSync(join(work, `off-${round}-`));
      times.off.push(bakehouse(['-cache=false', 'work.json'], work, off, 'one'));
      times.first.push(bakehouse(['work.json'], work, data, 'one'));
      times.same.push(bakehouse(['work.json'], work, data, 'one'));
      times.last.push(bakehouse([`-var`, `marker=changed-${round}`, 'work.json'], work, data, `changed-${round}`));
      if (hasPacker) times.packer.push(timed('packer', ['build', '-force', 'work.json'], work, off, 'one'));
      // The seed template's builds take a second or two, where one neighbour's burst shows: three pairs a round.
      for (let pair = 0; pair < 3; pair++) {
        const seedData = mkdtempSync(join(work, `seed-${round}-${pair}-`));
        times.seedFirst.push(bakehouse(['seed.json'], work, seedData));
        times.seedSame.push(bakehouse(['seed.json'], work, seedData));
        prune(seedData);
      }
      prune(data);
      process.stderr.write(`round ${round}: ${Object.entries(times).map(([k, v]) => `${k} ${v.at(-1)?.toFixed(2) ?? '-'}s`).join(', ')}\n`);
    }
  } finally {
    spawnSync('docker', ['rmi', '-f', 'bakehouse-bench/seed:latest'], { encoding: 'utf8' });
    rmSync(work, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? median(v) : NaN])) as Record<keyof typeof times, number>;
  const verdicts = [
    ['unchanged rebuild ≤ 0.1× first build', m.same / m.first, 0.1],
    ['last step changed ≤ 0.4× first build', m.last / m.first, 0.4],
    ['first build with the cache ≤ 1.15× with it off', m.first / m.off, 1.15],
    ['seed template: unchanged rebuild ≤ 0.5× first build', m.seedSame / m.seedFirst, 0.5],
  ] as const;
  const row = (label: string, k: keyof typeof times) => `| ${label} | ${times[k].length ? m[k].toFixed(2) : 'n/a'} | ${times[k].map((x) => x.toFixed(2)).join(', ') || 'n/a'} | ${times[k].length ? (m[k] / m.first).toFixed(2) : 'n/a'}× |`;
  const date = new Date().toISOString().slice(0, 10);
  const report = [
    `# Docker build cache — ${date}`,
    '',
    `Machine: ${process.platform} ${process.arch}, ${cpus().length} cores (shared), node ${process.version}; load average at start ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    `Packer: ${hasPacker ? spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout.trim() : 'not installed'}. Rounds: ${opts.rounds}; figures are medians of wall time in seconds (bin/bakehouse.js, the bundled CLI).`,
    '',
    'Work template: three shell provisioners (generate a gzip file, checksum, package an archive; ~10 s of work together) on ' +
      `${BASE_IMAGE}, commit = true. Seed template: bench/fixtures/docker-seed/seed.json.`,
    '',
    '| Build | median (s) | each round (s) | × first build |',
    '| --- | --- | --- | --- |',
    row('first build, cache on (empty cache)', 'first'),
    row('first build, -cache=false', 'off'),
    row('unchanged rebuild', 'same'),
    row('rebuild, last step changed', 'last'),
    row('Packer 1.6.6, same template', 'packer'),
    `| seed template: first build, cache on | ${m.seedFirst.toFixed(2)} | ${times.seedFirst.map((x) => x.toFixed(2)).join(', ')} | — |`,
    `| seed template: unchanged rebuild | ${m.seedSame.toFixed(2)} | ${times.seedSame.map((x) => x.toFixed(2)).join(', ')} | ${(m.seedSame / m.seedFirst).toFixed(2)}× seed first |`,
    '',
    '| Target | measured | verdict |',
    '| --- | --- | --- |',
    ...verdicts.map(([what, ratio, target]) => `| ${what} | ${ratio.toFixed(2)}× | ${ratio <= target ? 'met' : 'missed'} |`),
    '',
  ].join('\n');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  let file = join(dir, `docker-cache-${date}.md`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `docker-cache-${date}-${n}.md`);
  writeFileSync(file, report);
  process.stdout.write(`\n${report}\nWritten to ${file}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}

/**
 * The build cache from the CLI, in real processes against the real Docker daemon: -resume after a failure, -cache=false,
 * `cache ls -json` and `cache prune`, and a SIGINT during a commit leaving no half entry.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneCache } from '../../../core/cache/maintenance';
import { cacheDir, CacheStore, type CacheEntry } from '../../../core/cache/store';
import { dockerCacheImages } from '../../../core/builders/docker/cache-images';
import { DockerDriver } from '../../../core/builders/docker/driver';
import { TSX_LOADER } from '../../support/tsx';
import { requireDocker } from '../../builders/docker/harness';

const CLI = join(__dirname, 'cli-runner.ts');
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) {
    await pruneCache(new CacheStore(cacheDir(join(d, 'data'))), dockerCacheImages(DockerDriver.fromEnv(process.env)), { all: true }, Date.now() + 3_600_000);
    rmSync(d, { recursive: true, force: true });
  }
});

function project(steps: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-cache-cli-'));
  dirs.push(dir);
  const provisioners = steps.map((s) => `  provisioner "shell" {\n    ${s}\n  }\n`).join('');
  writeFileSync(
    join(dir, 't.pkr.hcl'),
    `source "docker" "app" {\n  image = "local/debian:bookworm"\n  pull = false\n  discard = true\n}\nbuild {\n  sources = ["source.docker.app"]\n${provisioners}}\n`,
  );
  return dir;
}

function cli(dir: string, ...args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['--import', TSX_LOADER, CLI, ...args], { cwd: dir, env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

test('-resume after a failed step starts after the last cached step; -cache=false runs everything', () => {
  requireDocker();
  const dir = project(['inline = ["echo a > /a"]', 'inline = ["echo b > /b"]', 'script = "third.sh"']);
  writeFileSync(join(dir, 'third.sh'), '#!/bin/sh\necho broken; exit 3\n');
  const failed = cli(dir, 'build', 't.pkr.hcl');
  assert.equal(failed.code, 1, failed.out);
  writeFileSync(join(dir, 'third.sh'), '#!/bin/sh\ncat /a /b\n');
  const resumed = cli(dir, 'build', '-resume', 't.pkr.hcl');
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /==> docker\.app: Resuming after step 2 \(shell\), the last cached step/);
  assert.match(resumed.out, /==> docker\.app: Using cached result of step 1 \(shell\)\n==> docker\.app: Using cached result of step 2 \(shell\)/);
  assert.match(resumed.out, /docker\.app: a\n.*docker\.app: b/s);
  // The build history's timeline marks the two steps that did not run.
  const runs = JSON.parse(cli(dir, 'history', '-json', '-n', '1').out) as Array<{ runId: string }>;
  const shown = JSON.parse(cli(dir, 'history', 'show', runs[0].runId, '-json').out) as { buildDetails: Array<{ steps: Array<{ kind: string; result?: string }> }> };
  const provisioners = shown.buildDetails[0].steps.filter((st) => st.kind === 'provisioner').map((st) => st.result);
  assert.deepEqual(provisioners, ['cached', 'cached', 'succeeded']);
  const off = cli(dir, 'build', '-cache=false', 't.pkr.hcl');
  assert.equal(off.code, 0, off.out);
  assert.doesNotMatch(off.out, /cached|build cache/);
  const both = cli(dir, 'build', '-cache=false', '-resume', 't.pkr.hcl');
  assert.equal(both.code, 1);
  assert.match(both.out, /-resume needs the build cache/);
});

test('cache ls -json lists entries with size and age; cache prune -all removes them', () => {
  requireDocker();
  const dir = project(['inline = ["head -c 3000000 /dev/zero > /blob"]', 'inline = ["echo done"]']);
  assert.equal(cli(dir, 'build', 't.pkr.hcl').code, 0);
  const ls = cli(dir, 'cache', 'ls', '-json');
  assert.equal(ls.code, 0, ls.out);
  const entries = JSON.parse(ls.out) as Array<CacheEntry & { size?: number }>;
  assert.deepEqual(entries.map((e) => [e.step, e.type, e.build]), [[1, 'shell', 'docker.app'], [2, 'shell', 'docker.app']]);
  assert.ok((entries[0].size ?? 0) >= 3_000_000, `step 1's layer holds the 3 MB file: ${entries[0].size}`);
  const table = cli(dir, 'cache', 'ls');
  assert.match(table.out, /KEY +BUILD +STEP +SIZE +AGE\n[0-9a-f]{12} +docker\.app +1 shell +2\.9 MB +\d+s\n/);
  assert.match(cli(dir, 'cache', 'prune').out, /say what to remove/);
  assert.match(cli(dir, 'cache', 'prune', '-older-than=1h').out, /Removed 0 entries/);
  const pruned = cli(dir, 'cache', 'prune', '-all');
  assert.match(pruned.out, /Removed 2 entries/);
  for (const e of entries) assert.notEqual(spawnSync('docker', ['image', 'inspect', e.tag]).status, 0);
  assert.match(cli(dir, 'cache', 'ls').out, /The build cache is empty/);
});

test('SIGINT during a commit leaves no half entry, and prune removes what the commit left', async () => {
  requireDocker();
  // 300 MB of random data makes the commit take long enough to interrupt.
  const dir = project(['inline = ["head -c 300000000 /dev/urandom > /big"]', 'inline = ["echo never"]']);
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, 'build', 't.pkr.hcl'], { cwd: dir, env: { ...process.env, BAKEHOUSE_DATA_DIR: join(dir, 'data') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.includes('Saving step 1 (shell) to the build cache') && !child.killed) setTimeout(() => child.kill('SIGINT'), 150);
  });
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await exited;
  assert.equal(code, 1, out);
  assert.match(out, /Saving step 1/);
  assert.doesNotMatch(out, /never/);
  const store = new CacheStore(cacheDir(join(dir, 'data')));
  // Either the commit finished before the signal and its entry is whole and usable, or there is no entry at all.
  for (const e of store.list()) assert.equal(spawnSync('docker', ['image', 'inspect', e.image]).status, 0, `${e.key}'s image exists`);
  assert.ok(store.list().length <= 1);
  let names: string[] = [];
  try {
    names = readdirSync(store.entriesDir);
  } catch {
    // No entry was ever written.
  }
  assert.deepEqual(names.filter((n) => !/^[0-9a-f]{64}\.json$/.test(n)), [], 'no partly written entry file');
  const pruned = await pruneCache(store, dockerCacheImages(DockerDriver.fromEnv(process.env)), { all: true }, Date.now() + 3_600_000);
  assert.deepEqual(store.list(), []);
  assert.deepEqual(store.pending(), []);
  const left = spawnSync('docker', ['images', 'bakehouse-cache', '--format', '{{.Tag}}'], { encoding: 'utf8' }).stdout.split('\n');
  for (const e of pruned.removed) assert.ok(!left.includes(e.tag.split(':')[1]));
});

test('the settings size cap prunes the least recently used entries after a build', () => {
  requireDocker();
  const dir = project(['inline = ["head -c 3000000 /dev/urandom > /blob"]', 'inline = ["echo small > /small"]']);
  mkdirSync(join(dir, 'data'), { recursive: true });
  // Each entry's layer holds all the container changed since it started (docker commit), so both are about 3 MB.
  writeFileSync(join(dir, 'data', 'settings.json'), JSON.stringify({ cacheMaxMb: 4 }));
  const built = cli(dir, 'build', 't.pkr.hcl');
  assert.equal(built.code, 0, built.out);
  assert.match(built.out, /Build cache: removed 1 least recently used entries to stay under 4 MB/);
  const entries = JSON.parse(cli(dir, 'cache', 'ls', '-json').out) as CacheEntry[];
  assert.deepEqual(entries.map((e) => e.step), [2]);
});

test('-resume on a builder without a build cache is refused, naming the build, before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-cache-cli-'));
  dirs.push(dir);
  writeFileSync(join(dir, 't.pkr.hcl'), 'source "null" "n" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.n"]\n  provisioner "shell-local" {\n    inline = ["touch ran"]\n  }\n}\n');
  const r = cli(dir, 'build', '-resume', 't.pkr.hcl');
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /-resume: null\.n \(null\) cannot resume: only the docker and qemu builders keep a build cache/);
  assert.deepEqual(readdirSync(dir).includes('ran'), false, 'nothing ran');
});

/**
 * The build cache against the real Docker daemon: which steps a rebuild serves from the cache after each kind of change,
 * what is never cached, sharing between builds, concurrent builds, and prune leaving nothing dangling.
 */
import { test, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_REPOSITORY } from '../../../core/cache/build-cache';
import { pruneCache } from '../../../core/cache/maintenance';
import { CacheStore } from '../../../core/cache/store';
import { dockerCacheImages } from '../../../core/builders/docker/cache-images';
import { DockerDriver } from '../../../core/builders/docker/driver';
import type { EngineEvent } from '../../../core/engine/events';
import { BASE_IMAGE, docker, inImage, removeImages, requireDocker, runBuild, uniqueName, workDir, type BuildSpec, type Ran } from './harness';

const cacheDirs: string[] = [];
const madeImages: string[] = [];
after(async () => {
  // Each test's cache is its own: prune it whole so no test leaves images behind.
  for (const dir of cacheDirs) await pruneCache(new CacheStore(dir), images(), { all: true });
  removeImages(...madeImages);
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});

function images() {
  return dockerCacheImages(DockerDriver.fromEnv(process.env));
}

function freshCache(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-cache-test-'));
  cacheDirs.push(dir);
  return dir;
}

/** 1-based numbers of the provisioners served from the cache, and of those that ran. */
function steps(r: Ran): { cached: number[]; ran: number[] } {
  const finished = r.events.filter((e): e is Extract<EngineEvent, { kind: 'provisioner-finished' }> => e.kind === 'provisioner-finished');
  return { cached: finished.filter((e) => e.cached).map((e) => e.index + 1), ran: finished.filter((e) => !e.cached).map((e) => e.index + 1) };
}

function imageOf(r: Ran): string {
  assert.equal(r.summary.result, 'succeeded', r.log.join('\n'));
  const id = r.summary.builds[0].artifacts[0]?.id;
  assert.ok(id);
  return id;
}

/** Four steps, each reading a different input: a script file, a variable, an uploaded file, and an inline command. */
function fourSteps(opts: { variable: string; last?: string; image?: string }): Omit<BuildSpec, 'builder'> & { builder: BuildSpec['builder'] } {
  return {
    name: 'app',
    builder: { commit: true, ...(opts.image ? { image: opts.image } : {}) },
    provisioners: [
      ['shell', { script: 'one.sh' }],
      ['shell', { inline: [`echo ${opts.variable} > /two`] }],
      ['file', { source: 'upload/', destination: '/upload' }],
      ['shell', { inline: [opts.last ?? 'cat /one /two /upload/a.txt > /four'] }],
    ],
  };
}

function files(dir: string, script = 'echo one > /one', uploaded = 'first'): void {
  writeFileSync(join(dir, 'one.sh'), `#!/bin/sh\n${script}\n`);
  const up = join(dir, 'upload');
  rmSync(up, { recursive: true, force: true });
  mkdirSync(up);
  writeFileSync(join(up, 'a.txt'), `${uploaded}\n`);
}

test('each changed input invalidates exactly the steps from there on; an unchanged rebuild runs none', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  files(dir);
  const first = await runBuild(fourSteps({ variable: 'v1' }), dir, { cache });
  assert.deepEqual(steps(first), { cached: [], ran: [1, 2, 3, 4] });
  assert.equal(inImage(imageOf(first), 'cat /four'), 'one\nv1\nfirst');

  const unchanged = await runBuild(fourSteps({ variable: 'v1' }), dir, { cache });
  assert.deepEqual(steps(unchanged), { cached: [1, 2, 3, 4], ran: [] });
  assert.ok(unchanged.log.includes('Using cached result of step 3 (file)'), unchanged.log.join('\n'));
  assert.equal(inImage(imageOf(unchanged), 'cat /four'), 'one\nv1\nfirst');

  files(dir, 'echo one > /one', 'second');
  const upload = await runBuild(fourSteps({ variable: 'v1' }), dir, { cache });
  assert.deepEqual(steps(upload), { cached: [1, 2], ran: [3, 4] });
  assert.equal(inImage(imageOf(upload), 'cat /four'), 'one\nv1\nsecond');

  const variable = await runBuild(fourSteps({ variable: 'v2' }), dir, { cache });
  assert.deepEqual(steps(variable), { cached: [1], ran: [2, 3, 4] });
  assert.equal(inImage(imageOf(variable), 'cat /four'), 'one\nv2\nsecond');

  files(dir, 'echo ONE > /one', 'second');
  const script = await runBuild(fourSteps({ variable: 'v2' }), dir, { cache });
  assert.deepEqual(steps(script), { cached: [], ran: [1, 2, 3, 4] });
  assert.equal(inImage(imageOf(script), 'cat /four'), 'ONE\nv2\nsecond');

  // The same steps again hit everything: the earlier entries of other inputs did not get in the way.
  const again = await runBuild(fourSteps({ variable: 'v2' }), dir, { cache });
  assert.deepEqual(steps(again), { cached: [1, 2, 3, 4], ran: [] });
  removeImages(imageOf(first), imageOf(unchanged), imageOf(upload), imageOf(variable), imageOf(script), imageOf(again));
});

test('a changed base image (same name, new content) invalidates every step', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  files(dir);
  const base = `bakehouse-test-base:${uniqueName('b')}`;
  const make = (text: string) => {
    const c = docker('create', '--entrypoint', '/bin/sh', BASE_IMAGE, '-c', 'true');
    docker('commit', '--change', `LABEL base=${text}`, c, base);
    docker('rm', c);
  };
  make('one');
  madeImages.push(base);
  const first = await runBuild(fourSteps({ variable: 'v', image: base }), dir, { cache });
  assert.deepEqual(steps(first).cached, []);
  const same = await runBuild(fourSteps({ variable: 'v', image: base }), dir, { cache });
  assert.deepEqual(steps(same).cached, [1, 2, 3, 4]);
  make('two');
  const changed = await runBuild(fourSteps({ variable: 'v', image: base }), dir, { cache });
  assert.deepEqual(steps(changed), { cached: [], ran: [1, 2, 3, 4] });
  removeImages(imageOf(first), imageOf(same), imageOf(changed));
});

test('shell-local, breakpoint and cache = false are never served from the cache, nor is any step after them', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  const spec = (middle: NonNullable<BuildSpec['provisioners']>[number]): Parameters<typeof runBuild>[0] => ({
    builder: { commit: true },
    provisioners: [['shell', { inline: ['echo a > /a'] }], middle, ['shell', { inline: ['echo c > /c'] }]],
  });
  const cases: Array<NonNullable<BuildSpec['provisioners']>[number]> = [
    ['shell-local', { inline: ['true'] }],
    ['breakpoint', { disable: true }],
    ['shell', { inline: ['date > /b'] }, undefined, { cache: false }],
  ];
  for (const middle of cases) {
    const first = await runBuild(spec(middle), dir, { cache });
    assert.equal(first.summary.result, 'succeeded', first.log.join('\n'));
    const second = await runBuild(spec(middle), dir, { cache });
    assert.deepEqual(steps(second), { cached: [1], ran: [2, 3] }, `${middle[0]} ${JSON.stringify(middle[3] ?? {})}`);
    removeImages(imageOf(first), imageOf(second));
  }
  // Only step 1 was ever recorded (one entry: the three cases share it).
  assert.deepEqual(new CacheStore(cache.dir).list().map((e) => e.step), [1]);
});

test('two builds sharing a prefix share its entries', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  files(dir);
  const a = await runBuild(fourSteps({ variable: 'v', last: 'echo a > /four' }), dir, { cache });
  const b = await runBuild(fourSteps({ variable: 'v', last: 'echo b > /four' }), dir, { cache });
  assert.deepEqual(steps(b), { cached: [1, 2, 3], ran: [4] });
  const entries = new CacheStore(cache.dir).list();
  assert.equal(entries.length, 5, 'three shared entries and one last step each');
  assert.equal(inImage(imageOf(b), 'cat /four'), 'b');
  removeImages(imageOf(a), imageOf(b));
});

test('two builds at once do not corrupt the cache: one entry per key, each whole, each image there', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  files(dir);
  const [a, b] = await Promise.all([runBuild(fourSteps({ variable: 'c' }), dir, { cache }), runBuild(fourSteps({ variable: 'c' }), dir, { cache })]);
  imageOf(a);
  imageOf(b);
  const store = new CacheStore(cache.dir);
  const entries = store.list();
  assert.deepEqual(entries.map((e) => e.step).sort(), [1, 2, 3, 4]);
  for (const e of entries) assert.equal(docker('image', 'inspect', '--format', '{{.Id}}', e.tag), e.image);
  assert.deepEqual(readdirSync(store.entriesDir).filter((n) => n.endsWith('.tmp')), []);
  // The loser's commits were removed, not left tagged: exactly the recorded tags exist for these keys.
  const keys = new Set(entries.map((e) => e.key));
  const tags = docker('images', CACHE_REPOSITORY, '--format', '{{.Tag}}').split('\n').filter((t) => keys.has(t.slice(0, 64)));
  assert.deepEqual(tags.sort(), entries.map((e) => e.tag.slice(CACHE_REPOSITORY.length + 1)).sort());
  const again = await runBuild(fourSteps({ variable: 'c' }), dir, { cache });
  assert.deepEqual(steps(again).cached, [1, 2, 3, 4]);
  removeImages(imageOf(a), imageOf(b), imageOf(again));
});

test('prune removes the entries and their images, leaving no dangling image', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  files(dir);
  const danglingBefore = new Set(docker('images', '-q', '--no-trunc', '-f', 'dangling=true').split('\n').filter(Boolean));
  const r = await runBuild(fourSteps({ variable: 'p' }), dir, { cache });
  removeImages(imageOf(r));
  const store = new CacheStore(cache.dir);
  const entries = store.list();
  assert.equal(entries.length, 4);
  const none = await pruneCache(store, images(), { olderThanMs: 3_600_000 });
  assert.equal(none.removed.length, 0, 'nothing is an hour old');
  const all = await pruneCache(store, images(), { all: true });
  assert.equal(all.removed.length, 4);
  assert.deepEqual(store.list(), []);
  for (const e of entries) assert.notEqual(spawnSync('docker', ['image', 'inspect', e.image]).status, 0, `${e.image} is gone`);
  const danglingAfter = docker('images', '-q', '--no-trunc', '-f', 'dangling=true').split('\n').filter((id) => id && !danglingBefore.has(id));
  assert.deepEqual(danglingAfter, []);
});

test('cache off: nothing is looked up or saved', async () => {
  requireDocker();
  const dir = workDir();
  files(dir);
  const r = await runBuild(fourSteps({ variable: 'off' }), dir);
  assert.deepEqual(steps(r), { cached: [], ran: [1, 2, 3, 4] });
  assert.ok(!r.log.some((l) => l.includes('build cache')), r.log.join('\n'));
  removeImages(imageOf(r));
});

test('a breakpoint stops reuse before its step, so the build pauses there with the machine as it was', async () => {
  requireDocker();
  const dir = workDir();
  const cache = { dir: freshCache() };
  const spec: Parameters<typeof runBuild>[0] = {
    builder: { commit: true },
    provisioners: [
      ['shell', { inline: ['echo a > /a'] }, 'first'],
      ['shell', { inline: ['echo b > /b'] }, 'second'],
      ['shell', { inline: ['echo c > /c'] }, 'third'],
    ],
  };
  const first = await runBuild(spec, dir, { cache });
  const paused: string[] = [];
  const second = await runBuild(spec, dir, { cache, breakpoints: [{ name: 'second' }] }, (e, run) => {
    if (e.kind === 'prompt') {
      paused.push(e.text);
      run.answerPrompt(e.promptId, 'continue');
    }
  });
  assert.equal(paused.length, 1);
  assert.deepEqual(steps(second), { cached: [1], ran: [2, 3] });
  removeImages(imageOf(first), imageOf(second));
});

test('a deleted data folder leaves no cache images for good: the next prune from any folder removes them', async () => {
  requireDocker();
  const dir = workDir();
  const gone = mkdtempSync(join(tmpdir(), 'bakehouse-cache-gone-'));
  files(dir);
  const r = await runBuild(fourSteps({ variable: 'gone' }), dir, { cache: { dir: gone } });
  removeImages(imageOf(r));
  const tags = new CacheStore(gone).list().map((e) => e.tag);
  assert.equal(tags.length, 4);
  rmSync(gone, { recursive: true, force: true });
  const other = await pruneCache(new CacheStore(freshCache()), images(), { all: true });
  assert.ok(other.abandoned >= 4, `removed ${other.abandoned}`);
  for (const t of tags) assert.notEqual(spawnSync('docker', ['image', 'inspect', t]).status, 0, `${t} is gone`);
});

/**
 * The build cache for QEMU against real QEMU: a build whose last provisioner fails keeps a snapshot (disk and memory)
 * after each step that succeeded; -resume after fixing it goes on from the last one without booting, runs only the fixed
 * step, and the finished disk holds what every step wrote. When the saved memory cannot be loaded, the cached disk boots
 * instead. Three machine starts, two of them boots (software emulation is slow).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneCache } from '../../../core/cache/maintenance';
import { cacheImagesOf, memoryStateOf, snapshotsDir } from '../../../core/cache/disk-snapshots';
import { CacheStore } from '../../../core/cache/store';
import type { EngineEvent } from '../../../core/engine/events';
import { guestBuilder, qemuProcesses, readFromImage, requireGuest, runBuild, workDir, type BuildSpec, type Ran } from './harness';

const cacheDirs: string[] = [];
after(() => {
  for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
});

function steps(r: Ran): { cached: number[]; ran: number[] } {
  const finished = r.events.filter((e): e is Extract<EngineEvent, { kind: 'provisioner-finished' }> => e.kind === 'provisioner-finished');
  return { cached: finished.filter((e) => e.cached).map((e) => e.index + 1), ran: finished.filter((e) => !e.cached).map((e) => e.index + 1) };
}

function spec(dir: string, last: string): BuildSpec {
  return {
    builder: guestBuilder({ shutdown_command: 'poweroff' }),
    provisioners: [
      ['file', { source: join(dir, 'upload.txt'), destination: '/root/uploaded.txt' }],
      // Also notes its boot and starts a background process: a restored machine still has both, a rebooted one neither.
      ['shell', { inline: ['echo one > /root/one', 'cat /proc/sys/kernel/random/boot_id > /root/boot-id', '(sleep 100000 </dev/null >/dev/null 2>&1 &)'] }],
      ['shell', { inline: [last] }],
    ],
  };
}

/** What the fixed last step reports: whether the machine booted since step 2, its background process, its clock. */
const FIXED = [
  'if [ "$(cat /proc/sys/kernel/random/boot_id)" = "$(cat /root/boot-id)" ]; then echo "same boot as step 2"; else echo "booted since step 2"; fi',
  'pgrep -f "sleep 100000" >/dev/null && echo "background process still running" || echo "no background process"',
  'echo "guest clock: $(date +%s)"',
];

function guestClockSkew(r: Ran, hostSeconds: number): number {
  const line = r.log.find((l) => l.includes('guest clock: '));
  assert.ok(line, r.log.join('\n'));
  return Math.abs(Number(line.split('guest clock: ')[1]) - hostSeconds);
}

test('a QEMU build whose last step failed resumes from the snapshot of the step before without booting, running only the fixed step', { timeout: 20 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  const cache = mkdtempSync(join(tmpdir(), 'bakehouse-qemu-cache-'));
  cacheDirs.push(cache);
  writeFileSync(join(dir, 'upload.txt'), 'uploaded\n');

  const failed = await runBuild(spec(dir, 'echo broken; exit 3'), dir, { cache: { dir: cache } });
  assert.equal(failed.summary.result, 'failed', failed.log.join('\n'));
  assert.deepEqual(steps(failed), { cached: [], ran: [1, 2, 3] });
  assert.ok(failed.log.includes('Saving step 2 (shell) to the build cache'), failed.log.join('\n'));
  const store = new CacheStore(cache);
  const entries = store.list();
  assert.deepEqual(entries.map((e) => [e.step, e.type]), [[1, 'file'], [2, 'shell']]);
  for (const e of entries) {
    assert.ok(e.image.startsWith(snapshotsDir(cache)), e.image);
    assert.ok(existsSync(e.image));
    assert.ok(existsSync(memoryStateOf(e.image)), `the machine's memory is saved with step ${e.step}'s disk`);
  }
  assert.equal(existsSync(join(dir, 'output-test')), false, 'the failed build removed its output folder, as without the cache');

  const fixed = [...FIXED, 'echo three > /root/three'].join('\n');
  const resumed = await runBuild(spec(dir, fixed), dir, { cache: { dir: cache, resume: true } });
  const b = resumed.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${resumed.log.slice(-30).join('\n')}`);
  assert.deepEqual(steps(resumed), { cached: [1, 2], ran: [3] });
  assert.ok(resumed.log.includes('Resuming after step 2 (shell), the last cached step'), resumed.log.join('\n'));
  assert.ok(resumed.log.includes('Using cached result of step 1 (file)'));
  assert.ok(resumed.log.includes('Starting VM, going on from the cached machine'), resumed.log.join('\n'));
  // The machine goes on as if the failed step had never run: same boot, its processes still there, its clock set.
  assert.ok(resumed.log.includes('same boot as step 2'), resumed.log.join('\n'));
  assert.ok(resumed.log.includes('background process still running'));
  assert.ok(guestClockSkew(resumed, Date.now() / 1000) < 120, 'the restored clock is set to the host time');

  const disk = join(dir, 'output-test', 'packer-test');
  assert.equal(readFromImage(disk, '/root/uploaded.txt', dir), 'uploaded\n');
  assert.equal(readFromImage(disk, '/root/one', dir), 'one\n');
  assert.equal(readFromImage(disk, '/root/three', dir), 'three\n');
  assert.deepEqual(qemuProcesses(dir), []);
  assert.deepEqual(store.list().map((e) => e.step), [1, 2, 3], 'the fixed step is saved too');

  // Memory QEMU cannot load (here cut short; after a QEMU upgrade, refused) leaves the disk: it boots, and the build goes on.
  const step2 = store.list().find((e) => e.step === 2);
  assert.ok(step2);
  truncateSync(memoryStateOf(step2.image), 4096);
  const booted = await runBuild(spec(dir, [...FIXED, 'echo four > /root/four'].join('\n')), dir, { cache: { dir: cache }, force: true });
  assert.equal(booted.summary.builds[0].result, 'succeeded', booted.log.slice(-30).join('\n'));
  assert.deepEqual(steps(booted), { cached: [1, 2], ran: [3] });
  assert.ok(booted.log.some((l) => l.startsWith("Could not restore the cached machine's memory")), booted.log.join('\n'));
  // Where such a machine differs from a continuous run (README, "Build cache"): it has rebooted.
  assert.ok(booted.log.includes('booted since step 2'));
  assert.ok(booted.log.includes('no background process'));
  assert.equal(readFromImage(disk, '/root/four', dir), 'four\n');
  assert.deepEqual(qemuProcesses(dir), []);

  // prune removes the snapshot files with their entries, without a Docker daemon being needed for them.
  const pruned = await pruneCache(store, cacheImagesOf(() => Promise.reject(Object.assign(new Error('no docker'), { code: 'ENOENT' }))), { all: true });
  assert.equal(pruned.removed.length, 4);
  assert.deepEqual(readdirSync(snapshotsDir(cache)), []);
});

test('cancelling while a step is saved to the cache leaves no entry, no disk or memory file, and no machine', { timeout: 10 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  const cache = mkdtempSync(join(tmpdir(), 'bakehouse-qemu-cache-'));
  cacheDirs.push(cache);
  writeFileSync(join(dir, 'upload.txt'), 'uploaded\n');
  const ran = await runBuild(spec(dir, 'echo never'), dir, { cache: { dir: cache } }, (e, run) => {
    // Mid-copy: the disk copy and the memory stream of a 512 MB guest take a few seconds under TCG.
    if (e.kind === 'message' && e.text === 'Saving step 1 (file) to the build cache') setTimeout(() => run.cancel(), 300);
  });
  assert.equal(ran.summary.builds[0].result, 'cancelled', ran.log.slice(-20).join('\n'));
  assert.deepEqual(new CacheStore(cache).list(), []);
  const snapshots = snapshotsDir(cache);
  assert.deepEqual(existsSync(snapshots) ? readdirSync(snapshots) : [], [], 'no half-written disk or memory file');
  assert.deepEqual(qemuProcesses(dir), []);
  assert.equal(existsSync(join(dir, 'output-test')), false);
});

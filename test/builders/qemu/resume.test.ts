/**
 * The build cache for QEMU against real QEMU: a build whose last provisioner fails keeps a disk snapshot after each step
 * that succeeded; -resume after fixing it boots the last snapshot, runs only the fixed step, and the finished disk holds
 * what every step wrote. Two boots in all (software emulation is slow).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneCache } from '../../../core/cache/maintenance';
import { cacheImagesOf, snapshotsDir } from '../../../core/cache/disk-snapshots';
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
      // Also writes to /tmp and starts a background process: neither survives the reboot a resume is.
      ['shell', { inline: ['echo one > /root/one', 'echo scratch > /tmp/scratch', '(sleep 100000 </dev/null >/dev/null 2>&1 &)'] }],
      ['shell', { inline: [last] }],
    ],
  };
}

test('a QEMU build whose last step failed resumes from the disk snapshot of the step before, running only the fixed step', { timeout: 20 * 60_000 }, async () => {
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
  }
  assert.equal(existsSync(join(dir, 'output-test')), false, 'the failed build removed its output folder, as without the cache');

  const fixed = 'cat /tmp/scratch 2>/dev/null || echo "no /tmp/scratch after the reboot"; pgrep -f "sleep 100000" || echo "no background process"; echo three > /root/three';
  const resumed = await runBuild(spec(dir, fixed), dir, { cache: { dir: cache, resume: true } });
  const b = resumed.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${resumed.log.slice(-30).join('\n')}`);
  assert.deepEqual(steps(resumed), { cached: [1, 2], ran: [3] });
  assert.ok(resumed.log.includes('Resuming after step 2 (shell), the last cached step'), resumed.log.join('\n'));
  assert.ok(resumed.log.includes('Using cached result of step 1 (file)'));
  assert.ok(resumed.log.includes('Starting VM, booting the cached disk'));
  // Where a resumed machine differs from a continuous run (README, "Build cache"): it has rebooted.
  assert.ok(resumed.log.includes('no background process'), resumed.log.join('\n'));

  const disk = join(dir, 'output-test', 'packer-test');
  assert.equal(readFromImage(disk, '/root/uploaded.txt', dir), 'uploaded\n');
  assert.equal(readFromImage(disk, '/root/one', dir), 'one\n');
  assert.equal(readFromImage(disk, '/root/three', dir), 'three\n');
  assert.deepEqual(qemuProcesses(dir), []);
  assert.deepEqual(store.list().map((e) => e.step), [1, 2, 3], 'the fixed step is saved too');

  // prune removes the snapshot files with their entries, without a Docker daemon being needed for them.
  const pruned = await pruneCache(store, cacheImagesOf(() => Promise.reject(Object.assign(new Error('no docker'), { code: 'ENOENT' }))), { all: true });
  assert.equal(pruned.removed.length, 3);
  assert.deepEqual(readdirSync(snapshotsDir(cache)), []);
});

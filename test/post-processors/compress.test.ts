import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Artifact } from '../../core/engine/artifact';
import type { BuildInfo, PostProcessor, Ui } from '../../core/engine/plugin';
import { compressPostProcessor } from '../../core/post-processors/compress/post-processor';
import type { Plain } from '../../core/template/values/value';
import { config, tempDir } from '../engine/helpers';

const quiet: Ui = { say: () => undefined, message: () => undefined, error: () => undefined, output: () => undefined, log: () => undefined, ask: async () => 'cleanup' };

function buildInfo(cwd: string): BuildInfo {
  return { name: 'disk', displayName: 'qemu.disk', hcl2: true, builderType: 'qemu', runId: 'run-1', env: {}, cwd, force: false };
}

function prepare(cwd: string, fields: Record<string, Plain>): PostProcessor {
  const p = compressPostProcessor.prepare(config(fields), buildInfo(cwd));
  assert.ok(p.ok, p.ok ? '' : p.error.join('\n'));
  return p.value;
}

/** A disk-like file: text and random runs, spanning many gzip blocks. */
function diskFile(dir: string, name: string, bytes: number): Artifact {
  const parts: Buffer[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const part = i % 4 === 3 ? randomBytes(64 * 1024) : Buffer.from(`sector ${i}: compress post-processor test data\n`.repeat(1500));
    parts.push(part);
    n += part.length;
  }
  writeFileSync(join(dir, name), Buffer.concat(parts).subarray(0, bytes));
  return { id: name, builderId: 'transcend.qemu', files: [name], text: name, state: {} };
}

test('compress writes .tar.gz and .gz on every core that gzip -t, tar -tzf and Node read back to the same bytes', async () => {
  const dir = tempDir();
  const input = diskFile(dir, 'disk.raw', 10 * 1024 * 1024);
  const signal = new AbortController().signal;
  const tgz = await prepare(dir, { output: 'disk.tar.gz', compression_level: 1 }).postProcess({ ui: quiet, mask: (s) => s, signal, build: buildInfo(dir), generated: {} }, input);
  assert.ok(tgz.ok, tgz.ok ? '' : tgz.error);
  assert.equal(spawnSync('gzip', ['-t', join(dir, 'disk.tar.gz')]).status, 0);
  assert.equal(execFileSync('tar', ['-tzf', join(dir, 'disk.tar.gz')], { encoding: 'utf8' }), 'disk.raw\n');
  assert.ok(execFileSync('tar', ['-xzOf', join(dir, 'disk.tar.gz'), 'disk.raw'], { maxBuffer: 64 << 20 }).equals(readFileSync(join(dir, 'disk.raw'))));
  assert.equal(readFileSync(join(dir, 'disk.tar.gz'))[8], 4, 'level 1 is recorded as gzip records it');

  const gz = await prepare(dir, { output: 'disk.raw.gz', compression_level: 9 }).postProcess({ ui: quiet, mask: (s) => s, signal, build: buildInfo(dir), generated: {} }, input);
  assert.ok(gz.ok, gz.ok ? '' : gz.error);
  assert.ok(gunzipSync(readFileSync(join(dir, 'disk.raw.gz'))).equals(readFileSync(join(dir, 'disk.raw'))));
  assert.ok(statSync(join(dir, 'disk.raw.gz')).size < statSync(join(dir, 'disk.tar.gz')).size, 'level 9 compresses harder than 1');
});

test('a cancel mid-compression leaves neither the archive nor a partial file', async (t) => {
  const dir = tempDir();
  const input = diskFile(dir, 'disk.raw', 48 * 1024 * 1024);
  const ac = new AbortController();
  let sawPartial = false;
  const watch = setInterval(() => {
    const partial = readdirSync(dir).find((n) => n.endsWith('.partial'));
    if (partial && statSync(join(dir, partial)).size > 0) {
      sawPartial = true;
      ac.abort();
      clearInterval(watch);
    }
  }, 5);
  t.after(() => clearInterval(watch));
  const r = await prepare(dir, { output: 'disk.tar.gz', compression_level: 9 }).postProcess({ ui: quiet, mask: (s) => s, signal: ac.signal, build: buildInfo(dir), generated: {} }, input);
  assert.ok(sawPartial, 'the cancel came mid-compression');
  assert.equal(r.ok, false);
  assert.deepEqual(readdirSync(dir), ['disk.raw']);
});

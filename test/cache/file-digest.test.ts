/**
 * The base image's digest a QEMU build keys its cache on: right, remembered for an unchanged file, and read again
 * whenever the file changed — also when a tool put its size and modification time back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSha256 } from '../../core/cache/file-digest';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test("a base image's digest is read once per version of the file", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = join(dir, 'cache');
  const image = join(dir, 'disk.qcow2');
  const signal = new AbortController().signal;
  writeFileSync(image, 'version one');

  assert.equal(await fileSha256(image, cache, signal), sha('version one'));
  assert.equal(readdirSync(join(cache, 'digests')).length, 1, 'remembered');
  assert.equal(await fileSha256(image, cache, signal), sha('version one'));
  assert.equal(readdirSync(join(cache, 'digests')).length, 1, 'the same version is not remembered twice');

  // Same size, and the modification time put back as `touch -d` or `cp -p` would: still read again.
  const { atime, mtime } = statSync(image);
  writeFileSync(image, 'version two');
  utimesSync(image, atime, mtime);
  assert.equal(await fileSha256(image, cache, signal), sha('version two'));
});

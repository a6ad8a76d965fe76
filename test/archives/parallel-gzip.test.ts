import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import { crc32Combine, createParallelGzip, type ParallelGzipOptions } from '../../core/archives/parallel-gzip';
import { pipeToNewFile } from '../../core/files/atomic-write';

/** Text-like data (compressible, with repeats further apart than one block) mixed with incompressible runs. */
function diskLike(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const part = i % 5 === 4 ? randomBytes(7000) : Buffer.from(`line ${i % 997}: the quick brown fox jumps over the lazy dog ${i % 13}\n`.repeat(40));
    parts.push(part);
    n += part.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

async function gzipInParallel(input: Buffer, options: ParallelGzipOptions, chunk = 64 * 1024): Promise<Buffer> {
  const out: Buffer[] = [];
  const chunks = Array.from({ length: Math.ceil(input.length / chunk) }, (_, i) => input.subarray(i * chunk, (i + 1) * chunk));
  await pipeline(Readable.from(chunks), createParallelGzip(options), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

const threads = (): number => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

const scratch = (): string => mkdtempSync(join(tmpdir(), 'bakehouse-pgzip-test-'));

test('one gzip stream that gzip -t, gzip -d and Node all read back to the same bytes, over many blocks and a partial last one', async () => {
  const input = diskLike(5 * 1024 * 1024 + 12345);
  const gz = await gzipInParallel(input, { level: 6, blockSize: 256 * 1024, workers: 2 });
  assert.deepEqual(gunzipSync(gz), input);
  const dir = scratch();
  writeFileSync(join(dir, 'x.gz'), gz);
  assert.equal(spawnSync('gzip', ['-t', join(dir, 'x.gz')]).status, 0);
  assert.ok(execFileSync('gzip', ['-dc', join(dir, 'x.gz')], { maxBuffer: 64 * 1024 * 1024 }).equals(input));
  // One member, so readers that stop after the first (Ruby's GzipReader) see everything: the trailer is the stream's end.
  assert.equal(gz.readUInt32LE(gz.length - 8), crc32(input));
  assert.equal(gz.readUInt32LE(gz.length - 4), input.length);
  // Each block is primed with the 32 KiB before it, so the ratio stays that of a single stream.
  const single = gzipSync(input, { level: 6 });
  assert.ok(gz.length <= single.length * 1.01, `${gz.length} against zlib's ${single.length}`);
});

test('inputs of no bytes, a few bytes and exactly whole blocks', async () => {
  for (const input of [Buffer.alloc(0), Buffer.from('hello\n'), diskLike(3 * 64 * 1024)]) {
    const gz = await gzipInParallel(input, { level: 6, blockSize: 64 * 1024 }, 1000);
    assert.deepEqual(gunzipSync(gz), input, `${input.length} bytes`);
  }
});

test('compression_level is respected: 1 is faster and larger than 9, and the header says which', async () => {
  const input = diskLike(2 * 1024 * 1024);
  const fast = await gzipInParallel(input, { level: 1, blockSize: 512 * 1024 });
  const best = await gzipInParallel(input, { level: 9, blockSize: 512 * 1024 });
  assert.deepEqual([fast[8], best[8]], [4, 2], 'XFL as gzip writes it');
  assert.ok(fast.length > best.length, `${fast.length} > ${best.length}`);
  assert.deepEqual(gunzipSync(fast), input);
  assert.deepEqual(gunzipSync(best), input);
  // Level 9 through the same blocks is within a percent of zlib's single-threaded level 9.
  assert.ok(best.length <= gzipSync(input, { level: 9 }).length * 1.01);
});

test('crc32Combine gives the CRC of the joined data', () => {
  const data = randomBytes(300_000);
  for (const cut of [0, 1, 4096, 123_457, 299_999, 300_000]) {
    const a = data.subarray(0, cut);
    const b = data.subarray(cut);
    assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(data), `cut at ${cut}`);
  }
});

test('a cancel mid-compression leaves no file behind and stops the workers', async () => {
  const dir = scratch();
  const target = join(dir, 'big.gz');
  // libuv's file threads start with the first fs call: start them before counting.
  await stat(dir);
  const threadsBefore = threads();
  const ac = new AbortController();
  let sent = 0;
  let threadsDuring = 0;
  // An endless source: only the cancel ends this pipeline.
  const source = new Readable({
    read() {
      sent += 1;
      if (sent === 40) {
        threadsDuring = threads();
        ac.abort();
      }
      this.push(diskLike(256 * 1024));
    },
  });
  await assert.rejects(pipeToNewFile([source, createParallelGzip({ level: 6, blockSize: 128 * 1024 })], target, ac.signal), { name: 'AbortError' });
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(existsSync(target), false);
  assert.ok(threadsDuring > threadsBefore, `workers were running (${threadsDuring} threads against ${threadsBefore})`);
  for (let i = 0; i < 50 && threads() > threadsBefore; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(threads(), threadsBefore, 'the worker threads are gone');
});

/**
 * Reads tar archives (plain or gzip-compressed, as boxes and OVAs are) one entry at a time, streaming each body,
 * so a multi-gigabyte disk inside never has to fit in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  size: number;
  mode: number;
  /** '0' (or NUL) for a regular file, '5' for a folder, … */
  type: string;
}

/** Calls `onEntry` for every entry in order with a stream of its body, which must be consumed (or resumed) before the next. */
export async function readTar(archive: string, onEntry: (entry: TarEntry, body: Readable) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const source = createReadStream(archive, { signal });
  const head = await firstBytes(archive);
  const input: AsyncIterable<Buffer> = head[0] === 0x1f && head[1] === 0x8b ? source.pipe(createGunzip()) : source;
  let pending: Buffer = Buffer.alloc(0);
  let body: PassThrough | undefined;
  let bodyDone: Promise<void> | undefined;
  let remaining = 0;
  let padding = 0;
  let ended = false;
  let longName: string | undefined;
  let collecting: Buffer[] | undefined;
  for await (const chunk of input) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (!ended) {
      if (remaining > 0) {
        if (pending.length === 0) break;
        const take = Math.min(remaining, pending.length);
        const part = pending.subarray(0, take);
        pending = pending.subarray(take);
        remaining -= take;
        if (collecting) collecting.push(Buffer.from(part));
        else if (body && !body.write(part)) await new Promise((r) => body!.once('drain', r));
        if (remaining === 0) {
          if (collecting) {
            longName = Buffer.concat(collecting).toString('utf8').replace(/\0+$/, '');
            collecting = undefined;
          } else if (body) {
            body.end();
            await bodyDone;
            body = undefined;
          }
        }
        continue;
      }
      if (padding > 0) {
        const take = Math.min(padding, pending.length);
        pending = pending.subarray(take);
        padding -= take;
        if (padding > 0) break;
        continue;
      }
      if (pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((b) => b === 0)) {
        ended = true;
        break;
      }
      const entry = parseHeader(header, longName);
      longName = undefined;
      remaining = entry.size;
      padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
      if (entry.type === 'L') {
        collecting = [];
        if (remaining === 0) collecting = undefined;
        continue;
      }
      body = new PassThrough();
      bodyDone = onEntry(entry, body);
      if (remaining === 0) {
        body.end();
        await bodyDone;
        body = undefined;
      }
    }
    if (ended) break;
  }
  source.destroy();
  if (body) {
    body.destroy(new Error(`${archive} ends in the middle of an entry`));
    await bodyDone?.catch(() => undefined);
    throw new Error(`${archive} ends in the middle of an entry`);
  }
}

/** Unpacks the regular files of an archive flat into `dir` (folders inside are ignored, as Packer does for OVAs). */
export async function extractTar(archive: string, dir: string, signal?: AbortSignal): Promise<string[]> {
  const written: string[] = [];
  await readTar(
    archive,
    async (entry, body) => {
      if (entry.type !== '0' && entry.type !== '\0' && entry.type !== '') {
        body.resume();
        await new Promise((r) => body.once('end', r));
        return;
      }
      const target = join(dir, basename(entry.name));
      written.push(target);
      await pipeline(body, createWriteStream(target, { mode: entry.mode & 0o777 || 0o644 }));
    },
    signal,
  );
  return written;
}

function parseHeader(h: Buffer, longName: string | undefined): TarEntry {
  const text = (at: number, len: number) => h.toString('utf8', at, at + len).replace(/\0.*$/s, '');
  const num = (at: number, len: number) => parseInt(text(at, len).trim() || '0', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  if (sum !== num(148, 8)) throw new Error('not a tar archive (header checksum mismatch)');
  // Only POSIX ustar ("ustar\0" + "00") has a name prefix there; GNU tar (Go's default for some headers) keeps times in it.
  const posix = h.toString('latin1', 257, 265) === 'ustar\u000000';
  const prefix = posix ? text(345, 155) : '';
  const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
  return { name, size: num(124, 12), mode: num(100, 8), type: String.fromCharCode(h[156] || 48) };
}

async function firstBytes(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(path, { start: 0, end: 1 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The tar streams Docker's archive API speaks: packing local files and folders for an upload, and unpacking what a
 * download returns. Only what `docker cp` produces and needs: files, folders, symlinks, PAX and GNU long names.
 */
import { createReadStream, createWriteStream, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, chmodSync } from 'node:fs';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';

const BLOCK = 512;

export interface PackEntry {
  /** Path inside the archive, with `/` separators. */
  name: string;
  /** Local path the entry is read from. */
  local: string;
}

/** Entries for a local file or folder: a folder contributes itself (unless `name` is empty) and everything under it. */
export function entriesFor(local: string, name: string): PackEntry[] {
  const out: PackEntry[] = [];
  const walk = (path: string, at: string) => {
    const st = lstatSync(path);
    if (at !== '') out.push({ name: at, local: path });
    if (st.isDirectory()) for (const child of readdirSync(path).sort()) walk(join(path, child), at === '' ? child : `${at}/${child}`);
  };
  walk(local, name);
  return out;
}

/** A tar stream of `entries`, owned by root (as `docker cp` does) with each file's mode kept. */
export function packTar(entries: readonly PackEntry[]): Readable {
  return Readable.from(packChunks(entries));
}

async function* packChunks(entries: readonly PackEntry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    const st = lstatSync(e.local);
    const mtime = Math.floor(st.mtimeMs / 1000);
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) {
      yield* header({ name: `${e.name}/`, type: '5', mode, size: 0, mtime });
    } else if (st.isSymbolicLink()) {
      yield* header({ name: e.name, type: '2', mode, size: 0, mtime, linkname: readlinkSync(e.local) });
    } else if (st.isFile()) {
      yield* header({ name: e.name, type: '0', mode, size: st.size, mtime });
      let written = 0;
      for await (const chunk of createReadStream(e.local)) {
        const b = chunk as Buffer;
        written += b.length;
        yield b;
      }
      if (written !== st.size) throw new Error(`${e.local} changed size while being uploaded`);
      const pad = (BLOCK - (st.size % BLOCK)) % BLOCK;
      if (pad > 0) yield Buffer.alloc(pad);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

interface HeaderFields {
  name: string;
  type: string;
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

/** One ustar header, preceded by a PAX header when a name does not fit in 100 bytes. */
function* header(h: HeaderFields): Generator<Buffer> {
  const long = Buffer.byteLength(h.name) > 100 || Buffer.byteLength(h.linkname ?? '') > 100;
  if (long) {
    const records = [paxRecord('path', h.name), ...(h.linkname ? [paxRecord('linkpath', h.linkname)] : [])].join('');
    const body = Buffer.from(records, 'utf8');
    yield ustar({ name: 'PaxHeader', type: 'x', mode: 0o644, size: body.length, mtime: h.mtime });
    yield body;
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield ustar({ ...h, name: truncate(h.name), linkname: h.linkname === undefined ? undefined : truncate(h.linkname) });
}

function truncate(s: string): string {
  return Buffer.from(s, 'utf8').subarray(0, 100).toString('utf8');
}

/** A PAX record is "<length> key=value\n" where length counts itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
  return `${len}${rest}`;
}

function ustar(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write('        ', 148, 8, 'ascii');
  b.write(h.type, 156, 1, 'ascii');
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'ascii');
  b.write('root', 265, 32, 'ascii');
  b.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return b;
}

function octal(b: Buffer, at: number, width: number, n: number): void {
  b.write(`${n.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'ascii');
}

/** An entry read from an archive. */
export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  size: number;
  linkname: string;
}

/** Reads exactly-sized pieces from a stream of chunks. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  private readonly it: AsyncIterator<unknown>;

  constructor(source: AsyncIterable<unknown>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
        this.buffered.push(chunk);
        this.length += chunk.length;
      }
    }
    return this.length >= n;
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Exactly n bytes, or undefined at a clean end of stream. */
  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) {
      if (this.length === 0) return undefined;
      throw new Error('the archive ended in the middle of an entry');
    }
    return this.take(n);
  }

  /** n bytes as chunks, without holding them all in memory. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.length === 0 && !(await this.fill(1))) throw new Error('the archive ended in the middle of a file');
      const piece = this.take(Math.min(left, this.length));
      left -= piece.length;
      yield piece;
    }
  }

  /** Reads and drops whatever follows the end of the archive, so the connection it came over can close. */
  async drain(): Promise<void> {
    this.buffered = [];
    this.length = 0;
    while (!this.done) if ((await this.it.next()).done) this.done = true;
  }

  async skip(n: number): Promise<void> {
    for await (const piece of this.stream(n)) void piece;
  }
}

/**
 * Walks an archive: `onEntry` gets each entry and the entry's content (files only) and must consume it or return
 * without touching it (the rest is skipped).
 */
export async function readTar(
  source: AsyncIterable<unknown>,
  onEntry: (entry: TarEntry, content: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const r = new ChunkReader(source);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const h = await r.read(BLOCK);
    if (!h || h.every((b) => b === 0)) {
      await r.drain();
      return;
    }
    const size = parseNumber(h.subarray(124, 136));
    const type = String.fromCharCode(h[156] || 0x30);
    const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const body = (await r.read(padded)) ?? Buffer.alloc(0);
      const text = body.subarray(0, size).toString('utf8');
      if (type === 'x') pax = parsePax(text);
      else if (type === 'L') longName = text.replace(/\0+$/, '');
      else if (type === 'K') longLink = text.replace(/\0+$/, '');
      continue;
    }
    const prefix = cString(h.subarray(345, 500));
    const shortName = cString(h.subarray(0, 100));
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const linkname = pax.linkpath ?? longLink ?? cString(h.subarray(157, 257));
    const entrySize = pax.size !== undefined ? Number(pax.size) : size;
    const entryPadded = entrySize + ((BLOCK - (entrySize % BLOCK)) % BLOCK);
    pax = {};
    longName = longLink = undefined;
    const kind: TarEntry['type'] = type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '2' ? 'symlink' : 'other';
    const entry: TarEntry = { name, type: kind, mode: parseNumber(h.subarray(100, 108)) & 0o7777, size: entrySize, linkname };
    let consumed = 0;
    const content = async function* (): AsyncGenerator<Buffer> {
      for await (const piece of r.stream(entrySize)) {
        consumed += piece.length;
        yield piece;
      }
    };
    await onEntry(entry, kind === 'file' ? content() : (async function* () {})());
    await r.skip(entryPadded - consumed);
  }
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8');
}

/** Octal text, or GNU's base-256 for big numbers. */
function parseNumber(b: Buffer): number {
  if (b[0] & 0x80) {
    let n = b[0] & 0x7f;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i];
    return n;
  }
  const s = cString(b).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    if (space <= 0) break;
    const len = Number(rest.subarray(0, space).toString('ascii'));
    if (!Number.isFinite(len) || len <= 0) break;
    const record = rest.subarray(space + 1, len).toString('utf8').replace(/\n$/, '');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    rest = rest.subarray(len);
  }
  return out;
}

/**
 * Unpacks an archive under `into`, dropping the first `strip` path components; refuses entries that would land
 * outside `into`. Returns how many entries were written.
 */
export async function extractTar(source: AsyncIterable<unknown>, into: string, strip = 0): Promise<number> {
  const root = resolve(into);
  let count = 0;
  await readTar(source, async (entry, content) => {
    const parts = posix.normalize(entry.name).split('/').filter((p) => p !== '' && p !== '.');
    const kept = parts.slice(strip);
    if (kept.length === 0) {
      if (entry.type === 'directory') mkdirSync(root, { recursive: true });
      return;
    }
    if (kept.includes('..')) throw new Error(`refusing to write ${entry.name}: it points outside the destination`);
    const target = join(root, ...kept);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`refusing to write ${entry.name} outside ${root}`);
    mkdirSync(dirname(target), { recursive: true });
    if (entry.type === 'directory') {
      mkdirSync(target, { recursive: true });
      chmodSync(target, entry.mode || 0o755);
    } else if (entry.type === 'symlink') {
      symlinkSync(entry.linkname, target);
    } else if (entry.type === 'file') {
      await writeContent(content, target, entry.mode || 0o644);
    } else return;
    count++;
  });
  return count;
}

/** Writes a stream of chunks to a file, honouring back-pressure. */
export async function writeContent(content: AsyncIterable<Buffer>, path: string, mode: number): Promise<void> {
  const out = createWriteStream(path, { mode });
  try {
    for await (const piece of content) {
      if (!out.write(piece)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  chmodSync(path, mode);
}

/**
 * Every tar Bakehouse reads or writes: the Docker archive API's uploads and downloads, the compress post-processor's
 * archives, Vagrant boxes and OVAs. tar-stream does the format (ustar, PAX and GNU long names, base-256 sizes); this
 * module says which files go in, with whose owner and times, and where what comes out may land.
 */
import { chmodSync, closeSync, createReadStream, createWriteStream, lstatSync, mkdirSync, openSync, readSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, posix, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, pack, type Header, type Pack } from 'tar-stream';

type EntryHeader = Parameters<Pack['entry']>[0];

export interface PackEntry {
  /** Path inside the archive, with `/` separators. */
  name: string;
  /** Local path the entry is read from. */
  local: string;
}

/**
 * How entries are written. `docker cp` makes root the owner, keeps times and stores symlinks as links; Packer's own
 * archives (compress, Vagrant boxes, OVAs) keep each file's owner, zero its time and follow links.
 */
export interface PackStyle {
  owner: 'root' | 'file';
  times: 'kept' | 'zero';
  links: 'kept' | 'followed';
}

export const DOCKER_CP: PackStyle = { owner: 'root', times: 'kept', links: 'kept' };
const PACKER_ARCHIVE: PackStyle = { owner: 'file', times: 'zero', links: 'followed' };

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

/** Packer's own archives: each file under its base name, in the order given. */
export function packFlat(files: readonly string[]): Readable {
  return packTar(
    files.map((f) => ({ name: basename(f), local: f })),
    PACKER_ARCHIVE,
  );
}

/** A tar stream of `entries`; a file that changes size while it is read fails the stream. */
export function packTar(entries: readonly PackEntry[], style: PackStyle): Readable {
  const tar = pack();
  void (async () => {
    for (const e of entries) await addEntry(tar, e, style);
    tar.finalize();
  })().catch((err: unknown) => tar.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.from(tar);
}

async function addEntry(tar: Pack, e: PackEntry, style: PackStyle): Promise<void> {
  const st = style.links === 'kept' ? lstatSync(e.local) : statSync(e.local);
  const header: EntryHeader = {
    name: e.name,
    mode: st.mode & 0o7777,
    mtime: new Date(style.times === 'kept' ? Math.floor(st.mtimeMs / 1000) * 1000 : 0),
    ...(style.owner === 'root' ? { uid: 0, gid: 0, uname: 'root', gname: 'root' } : { uid: st.uid, gid: st.gid, uname: userName(st.uid), gname: groupName(st.gid, st.uid) }),
  };
  // GNU tar and `docker cp` end a folder's name with a slash; tar-stream leaves names as given.
  if (st.isDirectory()) return entryDone(tar, { ...header, name: `${e.name}/`, type: 'directory' });
  if (st.isSymbolicLink()) return entryDone(tar, { ...header, type: 'symlink', linkname: readlinkSync(e.local) });
  if (!st.isFile()) return;
  // The header already holds the size: a file that grows or shrinks meanwhile fails the archive with its name.
  const changed = () => new Error(`${e.local} changed size while being archived`);
  let seen = 0;
  const exactly = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > st.size) done(changed());
      else done(null, chunk);
    },
    flush(done) {
      done(seen === st.size ? null : changed());
    },
  });
  await pipeline(createReadStream(e.local), exactly, tar.entry({ ...header, type: 'file', size: st.size }));
}

function entryDone(tar: Pack, header: EntryHeader): Promise<void> {
  return new Promise((ok, fail) => tar.entry(header, (err) => (err ? fail(err) : ok())));
}

function userName(uid: number): string {
  if (uid === 0) return 'root';
  try {
    const me = userInfo();
    return me.uid === uid ? me.username : '';
  } catch {
    return '';
  }
}

function groupName(gid: number, uid: number): string {
  return gid === 0 ? 'root' : gid === uid ? userName(uid) : '';
}

/** An entry read from an archive. */
export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  size: number;
  linkname: string;
}

const KINDS: Partial<Record<Header['type'], TarEntry['type']>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
};

/**
 * Walks an archive: `onEntry` gets each entry and its content (empty but for files) and may consume it or return
 * without touching it (the rest is skipped). The whole source is read, so a connection it came over can close.
 */
export async function readTar(source: AsyncIterable<unknown>, onEntry: (entry: TarEntry, content: AsyncIterable<Buffer>) => Promise<void>): Promise<void> {
  const tar = extract();
  const feeding = pipeline(source, tar);
  try {
    for await (const body of tar) {
      const h = body.header;
      const entry: TarEntry = { name: h.name, type: KINDS[h.type] ?? 'other', mode: h.mode & 0o7777, size: h.size, linkname: h.linkname ?? '' };
      await onEntry(entry, buffers(body));
      body.resume();
    }
  } catch (e) {
    tar.destroy();
    await feeding.catch(() => undefined);
    throw e;
  }
  await feeding;
}

/** tar-stream's entries are streamx streams, typed as yielding `unknown`; they yield Buffers in Node. */
async function* buffers(body: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}

/** A tar file as a stream, gunzipped when it is compressed (boxes usually are). */
export function openTar(path: string, signal?: AbortSignal): Readable {
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  const file = createReadStream(path, { signal });
  if (head[0] !== 0x1f || head[1] !== 0x8b) return file;
  const gunzip = createGunzip();
  file.on('error', (e) => gunzip.destroy(e));
  return file.pipe(gunzip);
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

/** Unpacks the regular files of an archive flat into `dir` (folders inside are ignored, as Packer does for OVAs). */
export async function extractFlat(source: AsyncIterable<unknown>, dir: string): Promise<string[]> {
  const written: string[] = [];
  await readTar(source, async (entry, content) => {
    if (entry.type !== 'file') return;
    const target = join(dir, basename(entry.name));
    written.push(target);
    await writeContent(content, target, entry.mode & 0o777 || 0o644);
  });
  return written;
}

/** Writes a stream of chunks to a new file with `mode`, honouring back-pressure. */
export async function writeContent(content: AsyncIterable<Buffer>, path: string, mode: number): Promise<void> {
  await pipeline(content, createWriteStream(path, { mode }));
  chmodSync(path, mode);
}

/**
 * The cache's index: one small JSON file per entry under `<data>/cache/entries/`, named by its key. An entry is written
 * only after its image was committed, and it appears whole or not at all (written aside, then hard-linked into place:
 * the link fails if another build claimed the key first), so a killed build or two builds at once never leave a half
 * or doubled entry. One file per entry means concurrent builds never rewrite each other's index.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSalt } from './key';

export interface CacheEntry {
  key: string;
  /** The committed image's id (`sha256:…`), or the path of a disk snapshot file (qemu: disk-snapshots.ts). */
  image: string;
  /** Where it is tagged, so `docker images` shows it and nothing prunes it as dangling (a disk snapshot: its path). */
  tag: string;
  /** The provisioner it is the result of: its place (1-based), type and name. */
  step: number;
  type: string;
  name?: string;
  /** The build it was made by (`docker.app`), for `cache ls`. */
  build: string;
  /** The key it builds on (the entry before it, or the build's base key). */
  parent: string;
  /** Milliseconds since the epoch. */
  created: number;
  lastUsed: number;
}

/** The cache's folder in a data folder. */
export function cacheDir(dataDir: string): string {
  return join(dataDir, 'cache');
}

export class CacheStore {
  readonly entriesDir: string;
  readonly pendingDir: string;

  constructor(readonly dir: string) {
    this.entriesDir = join(dir, 'entries');
    this.pendingDir = join(dir, 'pending');
  }

  salt(): Buffer {
    return readSalt(this.dir);
  }

  get(key: string): CacheEntry | undefined {
    return parseEntry(this.path(key));
  }

  /** Records an entry unless one with its key exists; false means another build got there first. */
  claim(entry: CacheEntry): boolean {
    mkdirSync(this.entriesDir, { recursive: true, mode: 0o700 });
    const aside = this.asidePath(entry.key);
    writeFileSync(aside, JSON.stringify(entry), { mode: 0o600 });
    try {
      linkSync(aside, this.path(entry.key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      rmSync(aside, { force: true });
    }
  }

  /** Marks an entry used now (prune by size drops the least recently used first). */
  touch(key: string, now = Date.now()): void {
    const entry = this.get(key);
    if (!entry) return;
    const aside = this.asidePath(key);
    writeFileSync(aside, JSON.stringify({ ...entry, lastUsed: now }), { mode: 0o600 });
    renameSync(aside, this.path(key));
  }

  /**
   * Notes, before a commit, the tag it will make, so a build killed between the commit and its entry leaves a note
   * saying which image is this data folder's to remove (other data folders share the daemon's CACHE_REPOSITORY).
   */
  markPending(tag: string): void {
    mkdirSync(this.pendingDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.pendingDir, tag), '', { mode: 0o600 });
  }

  clearPending(tag: string): void {
    rmSync(join(this.pendingDir, tag), { force: true });
  }

  /** Tags noted by markPending and not cleared, with when they were noted (ms since the epoch). */
  pending(): Array<{ tag: string; noted: number }> {
    let names: string[];
    try {
      names = readdirSync(this.pendingDir);
    } catch {
      return [];
    }
    return names.flatMap((tag) => {
      try {
        return [{ tag, noted: statSync(join(this.pendingDir, tag)).mtimeMs }];
      } catch {
        return [];
      }
    });
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true });
  }

  /** Every entry, oldest first; files that are not whole entries (never written by us) are skipped. */
  list(): CacheEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.entriesDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
      .flatMap((n) => parseEntry(join(this.entriesDir, n)) ?? [])
      .sort((a, b) => a.created - b.created);
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`Not a cache key: ${key}`);
    return join(this.entriesDir, `${key}.json`);
  }

  private asidePath(key: string): string {
    return join(this.entriesDir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
  }
}

function parseEntry(path: string): CacheEntry | undefined {
  try {
    const e = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheEntry>;
    if (typeof e.key !== 'string' || typeof e.image !== 'string' || typeof e.tag !== 'string' || typeof e.created !== 'number') return undefined;
    return { lastUsed: e.created, step: 0, type: '', build: '', parent: '', ...e } as CacheEntry;
  } catch {
    return undefined;
  }
}

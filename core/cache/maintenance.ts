/**
 * `bakehouse cache ls` and `prune`, and the size cap a build enforces when it ends: the index (store.ts) joined with
 * what the image store holds. Removing an entry removes its tag; the image itself goes once nothing builds on it, so
 * entries are removed newest first and a prune never leaves an untagged leaf (a dangling image) behind.
 */
import { existsSync } from 'node:fs';
import { CACHE_REPOSITORY } from './build-cache';
import { removeDiskSnapshotsNamed } from './disk-snapshots';
import type { CacheEntry, CacheStore } from './store';
import { selectForPrune, type PrunePolicy } from './prune';

/** The images behind the cache (docker: core/builders/docker/cache-images.ts). */
export interface CacheImages {
  /** Each image's own size in bytes (its layer, without what it builds on); images that are gone are absent. */
  sizes(images: readonly string[]): Promise<Map<string, number>>;
  /** Removes a tag; `in-use` when a container (a running build) still uses the image. */
  removeTag(tag: string): Promise<'removed' | 'in-use' | 'gone'>;
  /** Every tag in CACHE_REPOSITORY with the cache folder its commit comment names (CACHE_COMMENT_PREFIX). */
  tags(): Promise<Array<{ tag: string; folder?: string }>>;
}

export interface CacheListing extends CacheEntry {
  /** Bytes; undefined when its image is gone (the next build or prune drops the entry). */
  size?: number;
}

export async function listCache(store: CacheStore, images: CacheImages): Promise<CacheListing[]> {
  const entries = store.list();
  const sizes = await images.sizes(entries.map((e) => e.image));
  return entries.map((e) => ({ ...e, size: sizes.get(e.image) }));
}

export interface PruneOutcome {
  removed: CacheEntry[];
  /** Entries kept because a running build uses their image. */
  inUse: CacheEntry[];
  /** Tags a killed build committed but never recorded, removed. */
  orphans: number;
  /** Images of cache folders that no longer exist (a deleted data folder), removed. */
  abandoned: number;
  freedBytes: number;
}

/** A pending note this young may be a running build's save, between its commit and its record. */
const ORPHAN_GRACE_MS = 60_000;

export async function pruneCache(store: CacheStore, images: CacheImages, policy: PrunePolicy, now = Date.now()): Promise<PruneOutcome> {
  const listed = await listCache(store, images);
  const sizes = new Map(listed.map((e) => [e.key, e.size ?? 0]));
  const chosen = selectForPrune(listed, policy, sizes, now).sort((a, b) => b.created - a.created);
  const out: PruneOutcome = { removed: [], inUse: [], orphans: 0, abandoned: 0, freedBytes: 0 };
  for (const e of chosen) {
    const r = await images.removeTag(e.tag);
    if (r === 'in-use') {
      out.inUse.push(e);
      continue;
    }
    store.remove(e.key);
    out.removed.push(e);
    out.freedBytes += sizes.get(e.key) ?? 0;
  }
  for (const p of store.pending()) {
    if (now - p.noted < ORPHAN_GRACE_MS) continue;
    // A killed build's half-copied disk snapshot, or its committed image: the pending tag names either.
    out.orphans += removeDiskSnapshotsNamed(store.dir, p.tag);
    const r = await images.removeTag(`${CACHE_REPOSITORY}:${p.tag}`);
    if (r === 'in-use') continue;
    if (r === 'removed') out.orphans++;
    store.clearPending(p.tag);
  }
  // Newest first, as above: a child goes before the image it builds on, so nothing is left untagged.
  for (const t of (await images.tags()).reverse()) {
    if (t.folder === undefined || existsSync(t.folder)) continue;
    if ((await images.removeTag(t.tag)) === 'removed') out.abandoned++;
  }
  return out;
}

/** Which cache entries a prune removes: all, those older than a duration, and the least recently used past a size cap. */
import type { CacheEntry } from './store';

export interface PrunePolicy {
  all?: boolean;
  /** Remove entries made more than this many milliseconds ago. */
  olderThanMs?: number;
  /** Then remove the least recently used until the rest fit (0 or absent: no cap). */
  maxBytes?: number;
}

/** `sizes`: each entry's own size in bytes by key (its layer, not its base image's). */
export function selectForPrune(entries: readonly CacheEntry[], policy: PrunePolicy, sizes: ReadonlyMap<string, number>, now = Date.now()): CacheEntry[] {
  if (policy.all) return [...entries];
  const out = new Set<CacheEntry>();
  if (policy.olderThanMs !== undefined) for (const e of entries) if (now - e.created > policy.olderThanMs) out.add(e);
  if (policy.maxBytes && policy.maxBytes > 0) {
    const kept = entries.filter((e) => !out.has(e)).sort((a, b) => a.lastUsed - b.lastUsed);
    let total = kept.reduce((s, e) => s + (sizes.get(e.key) ?? 0), 0);
    for (const e of kept) {
      if (total <= policy.maxBytes) break;
      out.add(e);
      total -= sizes.get(e.key) ?? 0;
    }
  }
  return entries.filter((e) => out.has(e));
}

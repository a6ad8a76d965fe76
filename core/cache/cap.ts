/** The settings' size cap (`cacheMaxMb`), enforced after each build by the CLI and the app alike. */
import type { CacheImages, PruneOutcome } from './maintenance';
import { pruneCache } from './maintenance';
import { cacheDir, CacheStore } from './store';

/** Prunes the least recently used entries past `capMb` megabytes; nothing when the cap is 0 (none). */
export async function enforceCacheCap(dataDir: string, capMb: number, images: CacheImages): Promise<PruneOutcome | undefined> {
  if (capMb <= 0) return undefined;
  return pruneCache(new CacheStore(cacheDir(dataDir)), images, { maxBytes: capMb * 1024 * 1024 });
}

/**
 * Cache entries that are disk files rather than Docker images: a QEMU build keeps the machine's disk after each cached
 * step as a standalone file under `<cache>/snapshots/` (core/builders/qemu/cache.ts). Their entry's `image` and `tag` are
 * the file's path, which is how `cache ls`/`prune` tell them from images and remove them with a plain unlink: a file
 * never has a child that depends on it, since every snapshot is a full copy rather than an overlay.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CacheImages } from './maintenance';

/** Where a cache folder keeps its disk snapshots. */
export function snapshotsDir(cacheFolder: string): string {
  return join(cacheFolder, 'snapshots');
}

/** Where the machine's memory saved with the snapshot `disk` is kept (core/builders/qemu/memory-state.ts): beside it. */
export function memoryStateOf(disk: string): string {
  return `${disk}.memory`;
}

/** A docker tag is `repo:tag`; a disk snapshot is named by its absolute path. */
export function isDiskSnapshot(tagOrImage: string): boolean {
  return isAbsolute(tagOrImage);
}

/** Removes the files a killed build left for the pending tag `tag` (KEY-RAND.FORMAT). */
export function removeDiskSnapshotsNamed(cacheFolder: string, tag: string): number {
  const dir = snapshotsDir(cacheFolder);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const found = names.filter((n) => n.startsWith(`${tag}.`));
  for (const n of found) rmSync(join(dir, n), { force: true });
  return found.length;
}

/** The disk files behind entries: their size on disk (blocks actually used: snapshots are sparse) and removing them. */
export const diskSnapshotImages: CacheImages = {
  async sizes(images) {
    const out = new Map<string, number>();
    for (const path of images) {
      try {
        let size = statSync(path).blocks * 512;
        try {
          size += statSync(memoryStateOf(path)).blocks * 512;
        } catch {
          // Saved without the machine's memory.
        }
        out.set(path, size);
      } catch {
        // Gone: absent, as CacheImages says.
      }
    }
    return out;
  },
  async removeTag(path) {
    try {
      statSync(path);
    } catch {
      return 'gone';
    }
    // A running build only ever copies a snapshot before booting, so removing one under it never breaks that build.
    rmSync(memoryStateOf(path), { force: true });
    rmSync(path, { force: true });
    return 'removed';
  },
  async tags() {
    return [];
  },
};

/** Docker images and disk snapshots behind one CacheImages, routed by each entry's name; Docker is asked only when needed. */
export function cacheImagesOf(docker: () => Promise<CacheImages>): CacheImages {
  let loaded: Promise<CacheImages> | undefined;
  const images = (): Promise<CacheImages> => (loaded ??= docker());
  return {
    async sizes(ids) {
      const files = ids.filter(isDiskSnapshot);
      const others = ids.filter((i) => !isDiskSnapshot(i));
      const out = await diskSnapshotImages.sizes(files);
      if (others.length > 0) for (const [k, v] of await (await images()).sizes(others)) out.set(k, v);
      return out;
    },
    async removeTag(tag) {
      return isDiskSnapshot(tag) ? diskSnapshotImages.removeTag(tag) : (await images()).removeTag(tag);
    },
    async tags() {
      try {
        return await (await images()).tags();
      } catch (e) {
        // No Docker daemon here (a QEMU-only machine): there are no cache images to look for.
        if (['ECONNREFUSED', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '')) return [];
        throw e;
      }
    },
  };
}

/** The build cache's images in the Docker daemon, for `bakehouse cache ls` and `prune` (core/cache/maintenance.ts). */
import { CACHE_COMMENT_PREFIX, CACHE_REPOSITORY } from '../../cache/build-cache';
import type { CacheImages } from '../../cache/maintenance';
import { statusOf, type DockerDriver } from './driver';

export function dockerCacheImages(driver: DockerDriver): CacheImages {
  return {
    async sizes(images) {
      const out = new Map<string, number>();
      for (const id of images) {
        try {
          const info = await driver.docker.getImage(id).inspect();
          let parentSize = 0;
          if (info.Parent) parentSize = (await driver.docker.getImage(info.Parent).inspect().catch(() => ({ Size: 0 }))).Size;
          out.set(id, Math.max(0, info.Size - parentSize));
        } catch (e) {
          if (statusOf(e) !== 404) throw e;
        }
      }
      return out;
    },
    async tags() {
      // Oldest first (the daemon lists newest first).
      const list = (await driver.docker.listImages({ filters: JSON.stringify({ reference: [`${CACHE_REPOSITORY}:*`] }) })).sort((a, b) => a.Created - b.Created);
      const out: Array<{ tag: string; folder?: string }> = [];
      for (const image of list) {
        const comment = await driver.docker
          .getImage(image.Id)
          .inspect()
          .then((i) => i.Comment, () => '');
        const folder = comment.startsWith(CACHE_COMMENT_PREFIX) ? comment.slice(CACHE_COMMENT_PREFIX.length) : undefined;
        for (const tag of image.RepoTags ?? []) if (tag.startsWith(`${CACHE_REPOSITORY}:`)) out.push({ tag, ...(folder ? { folder } : {}) });
      }
      return out;
    },
    async removeTag(tag) {
      try {
        // Not forced: an image a running build's container uses stays, and its entry with it.
        await driver.docker.getImage(tag).remove();
        return 'removed';
      } catch (e) {
        if (statusOf(e) === 404) return 'gone';
        if (statusOf(e) === 409) return 'in-use';
        throw e;
      }
    },
  };
}

/**
 * The docker builder's side of the build cache (core/cache): after the pull, find the longest cached prefix of the
 * provisioners and start the container from its image; after each cacheable provisioner, commit the container as a
 * local image tagged in CACHE_REPOSITORY (a tag, not a label: a label would be inherited by the image the build makes).
 */
import { CACHE_COMMENT_PREFIX, CACHE_REPOSITORY, type Snapshots } from '../../cache/build-cache';
import type { Plain } from '../../template/values/value';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import type { DockerDriver } from './driver';
import type { DockerState, DockerStepDeps } from './state';

/** Fields that only decide what happens to the finished container, so changing them keeps the cache. */
const OUTPUT_FIELDS = new Set(['commit', 'discard', 'export_path', 'changes', 'author', 'message']);

/** The builder config that goes into the base key: everything but the output fields. */
export function cacheableBuilderConfig(config: Record<string, Plain>): Record<string, Plain> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !OUTPUT_FIELDS.has(k)));
}

export function cacheLookupStep({ cfg, driver }: DockerStepDeps, builderConfig: Record<string, Plain>): Step<DockerState> {
  return {
    name: 'StepCacheLookup',
    async run(state, ctx) {
      const cache = state.cache;
      if (!cache) return CONTINUE;
      let digest: string;
      try {
        digest = await driver.imageId(cfg.run.image);
      } catch (e) {
        return halt(`Error inspecting the image ${cfg.run.image}: ${driver.describe(e)}`);
      }
      const plan = await cache.plan(digest, cacheableBuilderConfig(builderConfig), snapshotsOf(driver, state, cache.folder));
      if (plan.image) {
        state.startImage = plan.image;
        ctx.ui.message(`Build cache: steps 1 to ${plan.hits} are cached; starting from ${plan.image.slice(0, 19)}`);
      } else if (cache.resume) ctx.ui.say('Nothing cached to resume from: building from the start');
      return CONTINUE;
    },
  };
}

function snapshotsOf(driver: DockerDriver, state: DockerState, cacheFolder: string): Snapshots {
  return {
    async save(tag, signal) {
      if (!state.containerId) throw new Error('No container to commit.');
      // pause (the default) so the snapshot is a consistent filesystem, as docker commit does.
      // The comment names the cache folder: it stays with this image alone (children do not inherit it), so a prune from
      // any data folder can tell the images of a folder that was deleted.
      const comment = `${CACHE_COMMENT_PREFIX}${cacheFolder}`;
      const res = (await driver.docker.getContainer(state.containerId).commit({ repo: CACHE_REPOSITORY, tag, comment, abortSignal: signal })) as { Id: string };
      return { image: res.Id, tag: `${CACHE_REPOSITORY}:${tag}` };
    },
    exists: (image) => driver.imageExists(image),
    async discard(tag) {
      await driver.docker.getImage(`${CACHE_REPOSITORY}:${tag}`).remove();
    },
  };
}

/** What the docker builder and the docker post-processors produce: an image in the daemon, or an exported tar file. */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Artifact } from '../../engine/artifact';
import type { DockerDriver } from './driver';

export const DOCKER_BUILDER_ID = 'packer.docker';
/** Packer gives a committed image the docker-import post-processor's id, so docker-tag/push/save accept both alike. */
export const DOCKER_IMPORT_ID = 'packer.post-processor.docker-import';
export const DOCKER_TAG_ID = 'packer.post-processor.docker-tag';
export const DOCKER_SAVE_ID = 'packer.post-processor.docker-save';
export const ARTIFICE_ID = 'packer.post-processor.artifice';

/** An image known to the daemon by id or `repository:tag`; destroying it removes the image. */
export function imageArtifact(driver: DockerDriver, id: string, builderId: string, state: Record<string, unknown> = {}): Artifact {
  return {
    id,
    builderId,
    files: [],
    text: describeImage(id, state),
    state,
    destroy: () => driver.removeImage(id),
  };
}

/** The container's filesystem exported to a tar file (or nothing, when the container was discarded); `path` as written, relative to `cwd`. */
export function exportArtifact(path: string, cwd: string, state: Record<string, unknown> = {}): Artifact {
  return {
    id: path,
    builderId: DOCKER_BUILDER_ID,
    files: path === '' ? [] : [path],
    text: `Exported Docker file: ${path}`,
    state,
    async destroy() {
      if (path !== '') await rm(resolve(cwd, path), { force: true });
    },
  };
}

/** Packer's ImportArtifact.String(): the id, and the tags when docker-tag or docker-push made some. */
function describeImage(id: string, state: Record<string, unknown>): string {
  const tags = Array.isArray(state.docker_tags) ? state.docker_tags.filter((t): t is string => typeof t === 'string') : [];
  return tags.length > 0 ? `Imported Docker image: ${id} with tags ${tags.join(' ')}` : `Imported Docker image: ${id}`;
}

/**
 * Packer's googlecompute artifact (builder/googlecompute/artifact.go): the image, named by its name, builder id
 * `packer.googlecompute`, no files, "A disk image was created in the 'PROJECT' project: NAME". Unlike the AMI or the
 * managed image, Packer's Destroy deletes the image, and so does this one's.
 */
import type { Artifact } from '../../engine/artifact';

export const GOOGLECOMPUTE_BUILDER_ID = 'packer.googlecompute';

export function googlecomputeArtifact(image: { name: string; projectId: string }, destroy: () => Promise<void>, state: Record<string, unknown>): Artifact {
  return {
    id: image.name,
    builderId: GOOGLECOMPUTE_BUILDER_ID,
    files: [],
    text: `A disk image was created in the '${image.projectId}' project: ${image.name}`,
    state,
    destroy,
  };
}

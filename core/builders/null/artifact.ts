/** The null builder makes no machine image; Packer still reports an artifact with these fixed values. */
import type { Artifact } from '../../engine/artifact';

export const NULL_BUILDER_ID = 'fnoeding.null';

export function nullArtifact(): Artifact {
  return { id: 'Null', builderId: NULL_BUILDER_ID, files: [], text: 'Did not export anything. This is the null builder', state: {} };
}

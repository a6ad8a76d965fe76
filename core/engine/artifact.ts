/** What a build or post-processor produced: Packer's Artifact (id, builder id, files, a description, state, destroy). */
import type { ArtifactSummary } from './events';

export interface Artifact {
  id: string;
  /** Which plugin made it, in Packer's spelling (`fnoeding.null`, `packer.post-processor.checksum`). */
  builderId: string;
  files: string[];
  /** Packer's `String()`: one line shown after "Builds finished". */
  text: string;
  state: Record<string, unknown>;
  /** Removes what the artifact holds; absent when there is nothing to remove. */
  destroy?(): Promise<void>;
}

export function summarizeArtifact(a: Artifact): ArtifactSummary {
  return { id: a.id, builderId: a.builderId, files: [...a.files], text: a.text, state: { ...a.state } };
}

/** An artifact made of local files (artifice, checksum, compress): destroying it deletes them. */
/** Relative `files` are relative to `cwd` (the build's working directory), as written in the template. */
export function fileArtifact(builderId: string, files: string[], text: string, cwd: string, id = ''): Artifact {
  return {
    id,
    builderId,
    files,
    text,
    state: {},
    async destroy() {
      const { rm } = await import('node:fs/promises');
      const { resolve } = await import('node:path');
      for (const f of files) await rm(resolve(cwd, f), { force: true, recursive: true });
    },
  };
}

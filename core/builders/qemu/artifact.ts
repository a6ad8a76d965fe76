/** The qemu builder's artifact: the files in output_directory, with Packer's builder id and text. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from '../../engine/artifact';

export const QEMU_BUILDER_ID = 'transcend.qemu';

export function qemuArtifact(o: { outputDir: string; shownDir: string; vmName: string; format: string; diskSize: string; accelerator: string; generated: Record<string, string> }): Artifact {
  let files: string[] = [];
  try {
    files = readdirSync(o.outputDir).sort().map((f) => join(o.shownDir, f));
  } catch {
    // No folder, no files.
  }
  return {
    id: 'VM',
    builderId: QEMU_BUILDER_ID,
    files,
    text: `VM files in directory: ${o.shownDir}`,
    state: { generated_data: { ...o.generated }, diskName: o.vmName, diskType: o.format, diskSize: o.diskSize, domainType: o.accelerator },
    async destroy() {
      rmSync(o.outputDir, { recursive: true, force: true });
    },
  };
}

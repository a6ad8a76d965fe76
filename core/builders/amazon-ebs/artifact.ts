/** Packer's amazon-ebs artifact: an AMI in each region, shown as `region:ami-id` pairs; destroying it deregisters them. */
import type { Artifact } from '../../engine/artifact';
import type { Ec2Driver } from './driver';
import { destroyAmi } from './ami';

export const AMAZON_EBS_BUILDER_ID = 'mitchellh.amazonebs';

/** `builderId`: Packer's awscommon.Artifact carries its maker's id (amazon-import's is its own). */
export function amiArtifact(amis: Record<string, string>, driver: Ec2Driver | undefined, state: Record<string, unknown>, builderId = AMAZON_EBS_BUILDER_ID): Artifact {
  const pairs = Object.entries(amis);
  return {
    // Packer sorts both its id and its text, so the same AMIs always read the same.
    id: pairs.map(([region, id]) => `${region}:${id}`).sort().join(','),
    builderId,
    files: [],
    text: `AMIs were created:\n${pairs.map(([region, id]) => `${region}: ${id}`).sort().join('\n')}\n`,
    state,
    async destroy() {
      if (!driver) return;
      for (const [region, id] of pairs) {
        // Packer's DestroyAMIs deletes the snapshots too.
        const r = await destroyAmi(await driver.forRegion(region), id, true);
        if (!r.ok) throw new Error(r.error);
      }
    },
  };
}

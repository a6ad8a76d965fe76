/** Finding and removing AMIs with their snapshots: force_deregister, a failed build's cleanup and the artifact's destroy share it. */
import type { Image } from '@aws-sdk/client-ec2';
import { err, ok, type Result } from '../../common/result';
import { RUN_ID_TAG, type Ec2Driver } from './driver';

/** The account's own AMIs named `name` (Packer's force_deregister looks only at the caller's own images). */
export async function amisNamed(ec2: Ec2Driver, name: string): Promise<Result<Image[]>> {
  try {
    const r = await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }));
    return ok(r.Images ?? []);
  } catch (e) {
    return err(`Error querying AMI: ${ec2.describe(e)}`);
  }
}

/** The AMIs named `name` that this run made: more than one only when a CreateImage whose reply was lost was retried. */
export async function amisOfRunNamed(ec2: Ec2Driver, name: string, runId: string): Promise<Result<string[]>> {
  const r = await amisNamed(ec2, name);
  if (!r.ok) return r;
  return ok(r.value.filter((i) => i.Tags?.some((t) => t.Key === RUN_ID_TAG && t.Value === runId)).flatMap((i) => (i.ImageId ? [i.ImageId] : [])));
}

export function snapshotsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
}

/** Deregisters the AMI and, when asked, deletes the snapshots it was registered with (read before deregistering). */
export async function destroyAmi(ec2: Ec2Driver, imageId: string, deleteSnapshots: boolean, say?: (text: string) => void): Promise<Result> {
  try {
    const found = await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: [imageId] }));
    const image = found.Images?.[0];
    if (!image) return ok();
    await ec2.client.send(new ec2.sdk.DeregisterImageCommand({ ImageId: imageId }));
    say?.(`Deregistered AMI ${image.Name ?? ''}, id: ${imageId}`);
    if (!deleteSnapshots) return ok();
    for (const snapshot of snapshotsOf(image)) {
      await ec2.client.send(new ec2.sdk.DeleteSnapshotCommand({ SnapshotId: snapshot }));
      say?.(`Deleted snapshot: ${snapshot}`);
    }
    return ok();
  } catch (e) {
    if (ec2.sdk && /NotFound/.test(String((e as { name?: unknown }).name))) return ok();
    return err(`Error deregistering AMI ${imageId}: ${ec2.describe(e)}`);
  }
}

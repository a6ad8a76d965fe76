/**
 * Finds what crashed or killed amazon-ebs runs left in a region, for `bakehouse cleanup`: everything a build creates
 * carries the run's `bakehouse:run-id` tag (the instance also its build's name), so instances, volumes, snapshots, AMIs,
 * security groups and key pairs are found by that tag. An AMI is the build's output once its build finished it: the
 * builder's last step tags it (and its snapshots) `bakehouse:completed`, and such an AMI is never a leftover; neither
 * is one whose run this data folder's run log shows finished without a failure. Whether a run may still be going is
 * read from its run log here (`core/cloud/run-liveness.ts`).
 */
import type { Filter, Image } from '@aws-sdk/client-ec2';
import { err, ok, type Result } from '../../common/result';
import { liveness, runRecords } from '../../cloud/run-liveness';
import { destroyAmi, snapshotsOf } from './ami';
import { BUILD_TAG, COMPLETED_TAG, Ec2Driver, RUN_ID_TAG } from './driver';

/** The order they are removed in: what uses a thing goes before it (instances before their volumes and groups). */
export const AWS_LEFTOVER_KINDS = ['instance', 'ami', 'volume', 'snapshot', 'security-group', 'key-pair'] as const;
export type AwsLeftoverKind = (typeof AWS_LEFTOVER_KINDS)[number];

export interface AwsLeftover {
  kind: AwsLeftoverKind;
  id: string;
  /** A name the user knows it by (key pair and group names, an AMI's name), when it has one. */
  name?: string;
  /** Its state as EC2 reports it (running, available, in-use), when it has one. */
  state?: string;
  region: string;
  runId: string;
  /** The build that made it, when it says (instances do). */
  build?: string;
  /** Whether the run that made it may still be using it (its process is alive here, or no run log here knows it). */
  maybeInUse: boolean;
  why: string;
}

function tag(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Every leftover in the driver's region, of one run or of all; an AWS error is one line naming where credentials came from. */
export async function findAwsLeftovers(ec2: Ec2Driver, opts: { runId?: string; dataDir: string }): Promise<Result<AwsLeftover[]>> {
  const ofRuns: Filter = opts.runId ? { Name: `tag:${RUN_ID_TAG}`, Values: [opts.runId] } : { Name: 'tag-key', Values: [RUN_ID_TAG] };
  const found: Omit<AwsLeftover, 'maybeInUse' | 'why'>[] = [];
  const region = ec2.region;
  const { sdk, client } = ec2;
  let images: Image[];
  try {
    const reservations = (await client.send(new sdk.DescribeInstancesCommand({ Filters: [ofRuns, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }] }))).Reservations ?? [];
    for (const i of reservations.flatMap((r) => r.Instances ?? [])) {
      const build = tag(i.Tags, BUILD_TAG);
      found.push({ kind: 'instance', id: i.InstanceId ?? '', state: i.State?.Name, region, runId: tag(i.Tags, RUN_ID_TAG) ?? '', ...(build ? { build } : {}) });
    }
    images = (await client.send(new sdk.DescribeImagesCommand({ Owners: ['self'], Filters: [ofRuns] }))).Images ?? [];
    const volumes = (await client.send(new sdk.DescribeVolumesCommand({ Filters: [ofRuns] }))).Volumes ?? [];
    for (const v of volumes) found.push({ kind: 'volume', id: v.VolumeId ?? '', state: v.State, region, runId: tag(v.Tags, RUN_ID_TAG) ?? '' });
    const snapshots = (await client.send(new sdk.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [ofRuns] }))).Snapshots ?? [];
    const groups = (await client.send(new sdk.DescribeSecurityGroupsCommand({ Filters: [ofRuns] }))).SecurityGroups ?? [];
    const keyPairs = (await client.send(new sdk.DescribeKeyPairsCommand({ Filters: [ofRuns] }))).KeyPairs ?? [];
    const recordOf = runRecords(opts.dataDir);
    // An AMI a build finished is its output; so are the snapshots behind it.
    const kept = images.filter((i) => tag(i.Tags, COMPLETED_TAG) !== undefined || recordOf(tag(i.Tags, RUN_ID_TAG) ?? '')?.succeeded === true);
    const keptSnapshots = new Set(kept.flatMap(snapshotsOf));
    for (const i of images) {
      if (kept.includes(i)) continue;
      found.push({ kind: 'ami', id: i.ImageId ?? '', ...(i.Name ? { name: i.Name } : {}), state: i.State, region, runId: tag(i.Tags, RUN_ID_TAG) ?? '' });
    }
    for (const s of snapshots) {
      if (keptSnapshots.has(s.SnapshotId ?? '') || tag(s.Tags, COMPLETED_TAG) !== undefined) continue;
      found.push({ kind: 'snapshot', id: s.SnapshotId ?? '', state: s.State, region, runId: tag(s.Tags, RUN_ID_TAG) ?? '' });
    }
    for (const g of groups) found.push({ kind: 'security-group', id: g.GroupId ?? '', ...(g.GroupName ? { name: g.GroupName } : {}), region, runId: tag(g.Tags, RUN_ID_TAG) ?? '' });
    for (const k of keyPairs) found.push({ kind: 'key-pair', id: k.KeyPairId ?? k.KeyName ?? '', ...(k.KeyName ? { name: k.KeyName } : {}), region, runId: tag(k.Tags, RUN_ID_TAG) ?? '' });
    const order = (l: { kind: AwsLeftoverKind }) => AWS_LEFTOVER_KINDS.indexOf(l.kind);
    return ok(found.sort((a, b) => order(a) - order(b)).map((l) => ({ ...l, ...liveness(recordOf(l.runId)) })));
  } catch (e) {
    return err(`could not list what runs left in ${region}: ${ec2.describe(e)}`);
  }
}

/** How a leftover reads in the sweep's report: `instance i-0abc (running; build amazon-ebs, run 1234…) in us-west-2`. */
export function describeAwsLeftover(l: AwsLeftover): string {
  const label = l.kind === 'ami' ? 'AMI' : l.kind.replace('-', ' ');
  const what = l.name && l.name !== l.id ? `${l.id} "${l.name}"` : l.id;
  const about = [l.state, l.build ? `build ${l.build}` : undefined, `run ${l.runId}`].filter((x) => x !== undefined && x !== '').join('; ');
  return `${label} ${what} (${about}) in ${l.region}`;
}

/**
 * Removes one leftover. An instance is terminated and waited for, so its volumes and group can go next; an AMI is
 * deregistered with the snapshots it was registered with; a group still held by a terminating instance is retried.
 */
export async function removeAwsLeftover(ec2: Ec2Driver, l: AwsLeftover, signal: AbortSignal, env: Record<string, string | undefined>): Promise<Result> {
  const { sdk, client } = ec2;
  try {
    switch (l.kind) {
      case 'instance': {
        await client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [l.id] }));
        return await ec2.poll(
          `instance ${l.id} to terminate`,
          async () => {
            const r = await client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [l.id] }));
            return ok((r.Reservations ?? []).flatMap((x) => x.Instances ?? []).every((i) => i.State?.Name === 'terminated'));
          },
          signal,
          env,
        );
      }
      case 'ami':
        return await destroyAmi(ec2, l.id, true);
      case 'volume':
        await client.send(new sdk.DeleteVolumeCommand({ VolumeId: l.id }));
        return ok();
      case 'snapshot':
        await client.send(new sdk.DeleteSnapshotCommand({ SnapshotId: l.id }));
        return ok();
      case 'security-group':
        for (let attempt = 1; ; attempt++) {
          try {
            await client.send(new sdk.DeleteSecurityGroupCommand({ GroupId: l.id }));
            return ok();
          } catch (e) {
            if (Ec2Driver.code(e) !== 'DependencyViolation' || attempt >= 30 || signal.aborted) throw e;
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      case 'key-pair':
        await client.send(new sdk.DeleteKeyPairCommand(l.name ? { KeyName: l.name } : { KeyPairId: l.id }));
        return ok();
    }
  } catch (e) {
    // Gone already (removed with its instance or AMI): nothing left to remove.
    if (/NotFound/.test(Ec2Driver.code(e))) return ok();
    return err(ec2.describe(e));
  }
}

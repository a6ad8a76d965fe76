/**
 * StepRunSourceInstance: launches the build instance from the source AMI with the key pair, security groups, block
 * devices, user data, instance profile and tags, and waits until it runs. Its tracked resource terminates it — found by
 * the run's tag when RunInstances half-failed — and waits for the termination so the security group can go next.
 */
import { randomUUID } from 'node:crypto';
import type { BlockDeviceMapping, Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { BuildInfo } from '../../engine/plugin';
import { afterGrace } from '../../engine/retry';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { BUILD_TAG, CREATE_GRACE_MS, type Ec2Driver, runFilter, tagList } from './driver';
import type { AmazonEbsConfig, BlockDevice } from './read-config';
import type { AmazonEbsState, AmazonEbsStepDeps } from './state';

/** Packer's BlockDevices.BuildEC2BlockDeviceMappings: one mapping per device, EBS unless it names an instance store or none. */
export function blockDeviceMappings(devices: BlockDevice[]): BlockDeviceMapping[] {
  return devices.map((d) => {
    if (d.noDevice) return { DeviceName: d.deviceName, NoDevice: '' };
    if (d.virtualName?.startsWith('ephemeral')) return { DeviceName: d.deviceName, VirtualName: d.virtualName };
    return {
      DeviceName: d.deviceName,
      Ebs: {
        DeleteOnTermination: d.deleteOnTermination,
        ...(d.volumeType ? { VolumeType: d.volumeType as NonNullable<BlockDeviceMapping['Ebs']>['VolumeType'] } : {}),
        ...(d.volumeSize !== undefined ? { VolumeSize: d.volumeSize } : {}),
        ...(d.iops !== undefined ? { Iops: d.iops } : {}),
        ...(d.throughput !== undefined ? { Throughput: d.throughput } : {}),
        ...(d.snapshotId ? { SnapshotId: d.snapshotId } : {}),
        ...(d.encrypted !== undefined ? { Encrypted: d.encrypted } : {}),
        ...(d.kmsKeyId ? { KmsKeyId: d.kmsKeyId } : {}),
      },
    };
  });
}

function runInput(cfg: AmazonEbsConfig, state: AmazonEbsState, build: BuildInfo, clientToken: string): RunInstancesCommandInput {
  const groups = state.securityGroupIds ?? [];
  // Packer names the instance "Packer Builder" unless run_tags gives a Name.
  const instanceTags = tagList({ Name: 'Packer Builder', ...cfg.runTags, [BUILD_TAG]: build.name }, build.runId);
  const network: Partial<RunInstancesCommandInput> =
    cfg.associatePublicIpAddress !== undefined
      ? {
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              AssociatePublicIpAddress: cfg.associatePublicIpAddress,
              DeleteOnTermination: true,
              Groups: groups,
              ...(cfg.subnetId ? { SubnetId: cfg.subnetId } : {}),
            },
          ],
        }
      : { SecurityGroupIds: groups, ...(cfg.subnetId ? { SubnetId: cfg.subnetId } : {}) };
  return {
    ImageId: state.sourceImage?.id,
    InstanceType: cfg.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    // One token for every attempt the SDK makes, so EC2 launches once however often a lost reply is retried.
    ClientToken: clientToken,
    ...(state.keyPair ? { KeyName: state.keyPair.name } : {}),
    ...(cfg.userData ? { UserData: Buffer.from(cfg.userData).toString('base64') } : {}),
    ...(cfg.iamInstanceProfile ? { IamInstanceProfile: { Name: cfg.iamInstanceProfile } } : {}),
    ...(cfg.availabilityZone ? { Placement: { AvailabilityZone: cfg.availabilityZone } } : {}),
    ...(cfg.launchBlockDevices.length > 0 ? { BlockDeviceMappings: blockDeviceMappings(cfg.launchBlockDevices) } : {}),
    InstanceInitiatedShutdownBehavior: cfg.shutdownBehavior,
    EbsOptimized: cfg.ebsOptimized,
    TagSpecifications: [
      { ResourceType: 'instance', Tags: instanceTags },
      { ResourceType: 'volume', Tags: tagList(cfg.runVolumeTags, build.runId) },
    ],
    ...network,
  };
}

export function runSourceInstanceStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepRunSourceInstance',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2 || !state.sourceImage) return halt('No source AMI to launch.');
      ctx.ui.say('Launching a source AWS instance...');
      const launched = ctx.track({
        description: `EC2 instance of run ${build.runId} in ${ec2.region}`,
        howToRemove: `aws ec2 terminate-instances --region ${ec2.region} --instance-ids $(aws ec2 describe-instances --region ${ec2.region} --filters Name=tag:bakehouse:run-id,Values=${build.runId} --query 'Reservations[].Instances[].InstanceId' --output text)`,
        async remove(c) {
          // By tag as well as by id: a RunInstances whose reply was lost may have launched one the build never heard of
          // (an endpoint that ignores ClientToken launches again on the retry).
          const known = state.instance?.InstanceId ? [state.instance.InstanceId] : [];
          const ids = [...new Set([...known, ...(await instancesOfBuild(ec2, build))])];
          if (ids.length === 0) return;
          c.ui.say('Terminating the source AWS instance...');
          await ec2.client.send(new ec2.sdk.TerminateInstancesCommand({ InstanceIds: ids }));
          const r = await ec2.poll('the instance to terminate', async () => ok(await allInState(ec2, ids, 'terminated')), c.signal, build.env);
          if (!r.ok && !c.signal.aborted) throw new Error(`Error waiting for instance to terminate: ${r.error}`);
        },
      });
      let id: string;
      try {
        // A cancel lets it finish (see StepKeyPair): EC2 would launch the instance after we stopped listening.
        const r = await ec2.client.send(new ec2.sdk.RunInstancesCommand(runInput(cfg, state, build, randomUUID())), { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) });
        const instance = r.Instances?.[0];
        if (!instance?.InstanceId) return halt('Error launching source instance: EC2 returned no instance');
        state.instance = instance;
        id = instance.InstanceId;
        launched.created(id);
      } catch (e) {
        return halt(ctx.signal.aborted ? CANCELLED : `Error launching source instance: ${ec2.describe(e)}`);
      }
      state.instanceId = id;
      ctx.ui.message(`Instance ID: ${id}`);
      ctx.ui.say(`Waiting for instance (${id}) to become ready...`);
      const ready = await ec2.poll(
        `instance ${id} to run`,
        async () => {
          try {
            const d = await ec2.client.send(new ec2.sdk.DescribeInstancesCommand({ InstanceIds: [id] }), { abortSignal: ctx.signal });
            const now = d.Reservations?.[0]?.Instances?.[0];
            if (!now) return ok(false);
            state.instance = now;
            const name = now.State?.Name;
            if (name === 'terminated' || name === 'stopped' || name === 'shutting-down') {
              return err(`instance entered state ${name}${now.StateReason?.Message ? `: ${now.StateReason.Message}` : ''}`);
            }
            return ok(name === 'running');
          } catch (e) {
            // Eventual consistency: a just-launched instance may not be described yet.
            if (/InvalidInstanceID\.NotFound/.test(String((e as { name?: unknown }).name))) return ok(false);
            return err(ec2.describe(e));
          }
        },
        ctx.signal,
        build.env,
      );
      if (!ready.ok) return halt(ctx.signal.aborted ? CANCELLED : `Error waiting for instance (${id}) to become ready: ${ready.error}`);
      const i = state.instance;
      if (i?.PublicDnsName) ctx.ui.message(`Public DNS: ${i.PublicDnsName}`);
      if (i?.PublicIpAddress) ctx.ui.message(`Public IP: ${i.PublicIpAddress}`);
      if (i?.PrivateIpAddress) ctx.ui.message(`Private IP: ${i.PrivateIpAddress}`);
      return CONTINUE;
    },
  };
}

async function instancesOfBuild(ec2: Ec2Driver, build: BuildInfo): Promise<string[]> {
  const r = await ec2.client.send(
    new ec2.sdk.DescribeInstancesCommand({
      Filters: [runFilter(build.runId), { Name: `tag:${BUILD_TAG}`, Values: [build.name] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
    }),
  );
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
}

async function allInState(ec2: Ec2Driver, ids: string[], want: string): Promise<boolean> {
  const r = await ec2.client.send(new ec2.sdk.DescribeInstancesCommand({ InstanceIds: ids }));
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []).every((i) => i.State?.Name === want);
}

/** Packer's SSHHost: the address ssh_interface names, else in a VPC the public then private IP, else the public DNS name. */
export async function instanceAddress(ec2: Ec2Driver, state: AmazonEbsState, via: AmazonEbsConfig['sshInterface'], signal: AbortSignal): Promise<Result<string>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const i: Instance | undefined = state.instance;
    let host = '';
    if (i) {
      if (via === 'public_ip') host = i.PublicIpAddress ?? '';
      else if (via === 'private_ip') host = i.PrivateIpAddress ?? '';
      else if (via === 'public_dns') host = i.PublicDnsName ?? '';
      else if (via === 'private_dns') host = i.PrivateDnsName ?? '';
      else if (i.VpcId) host = i.PublicIpAddress || i.PrivateIpAddress || '';
      else host = i.PublicDnsName ?? '';
    }
    if (host !== '') return ok(host);
    // Packer describes the instance once more: an address may arrive after "running".
    try {
      const d = await ec2.client.send(new ec2.sdk.DescribeInstancesCommand({ InstanceIds: [i?.InstanceId ?? ''] }), { abortSignal: signal });
      state.instance = d.Reservations?.[0]?.Instances?.[0] ?? i;
    } catch (e) {
      return err(`Error refreshing the instance's addresses: ${ec2.describe(e)}`);
    }
  }
  return err("couldn't determine address for instance");
}

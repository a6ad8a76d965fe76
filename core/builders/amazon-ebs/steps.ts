/**
 * The amazon-ebs builder's steps, in Packer's order (packer-plugin-amazon builder/ebs/builder.go): prevalidate, find the
 * source AMI, key pair, security group, launch the instance, connect, provision, stop it, force-deregister, create the
 * AMI, copy it to ami_regions, share it, tag it. Steps pass data only through AmazonEbsState; each thing a step creates
 * in AWS is a tracked resource registered before the create call (found again by name or by the run's tag if the call
 * half-failed), and that resource is its one cleanup path.
 */
import { randomUUID } from 'node:crypto';
import type { Image } from '@aws-sdk/client-ec2';
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { afterGrace } from '../../engine/retry';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { filteredImage } from '../../cloud/aws/ami-filter';
import { amisNamed, destroyAmi } from './ami';
import { amiRegionCopyStep, createAmiStep, createTagsStep, modifyAmiAttributesStep } from './create-ami';
import { CREATE_GRACE_MS, Ec2Driver, tagList } from './driver';
import { runSourceInstanceStep, instanceAddress } from './run-instance';
import type { AmazonEbsState, AmazonEbsStepDeps } from './state';

export function amazonEbsSteps(deps: AmazonEbsStepDeps, provision: Step<BuildState>): Step<AmazonEbsState>[] {
  const steps: Step<AmazonEbsState>[] = [
    preValidateStep(deps),
    sourceAmiInfoStep(deps),
    keyPairStep(deps),
    securityGroupStep(deps),
    runSourceInstanceStep(deps),
    connectStep(deps),
    provision,
    stopInstanceStep(deps),
  ];
  if (deps.cfg.skipCreateAmi) return steps;
  return [...steps, deregisterAmiStep(deps), createAmiStep(deps), amiRegionCopyStep(deps), modifyAmiAttributesStep(deps), createTagsStep(deps)];
}

/** A failed AWS call as a halt; a call cut short by a cancel halts as cancelled. */
function failed(ctx: StepContext, what: string, ec2: Ec2Driver, e: unknown) {
  return halt(ctx.signal.aborted ? CANCELLED : `${what}: ${ec2.describe(e)}`);
}

/** StepPreValidate: makes the client, checks the regions exist and that ami_name is free (unless force_deregister). */
function preValidateStep({ cfg, build, bound }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepPreValidate',
    async run(state, ctx) {
      const made = await Ec2Driver.create(cfg.access, build.env, bound);
      if (!made.ok) return halt(made.error);
      const ec2 = made.value;
      state.ec2 = ec2;
      ctx.ui.message(`Using AWS credentials from ${ec2.credentialsFrom}`);
      if (!cfg.access.skipRegionValidation) {
        try {
          const r = await ec2.client.send(new ec2.sdk.DescribeRegionsCommand({ AllRegions: true }), { abortSignal: ctx.signal });
          const known = new Set((r.Regions ?? []).map((x) => x.RegionName));
          const unknown = [ec2.region, ...cfg.amiRegions].filter((x) => !known.has(x));
          if (unknown.length > 0) return halt(`error validating regions: ${unknown.map((x) => `${x} is not a valid AWS region`).join('; ')} (set skip_region_validation to use it anyway)`);
        } catch (e) {
          return failed(ctx, 'error validating regions', ec2, e);
        }
      }
      if (cfg.forceDeregister) {
        ctx.ui.say('Force Deregister flag found, skipping prevalidating AMI Name');
        return CONTINUE;
      }
      if (cfg.skipCreateAmi) {
        ctx.ui.say('skip_create_ami was set; not prevalidating AMI name');
        return CONTINUE;
      }
      ctx.ui.say('Prevalidating any provided VPC information');
      if (cfg.vpcId !== '' && cfg.subnetId === '') {
        try {
          const r = await ec2.client.send(new ec2.sdk.DescribeVpcsCommand({ VpcIds: [cfg.vpcId] }), { abortSignal: ctx.signal });
          if (!r.Vpcs?.[0]?.IsDefault) return halt(`Error: subnet_id or subnet_filter must be provided for non-default VPCs (${cfg.vpcId})`);
        } catch (e) {
          return failed(ctx, `Error retrieving VPC information for vpc_id ${cfg.vpcId}`, ec2, e);
        }
      }
      ctx.ui.say(`Prevalidating AMI Name: ${cfg.amiName}`);
      const existing = await amisNamed(ec2, cfg.amiName);
      if (!existing.ok) return halt(existing.error);
      const first = existing.value[0];
      if (first) return halt(`Error: AMI Name: '${first.Name ?? ''}' is used by an existing AMI: ${first.ImageId ?? ''}`);
      return CONTINUE;
    },
  };
}

/** StepSourceAMIInfo: source_ami, or the one image source_ami_filter finds (the newest with most_recent). */
function sourceAmiInfoStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepSourceAMIInfo',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2) return halt('No EC2 client.');
      const source = cfg.source;
      let image: Image;
      if ('ami' in source) {
        let images: Image[];
        try {
          images = (await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: [source.ami] }), { abortSignal: ctx.signal })).Images ?? [];
        } catch (e) {
          return failed(ctx, 'Error querying AMI', ec2, e);
        }
        if (images.length === 0) return halt(`No AMI was found matching filters: {ImageIds: [${source.ami}]}`);
        image = images[0] as Image;
      } else {
        // Packer's source_ami_filter is the amazon-ami data source's lookup (GetFilteredImage); this schema has no include_deprecated.
        const found = await filteredImage(ec2.sdk, ec2.client, { ...source, includeDeprecated: false }, ec2.credentialsFrom, ctx.signal);
        if (!found.ok) return halt(ctx.signal.aborted ? CANCELLED : found.error);
        image = found.value;
      }
      ctx.ui.message(`Found Image ID: ${image.ImageId ?? ''}`);
      if ((cfg.enaSupport || cfg.sriovSupport) && image.VirtualizationType !== 'hvm') {
        return halt(`Cannot enable enhanced networking, source AMI '${image.ImageId ?? ''}' is not HVM`);
      }
      state.sourceImage = {
        id: image.ImageId ?? '',
        name: image.Name ?? '',
        ownerId: image.OwnerId ?? '',
        virtualizationType: image.VirtualizationType ?? '',
        rootDeviceName: image.RootDeviceName ?? '',
      };
      // Packer's StepSetGeneratedData: build.SourceAMI and friends for provisioners and post-processors.
      Object.assign(state.generated, {
        SourceAMI: state.sourceImage.id,
        SourceAMIName: state.sourceImage.name,
        SourceAMIOwner: state.sourceImage.ownerId,
        SourceAMICreationDate: image.CreationDate ?? '',
        BuildRegion: ec2.region,
        PackerRunUUID: build.runId,
      });
      return CONTINUE;
    },
  };
}

/** StepKeyPair: the template's key pair and key file, or a temporary key pair EC2 makes (its private half kept in memory only). */
function keyPairStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepKeyPair',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2) return halt('No EC2 client.');
      if (cfg.ssh.keyPairName) {
        ctx.ui.say(cfg.ssh.privateKeyFile ? 'Using existing SSH private key' : `Using SSH Agent for existing key pair ${cfg.ssh.keyPairName}`);
        state.keyPair = { name: cfg.ssh.keyPairName };
        return CONTINUE;
      }
      if (cfg.ssh.privateKeyFile || cfg.ssh.password || cfg.ssh.agentAuth) {
        ctx.ui.say(cfg.ssh.privateKeyFile ? 'Using existing SSH private key' : 'Not using temporary keypair');
        return CONTINUE;
      }
      const name = `packer_${randomUUID()}`;
      ctx.ui.say(`Creating temporary keypair: ${name}`);
      const keyPair = ctx.track({
        description: `EC2 key pair ${name} in ${ec2.region}`,
        howToRemove: `aws ec2 delete-key-pair --region ${ec2.region} --key-name ${name}`,
        async remove(c) {
          c.ui.say('Deleting temporary keypair...');
          await ec2.client.send(new ec2.sdk.DeleteKeyPairCommand({ KeyName: name }));
        },
      });
      try {
        // A cancel lets a create call finish (within CREATE_GRACE_MS): EC2 would finish it after we stopped listening, after our cleanup ran.
        const r = await ec2.client.send(
          new ec2.sdk.CreateKeyPairCommand({
            KeyName: name,
            KeyType: cfg.ssh.keyPairType === 'ed25519' ? 'ed25519' : 'rsa',
            TagSpecifications: [{ ResourceType: 'key-pair', Tags: tagList({}, build.runId) }],
          }),
          { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) },
        );
        keyPair.created(r.KeyPairId ?? name);
        if (ctx.signal.aborted) return halt(CANCELLED);
        if (!r.KeyMaterial) return halt('Error creating temporary keypair: EC2 returned no key material');
        state.keyPair = { name, privateKey: r.KeyMaterial };
      } catch (e) {
        return failed(ctx, 'Error creating temporary keypair', ec2, e);
      }
      return CONTINUE;
    },
  };
}

/** StepSecurityGroup: the template's groups, or a temporary one open on the SSH port to temporary_security_group_source_cidrs. */
function securityGroupStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepSecurityGroup',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2) return halt('No EC2 client.');
      if (cfg.securityGroupIds.length > 0) {
        state.securityGroupIds = cfg.securityGroupIds;
        return CONTINUE;
      }
      const name = `packer_${randomUUID()}`;
      ctx.ui.say(`Creating temporary security group for this instance: ${name}`);
      const vpc = cfg.vpcId ? [{ Name: 'vpc-id', Values: [cfg.vpcId] }] : [];
      const group = ctx.track({
        description: `EC2 security group ${name} in ${ec2.region}`,
        howToRemove: `aws ec2 delete-security-group --region ${ec2.region} --group-id <the id of ${name}>`,
        async remove(c) {
          // Found by name: the id is unknown when CreateSecurityGroup half-failed.
          const found = await ec2.client.send(new ec2.sdk.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }, ...vpc] }));
          const groups = found.SecurityGroups ?? [];
          if (groups.length === 0) return;
          c.ui.say('Deleting temporary security group...');
          for (const g of groups) await deleteGroupWhenFree(ec2, g.GroupId ?? '', c.signal);
        },
      });
      let groupId: string;
      try {
        const r = await ec2.client.send(
          new ec2.sdk.CreateSecurityGroupCommand({
            GroupName: name,
            Description: 'Temporary group for Packer',
            ...(cfg.vpcId ? { VpcId: cfg.vpcId } : {}),
            TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList({}, build.runId) }],
          }),
          { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) },
        );
        groupId = r.GroupId ?? '';
        group.created(groupId);
        if (ctx.signal.aborted) return halt(CANCELLED);
      } catch (e) {
        return failed(ctx, 'Error creating temporary security group', ec2, e);
      }
      const port = cfg.ssh.port;
      ctx.ui.say(`Authorizing access to port ${port} from [${cfg.temporarySecurityGroupSourceCidrs.join(' ')}] in the temporary security groups...`);
      try {
        await ec2.client.send(
          new ec2.sdk.AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: cfg.temporarySecurityGroupSourceCidrs.map((CidrIp) => ({ CidrIp })) }],
          }),
          { abortSignal: ctx.signal },
        );
      } catch (e) {
        return failed(ctx, 'Error authorizing temporary security group', ec2, e);
      }
      state.securityGroupIds = [groupId];
      return CONTINUE;
    },
  };
}

/** A group still used by a terminating instance cannot be deleted yet: Packer retries DependencyViolation for a while too. */
async function deleteGroupWhenFree(ec2: Ec2Driver, groupId: string, signal: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ec2.client.send(new ec2.sdk.DeleteSecurityGroupCommand({ GroupId: groupId }));
      return;
    } catch (e) {
      if (Ec2Driver.code(e) !== 'DependencyViolation' || attempt >= 30 || signal.aborted) throw e;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** StepConnect: SSH to the instance's address (ssh_host, else by ssh_interface as Packer's SSHHost), with the key pair's key. */
function connectStep({ cfg }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2 || !state.instance) return halt('No instance to connect to.');
      let host = cfg.ssh.host;
      if (host === '') {
        const found = await instanceAddress(ec2, state, cfg.sshInterface, ctx.signal);
        if (!found.ok) return halt(found.error);
        host = found.value;
      }
      inner = waitForSshStep(
        { ...cfg.ssh, host, ...(state.keyPair?.privateKey ? { privateKey: state.keyPair.privateKey } : {}) },
        state.keyPair?.privateKey ? { temporaryKeyComment: state.keyPair.name } : {},
      );
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}

/** StepStopEBSBackedInstance: stop the instance (unless disable_stop_instance: then wait for a provisioner to stop it). */
function stopInstanceStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepStopEBSBackedInstance',
    async run(state, ctx) {
      const ec2 = state.ec2;
      const id = state.instance?.InstanceId;
      if (!ec2 || !id) return halt('No instance to stop.');
      if (!cfg.disableStopInstance) {
        ctx.ui.say('Stopping the source instance...');
        try {
          await ec2.client.send(new ec2.sdk.StopInstancesCommand({ InstanceIds: [id] }), { abortSignal: ctx.signal });
        } catch (e) {
          return failed(ctx, 'Error stopping instance', ec2, e);
        }
      } else {
        ctx.ui.say('Automatic instance stop disabled. Please stop instance manually.');
      }
      ctx.ui.say('Waiting for the instance to stop...');
      const r = await ec2.poll(
        `instance ${id} to stop`,
        async () => {
          try {
            const d = await ec2.client.send(new ec2.sdk.DescribeInstancesCommand({ InstanceIds: [id] }), { abortSignal: ctx.signal });
            return { ok: true, value: d.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'stopped' };
          } catch (e) {
            return { ok: false, error: ec2.describe(e) };
          }
        },
        ctx.signal,
        build.env,
      );
      return r.ok ? CONTINUE : halt(ctx.signal.aborted ? CANCELLED : `Error waiting for instance to stop: ${r.error}`);
    },
  };
}

/** StepDeregisterAMI: with force_deregister, removes the account's AMIs already named ami_name (and their snapshots with force_delete_snapshot). */
function deregisterAmiStep({ cfg }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepDeregisterAMI',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2 || !cfg.forceDeregister) return CONTINUE;
      for (const region of [ec2.region, ...cfg.amiRegions.filter((r) => r !== ec2.region)]) {
        const regional = await ec2.forRegion(region);
        const found = await amisNamed(regional, cfg.amiName);
        if (!found.ok) return halt(found.error);
        for (const image of found.value) {
          const r = await destroyAmi(regional, image.ImageId ?? '', cfg.forceDeleteSnapshot, (t) => ctx.ui.say(t));
          if (!r.ok) return halt(r.error);
        }
      }
      return CONTINUE;
    },
  };
}


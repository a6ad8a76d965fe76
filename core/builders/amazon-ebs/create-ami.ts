/**
 * The AMI's steps, after the instance has stopped: stepCreateAMI (CreateImage, wait until available), StepAMIRegionCopy
 * (ami_regions, and the encrypted copy encrypt_boot asks for), StepModifyAMIAttributes (ami_users/ami_groups/
 * ami_product_codes, snapshot_users/snapshot_groups) and StepCreateTags (tags, snapshot_tags). An AMI is a tracked
 * resource removed — with its snapshots — only when the build failed or was cancelled: on success it is the artifact.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { afterGrace } from '../../engine/retry';
import { CONTINUE, halt, type Resource, type Step, type StepContext } from '../../engine/steps';
import { amisNamed, amisOfRunNamed, destroyAmi, snapshotsOf } from './ami';
import { COMPLETED_TAG, CREATE_GRACE_MS, Ec2Driver, tagList } from './driver';
import { blockDeviceMappings } from './run-instance';
import type { AmazonEbsState, AmazonEbsStepDeps } from './state';

/**
 * The AMI named `name` in ec2's region, removed with its snapshots only if the build did not succeed: the one whose id
 * the build knows, any other of that name this run made (a retried call's), or — when the create half-failed and no id
 * is known — whatever carries the name.
 */
function amiResource(ec2: Ec2Driver, name: string, runId: string, known: () => string | undefined): Resource {
  return {
    description: `AMI ${name} and its snapshots in ${ec2.region} (kept when the build succeeds)`,
    howToRemove: `aws ec2 deregister-image --region ${ec2.region} --image-id <the id of ${name}>, then delete its snapshots`,
    async remove(c) {
      if (!c.halted && !c.cancelled) return 'kept';
      const id = known();
      const named = id ? await amisOfRunNamed(ec2, name, runId) : await amisNamed(ec2, name).then((r) => (r.ok ? ok(r.value.map((i) => i.ImageId ?? '')) : r));
      const ids = [...new Set([...(id ? [id] : []), ...(named.ok ? named.value : [])])].filter((x) => x !== '');
      if (ids.length === 0) return;
      c.ui.say('Deregistering the AMI and deleting associated snapshots because of cancellation, or error...');
      for (const imageId of ids) {
        const r = await destroyAmi(ec2, imageId, true);
        if (!r.ok) throw new Error(r.error);
      }
    },
  };
}

/**
 * A CreateImage whose reply was lost is retried by the SDK: EC2 then refuses the name (InvalidAMIName.Duplicate) though
 * the image is this run's, and an endpoint that does not check names makes a second one. Either way one image of the
 * run is kept — the one the call answered with, else the one already there — and any other is deregistered.
 */
async function settleRetriedCreate(ec2: Ec2Driver, name: string, runId: string, answered: string | undefined, ctx: StepContext): Promise<Result<string | undefined>> {
  const ours = await amisOfRunNamed(ec2, name, runId);
  if (!ours.ok) return ours;
  const keep = answered ?? ours.value[0];
  for (const extra of ours.value.filter((x) => x !== keep)) {
    ctx.ui.message(`Deregistering AMI ${extra}, made by a CreateImage call whose reply was lost`);
    const r = await destroyAmi(ec2, extra, true);
    if (!r.ok) return r;
  }
  return ok(keep);
}

/** Polls DescribeImages until the image is available; a failed image halts with AWS's reason. */
async function waitAvailable(ec2: Ec2Driver, imageId: string, ctx: StepContext, env: Record<string, string | undefined>): Promise<{ ok: true; image: Image } | { ok: false; error: string }> {
  let image: Image | undefined;
  const r = await ec2.poll(
    `AMI ${imageId} to become available`,
    async () => {
      try {
        const d = await ec2.client.send(new ec2.sdk.DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal: ctx.signal });
        image = d.Images?.[0];
        if (image?.State === 'failed') return err(`AMI ${imageId} failed: ${image.StateReason?.Message ?? 'no reason given'}`);
        return ok(image?.State === 'available');
      } catch (e) {
        if (/InvalidAMIID\.NotFound/.test(String((e as { name?: unknown }).name))) return ok(false);
        return err(ec2.describe(e));
      }
    },
    ctx.signal,
    env,
  );
  if (!r.ok || !image) return { ok: false, error: ctx.signal.aborted ? CANCELLED : `Error waiting for AMI: ${r.ok ? 'not found' : r.error}` };
  return { ok: true, image };
}

export function createAmiStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepCreateAMI',
    async run(state, ctx) {
      const ec2 = state.ec2;
      const instanceId = state.instance?.InstanceId;
      if (!ec2 || !instanceId) return halt('No instance to create an AMI from.');
      ctx.ui.say(`Creating AMI ${cfg.amiName} from instance ${instanceId}`);
      let imageId: string | undefined;
      const ami = ctx.track(amiResource(ec2, cfg.amiName, build.runId, () => imageId));
      try {
        const r = await ec2.client.send(
          new ec2.sdk.CreateImageCommand({
            InstanceId: instanceId,
            Name: cfg.amiName,
            ...(cfg.amiDescription ? { Description: cfg.amiDescription } : {}),
            ...(cfg.amiBlockDevices.length > 0 ? { BlockDeviceMappings: blockDeviceMappings(cfg.amiBlockDevices) } : {}),
            // The snapshots are tagged once known (below): moto, unlike EC2, refuses snapshot tags here.
            TagSpecifications: [{ ResourceType: 'image', Tags: tagList({}, build.runId) }],
          }),
          // A cancel lets it finish (see StepKeyPair): EC2 would make the AMI after we stopped listening.
          { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) },
        );
        imageId = r.ImageId;
      } catch (e) {
        if (ctx.signal.aborted) return halt(CANCELLED);
        if (Ec2Driver.code(e) !== 'InvalidAMIName.Duplicate') return halt(`Error creating AMI: ${ec2.describe(e)}`);
        // Unless the image of that name is this run's own, made by the attempt whose reply was lost.
        const adopted = await settleRetriedCreate(ec2, cfg.amiName, build.runId, undefined, ctx);
        if (!adopted.ok || !adopted.value) return halt(`Error creating AMI: ${ec2.describe(e)}`);
        imageId = adopted.value;
      }
      if (!imageId) return halt('Error creating AMI: EC2 returned no image id');
      ami.created(imageId);
      const settled = await settleRetriedCreate(ec2, cfg.amiName, build.runId, imageId, ctx);
      if (!settled.ok) return halt(`Error creating AMI: ${settled.error}`);
      ctx.ui.message(`AMI: ${imageId}`);
      ctx.ui.say('Waiting for AMI to become ready...');
      const ready = await waitAvailable(ec2, imageId, ctx, build.env);
      if (!ready.ok) return halt(ready.error);
      const snapshots = snapshotsOf(ready.image);
      if (snapshots.length > 0) {
        try {
          await ec2.client.send(new ec2.sdk.CreateTagsCommand({ Resources: snapshots, Tags: tagList({}, build.runId) }), { abortSignal: ctx.signal });
        } catch (e) {
          return halt(ctx.signal.aborted ? CANCELLED : `Error tagging the AMI's snapshots: ${ec2.describe(e)}`);
        }
      }
      state.amis = { [ec2.region]: imageId };
      state.snapshots = { [ec2.region]: snapshots };
      return CONTINUE;
    },
  };
}

/** StepAMIRegionCopy: a copy in each of ami_regions (encrypted with that region's key when encrypt_boot is set). */
export function amiRegionCopyStep({ cfg, build }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepAMIRegionCopy',
    async run(state, ctx) {
      const ec2 = state.ec2;
      const source = ec2 ? state.amis?.[ec2.region] : undefined;
      if (!ec2 || !source) return halt('No AMI to copy.');
      const regions = cfg.amiRegions.filter((r) => r !== ec2.region);
      // Packer makes the encrypted AMI as a copy in the build region too, then removes the unencrypted original.
      const encryptHere = cfg.encryptBoot === true;
      if (encryptHere) regions.unshift(ec2.region);
      if (regions.length === 0) return CONTINUE;
      for (const region of regions) {
        ctx.ui.message(`Copying AMI (${source}) to region (${region})...`);
        const regional = await ec2.forRegion(region);
        let copyId: string | undefined;
        const copy = ctx.track(amiResource(regional, cfg.amiName, build.runId, () => copyId));
        const kmsKeyId = cfg.regionKmsKeyIds[region] || cfg.kmsKeyId;
        try {
          const r = await regional.client.send(
            new regional.sdk.CopyImageCommand({
              SourceImageId: source,
              SourceRegion: ec2.region,
              Name: cfg.amiName,
              ...(cfg.amiDescription ? { Description: cfg.amiDescription } : {}),
              ...(cfg.encryptBoot !== undefined ? { Encrypted: cfg.encryptBoot } : {}),
              ...(cfg.encryptBoot && kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
            }),
            { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) },
          );
          copyId = r.ImageId;
          if (!copyId) return halt(`Error Copying AMI (${source}) to region (${region}): EC2 returned no image id`);
          copy.created(copyId);
          await regional.client.send(new regional.sdk.CreateTagsCommand({ Resources: [copyId], Tags: tagList({}, build.runId) }), { abortSignal: ctx.signal });
        } catch (e) {
          return halt(ctx.signal.aborted ? CANCELLED : `Error Copying AMI (${source}) to region (${region}): ${regional.describe(e)}`);
        }
        const ready = await waitAvailable(regional, copyId, ctx, build.env);
        if (!ready.ok) return halt(ready.error);
        if (region === ec2.region) {
          const removed = await destroyAmi(ec2, source, true);
          if (!removed.ok) return halt(removed.error);
        }
        state.amis = { ...state.amis, [region]: copyId };
        state.snapshots = { ...state.snapshots, [region]: snapshotsOf(ready.image) };
      }
      return CONTINUE;
    },
  };
}

/** StepModifyAMIAttributes: who may launch the AMIs and create volumes from their snapshots. */
export function modifyAmiAttributesStep({ cfg }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepModifyAMIAttributes',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2) return halt('No EC2 client.');
      const launch = [...cfg.amiUsers.map((UserId) => ({ UserId })), ...cfg.amiGroups.map((Group) => ({ Group: Group as 'all' }))];
      const volume = [...cfg.snapshotUsers.map((UserId) => ({ UserId })), ...cfg.snapshotGroups.map((Group) => ({ Group: Group as 'all' }))];
      if (launch.length === 0 && volume.length === 0 && cfg.amiProductCodes.length === 0) return CONTINUE;
      for (const [region, imageId] of Object.entries(state.amis ?? {})) {
        const regional = await ec2.forRegion(region);
        ctx.ui.say(`Modifying attributes on AMI (${imageId})...`);
        try {
          if (launch.length > 0) {
            ctx.ui.message('Modifying: launchPermission');
            await regional.client.send(new regional.sdk.ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: launch } }), { abortSignal: ctx.signal });
          }
          if (cfg.amiProductCodes.length > 0) {
            ctx.ui.message('Modifying: productCodes');
            await regional.client.send(new regional.sdk.ModifyImageAttributeCommand({ ImageId: imageId, ProductCodes: cfg.amiProductCodes }), { abortSignal: ctx.signal });
          }
          if (volume.length > 0) {
            for (const snapshot of state.snapshots?.[region] ?? []) {
              ctx.ui.say(`Modifying attributes on snapshot (${snapshot})...`);
              await regional.client.send(new regional.sdk.ModifySnapshotAttributeCommand({ SnapshotId: snapshot, CreateVolumePermission: { Add: volume } }), { abortSignal: ctx.signal });
            }
          }
        } catch (e) {
          return halt(ctx.signal.aborted ? CANCELLED : `Error modify AMI attributes: ${regional.describe(e)}`);
        }
      }
      return CONTINUE;
    },
  };
}

/**
 * StepCreateTags: `tags` on each AMI, `snapshot_tags` on its snapshots; and on both the run's completion tag, which
 * tells `bakehouse cleanup` that this AMI is a finished build's output, not what a killed run left half-made.
 */
export function createTagsStep({ cfg }: AmazonEbsStepDeps): Step<AmazonEbsState> {
  return {
    name: 'StepCreateTags',
    async run(state, ctx) {
      const ec2 = state.ec2;
      if (!ec2) return halt('No EC2 client.');
      const amiTags = Object.entries(cfg.tags).map(([Key, Value]) => ({ Key, Value }));
      const snapshotTags = Object.entries(cfg.snapshotTags).map(([Key, Value]) => ({ Key, Value }));
      const completed = [{ Key: COMPLETED_TAG, Value: new Date().toISOString() }];
      for (const [region, imageId] of Object.entries(state.amis ?? {})) {
        const regional = await ec2.forRegion(region);
        const snapshots = state.snapshots?.[region] ?? [];
        if (amiTags.length > 0 || snapshotTags.length > 0) {
          ctx.ui.say(`Adding tags to AMI (${imageId})...`);
          for (const s of snapshots) ctx.ui.say(`Tagging snapshot: ${s}`);
        }
        try {
          if (amiTags.length > 0) {
            ctx.ui.say('Creating AMI tags');
            for (const t of amiTags) ctx.ui.message(`Adding tag: "${t.Key}": "${t.Value}"`);
            await regional.client.send(new regional.sdk.CreateTagsCommand({ Resources: [imageId], Tags: amiTags }), { abortSignal: ctx.signal });
          }
          if (snapshotTags.length > 0 && snapshots.length > 0) {
            ctx.ui.say('Creating snapshot tags');
            for (const t of snapshotTags) ctx.ui.message(`Adding tag: "${t.Key}": "${t.Value}"`);
            await regional.client.send(new regional.sdk.CreateTagsCommand({ Resources: snapshots, Tags: snapshotTags }), { abortSignal: ctx.signal });
          }
          await regional.client.send(new regional.sdk.CreateTagsCommand({ Resources: [imageId, ...snapshots], Tags: completed }), { abortSignal: ctx.signal });
        } catch (e) {
          return halt(ctx.signal.aborted ? CANCELLED : `Error adding tags to Resources (${[imageId, ...snapshots].join(', ')}): ${regional.describe(e)}`);
        }
      }
      return CONTINUE;
    },
  };
}

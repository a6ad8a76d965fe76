/**
 * StepCaptureImage and StepPublishToSharedImageGallery (builder/azure/arm/step_capture_image.go,
 * step_publish_to_shared_image_gallery.go): generalize the deallocated VM, create the managed image from it, and
 * optionally publish that image as a gallery image version. The image and the version are tracked before their create
 * calls and removed only when the build fails or is cancelled, as Packer removes nothing it was asked to make.
 */
import { CONTINUE, halt, type Resource, type Step } from '../../engine/steps';
import { isNotFound } from '../../cloud/azure/client';
import { COMPLETED_TAG } from '../../cloud/run-tag';
import { azureTagsWithRun, type AzureDriver } from './driver';
import { failed, galleryClient } from './steps';
import type { GalleryDestination, TargetRegion } from './read-config';
import type { AzureArmState, AzureArmStepDeps } from './state';

function keptOnSuccess(description: string, howToRemove: string, remove: Resource['remove']): Resource {
  return {
    description: `${description} (kept when the build succeeds)`,
    howToRemove,
    async remove(c) {
      if (!c.halted && !c.cancelled) return;
      try {
        await remove(c);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
  };
}

/** Azure's region names as the plugin normalizes them ("West Europe" → "westeurope"). */
function region(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

/**
 * Where the version is replicated, as the plugin's builder works it out: the target_region blocks as written (replicas
 * 1 to 100); else replication_regions, each with shared_image_gallery_replica_count, plus the build's location, which the
 * gallery requires; else the build's location alone.
 */
export function targetRegions(sig: GalleryDestination, location: string): TargetRegion[] {
  const clamp = (n: number): number => (n <= 0 ? 1 : Math.min(n, 100));
  if (sig.targetRegions.length > 0) return sig.targetRegions.map((t) => ({ ...t, name: region(t.name), replicas: clamp(t.replicas) }));
  const names = [...new Set([...sig.replicationRegions.map(region), region(location)])];
  return names.map((name) => ({ name, diskEncryptionSetId: '', replicas: clamp(sig.replicaCount) }));
}

export function captureImageStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepCaptureImage',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure || !state.vm) return halt('No virtual machine to capture.');
      const group = cfg.buildResourceGroup.name;
      const location = state.location ?? cfg.location;
      ctx.ui.say(` -> Compute ResourceGroupName : '${group}'`);
      ctx.ui.say(` -> Compute Name              : '${cfg.names.computeName}'`);
      ctx.ui.say(` -> Compute Location          : '${location}'`);
      ctx.ui.say('Generalizing machine ...');
      try {
        await azure.compute.virtualMachines.generalize(group, cfg.names.computeName, { abortSignal: ctx.signal });
      } catch (e) {
        return failed(ctx, 'Error generalizing the machine', azure, e);
      }
      const imageGroup = cfg.managedImageResourceGroupName;
      const name = cfg.managedImageName;
      ctx.ui.say('Capturing image ...');
      ctx.ui.say(` -> Image ResourceGroupName   : '${imageGroup}'`);
      ctx.ui.say(` -> Image Name                : '${name}'`);
      ctx.ui.say(` -> Image Location            : '${location}'`);
      ctx.track(
        keptOnSuccess(`Azure managed image ${name} in ${imageGroup}`, `az image delete --subscription ${azure.subscriptionId} --resource-group ${imageGroup} --name ${name}`, async (c) => {
          await azure.compute.images.get(imageGroup, name);
          c.ui.say(`Deleting the managed image ${name} because of cancellation, or error...`);
          await azure.compute.images.delete(imageGroup, name, { abortSignal: c.signal, updateIntervalInMs: 1000 });
        }),
      );
      try {
        const source = { id: state.vm.id };
        const image = await azure.created(ctx.signal, (o) =>
          azure.compute.images.createOrUpdate(
            imageGroup,
            name,
            {
              location,
              tags: azureTagsWithRun(cfg.tags, build.runId),
              sourceVirtualMachine: source,
              ...(cfg.managedImageZoneResilient ? { storageProfile: { zoneResilient: true } } : {}),
            },
            o,
          ),
        );
        state.managedImageId = image.id ?? azure.id(imageGroup, 'Microsoft.Compute/images', name);
      } catch (e) {
        return failed(ctx, 'Error capturing the image', azure, e);
      }
      return CONTINUE;
    },
  };
}

export function publishToGalleryStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepPublishToSharedImageGallery',
    async run(state, ctx) {
      const azure = state.azure;
      const sig = cfg.galleryDestination;
      if (!azure || !sig || !state.managedImageId) return halt('No managed image to publish.');
      const location = state.location ?? cfg.location;
      const subscription = sig.subscription || azure.subscriptionId;
      const compute: AzureDriver['compute'] = subscription === azure.subscriptionId ? azure.compute : await galleryClient(azure, subscription);
      const targets = targetRegions(sig, location);
      const regions = targets.map((t) => t.name);
      ctx.ui.say('Publishing to Shared Image Gallery ...');
      ctx.ui.say(` -> MDI ID used for SIG publish           : '${state.managedImageId}'`);
      ctx.ui.say(` -> SIG publish resource group             : '${sig.resourceGroup}'`);
      ctx.ui.say(` -> SIG gallery name                       : '${sig.gallery}'`);
      ctx.ui.say(` -> SIG image name                         : '${sig.image}'`);
      ctx.ui.say(` -> SIG image version                      : '${sig.version}'`);
      ctx.ui.say(` -> SIG replication regions                : '${regions.join(',')}'`);
      ctx.ui.say(` -> SIG storage account type               : '${sig.storageAccountType}'`);
      ctx.track(
        keptOnSuccess(
          `Azure gallery image version ${sig.gallery}/${sig.image}/${sig.version}`,
          `az sig image-version delete --subscription ${subscription} --resource-group ${sig.resourceGroup} --gallery-name ${sig.gallery} --gallery-image-definition ${sig.image} --gallery-image-version ${sig.version}`,
          async (c) => {
            await compute.galleryImageVersions.get(sig.resourceGroup, sig.gallery, sig.image, sig.version);
            c.ui.say(`Deleting the gallery image version ${sig.version} because of cancellation, or error...`);
            await compute.galleryImageVersions.delete(sig.resourceGroup, sig.gallery, sig.image, sig.version, { abortSignal: c.signal, updateIntervalInMs: 1000 });
          },
        ),
      );
      try {
        const imageId = state.managedImageId;
        const version = await azure.created(
          ctx.signal,
          (o) =>
            compute.galleryImageVersions.createOrUpdate(
              sig.resourceGroup,
              sig.gallery,
              sig.image,
              sig.version,
              {
                location,
                tags: azureTagsWithRun(cfg.tags, build.runId),
                publishingProfile: {
                  targetRegions: targets.map((t) => ({
                    name: t.name,
                    regionalReplicaCount: t.replicas,
                    storageAccountType: sig.storageAccountType as 'Standard_LRS',
                    ...(t.diskEncryptionSetId ? { encryption: { osDiskImage: { diskEncryptionSetId: t.diskEncryptionSetId } } } : {}),
                  })),
                  excludeFromLatest: sig.excludeFromLatest,
                  ...(sig.endOfLifeDate ? { endOfLifeDate: new Date(sig.endOfLifeDate) } : {}),
                },
                storageProfile: { source: { id: imageId } },
              },
              o,
            ),
          sig.timeoutMs,
        );
        state.galleryImageVersionId = version.id ?? '';
        ctx.ui.say(` -> Shared Gallery Image Version ID : '${state.galleryImageVersionId}'`);
      } catch (e) {
        return failed(ctx, 'Error publishing to the Shared Image Gallery', azure, e);
      }
      return CONTINUE;
    },
  };
}

/**
 * The last step: marks what the build made as its output (COMPLETED_TAG on the managed image and the gallery version),
 * so `bakehouse cleanup` never takes it for what a killed run left. A build killed before this leaves them unmarked.
 */
export function markCompletedStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepMarkCompleted',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure || !state.managedImageId) return halt('No managed image to mark as completed.');
      const tags = { ...azureTagsWithRun(cfg.tags, build.runId), [COMPLETED_TAG]: new Date().toISOString() };
      const options = { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 };
      try {
        await azure.compute.images.update(cfg.managedImageResourceGroupName, cfg.managedImageName, { tags }, options);
        const sig = cfg.galleryDestination;
        if (sig && state.galleryImageVersionId) {
          const subscription = sig.subscription || azure.subscriptionId;
          const compute: AzureDriver['compute'] = subscription === azure.subscriptionId ? azure.compute : await galleryClient(azure, subscription);
          await compute.galleryImageVersions.update(sig.resourceGroup, sig.gallery, sig.image, sig.version, { tags }, options);
        }
      } catch (e) {
        return failed(ctx, 'Error tagging the image as completed', azure, e);
      }
      return CONTINUE;
    },
  };
}

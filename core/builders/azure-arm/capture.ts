/**
 * StepCaptureImage and StepPublishToSharedImageGallery (builder/azure/arm/step_capture_image.go,
 * step_publish_to_shared_image_gallery.go): generalize the deallocated VM, create the managed image from it, and
 * optionally publish that image as a gallery image version. The image and the version are tracked before their create
 * calls and removed only when the build fails or is cancelled, as Packer removes nothing it was asked to make.
 */
import { CONTINUE, halt, type Resource, type Step } from '../../engine/steps';
import { isNotFound } from '../../cloud/azure/client';
import { azureTagsWithRun, type AzureDriver } from './driver';
import { failed, galleryClient } from './steps';
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
        const image = await azure.compute.images.createOrUpdate(
          imageGroup,
          name,
          {
            location,
            tags: azureTagsWithRun(cfg.tags, build.runId),
            sourceVirtualMachine: { id: state.vm.id },
            ...(cfg.managedImageZoneResilient ? { storageProfile: { zoneResilient: true } } : {}),
          },
          { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 },
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
      // The plugin always replicates to the build's location, with the replica count it was given.
      const regions = [...new Set([location, ...sig.replicationRegions].map((r) => r.toLowerCase().replace(/\s+/g, '')))];
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
        const version = await compute.galleryImageVersions.createOrUpdate(
          sig.resourceGroup,
          sig.gallery,
          sig.image,
          sig.version,
          {
            location,
            tags: azureTagsWithRun(cfg.tags, build.runId),
            publishingProfile: {
              targetRegions: regions.map((name) => ({ name, regionalReplicaCount: sig.replicaCount, storageAccountType: sig.storageAccountType as 'Standard_LRS' })),
              excludeFromLatest: sig.excludeFromLatest,
              ...(sig.endOfLifeDate ? { endOfLifeDate: new Date(sig.endOfLifeDate) } : {}),
            },
            storageProfile: { source: { id: state.managedImageId } },
          },
          { abortSignal: azure.lroSignal(ctx.signal, sig.timeoutMs), updateIntervalInMs: 1000 },
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

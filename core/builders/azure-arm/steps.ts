/**
 * The azure-arm builder's steps for a Linux image, in the plugin's order (builder/azure/arm/builder.go): make the client
 * and check the targets (Builder.Run's checks), find the source image, create the resource group, deploy the network
 * and the VM (deploy.ts: Packer deploys one ARM template; Bakehouse creates each resource with its own call so each is a
 * tracked resource of its own), find the IP, connect, provision, power off, capture (capture.ts). Every resource is
 * tracked before its create call and tagged with the run id, and that resource is its one cleanup path.
 */
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import { afterGrace, CREATE_GRACE_MS } from '../../engine/retry';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { isNotFound } from '../../cloud/azure/client';
import { captureImageStep, markCompletedStep, publishToGalleryStep } from './capture';
import { deployNetworkStep, deployVmStep, getIpAddressStep } from './deploy';
import { AzureDriver, azureTagsWithRun } from './driver';
import type { AzureArmState, AzureArmStepDeps } from './state';

export function azureArmSteps(deps: AzureArmStepDeps, provision: Step<BuildState>): Step<AzureArmState>[] {
  const steps: Step<AzureArmState>[] = [
    createClientStep(deps),
    sourceImageStep(deps),
    resourceGroupStep(deps),
    deployNetworkStep(deps),
    deployVmStep(deps),
    getIpAddressStep(deps),
    connectStep(deps),
    provision,
    powerOffStep(deps),
  ];
  if (deps.cfg.skipCreateImage) return steps;
  return [...steps, captureImageStep(deps), ...(deps.cfg.galleryDestination ? [publishToGalleryStep(deps)] : []), markCompletedStep(deps)];
}

/** A failed Azure call as a halt; a call cut short by a cancel halts as cancelled. */
export function failed(ctx: StepContext, what: string, azure: AzureDriver, e: unknown) {
  return halt(ctx.signal.aborted ? CANCELLED : `${what}: ${azure.describe(e)}`);
}

/**
 * Builder.Run before its steps: the ARM client, then the checks that need Azure — the managed image's resource group
 * exists, no image of that name is there yet (unless -force), build_resource_group_name exists (and gives the location),
 * and the gallery destination's image definition exists while its version does not.
 */
function createClientStep({ cfg, build, bound }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepCreateClient',
    async run(state, ctx) {
      ctx.ui.say('Creating Azure Resource Manager (ARM) client ...');
      const made = await AzureDriver.create(cfg, build.env, bound, ctx.signal);
      if (!made.ok) return halt(made.error);
      const azure = made.value;
      state.azure = azure;
      ctx.ui.message(`Using Azure credentials from ${azure.credentialsFrom} against ${azure.setup.cloud.name}`);
      state.location = cfg.location;
      if (cfg.buildResourceGroup.existing) {
        try {
          const group = await azure.resources.resourceGroups.get(cfg.buildResourceGroup.name, { abortSignal: ctx.signal });
          state.location = group.location;
        } catch (e) {
          return failed(ctx, `Cannot locate the existing build resource group ${cfg.buildResourceGroup.name}`, azure, e);
        }
      }
      ctx.ui.say('ARM Client successfully created');
      Object.assign(state.generated, {
        TenantID: azure.setup.tenantId,
        SubscriptionID: azure.subscriptionId,
        TempComputeName: cfg.names.computeName,
        TempNicName: cfg.names.nicName,
        TempOSDiskName: cfg.names.osDiskName,
        TempResourceGroupName: cfg.buildResourceGroup.name,
        TempSubnetName: cfg.existingNetwork ? cfg.existingNetwork.subnet : cfg.names.subnetName,
        TempVirtualNetworkName: cfg.existingNetwork ? cfg.existingNetwork.name : cfg.names.virtualNetworkName,
        TempPublicIPAddressName: cfg.names.publicIpName,
        TempNsgName: '',
        TempKeyVaultName: '',
        TempDataDiskName: '',
        TempDeploymentName: '',
      });
      if (cfg.skipCreateImage) return CONTINUE;
      const imageGroup = cfg.managedImageResourceGroupName;
      if (imageGroup.toLowerCase() !== cfg.buildResourceGroup.name.toLowerCase()) {
        try {
          await azure.resources.resourceGroups.get(imageGroup, { abortSignal: ctx.signal });
        } catch (e) {
          return failed(ctx, `Cannot locate the managed image resource group ${imageGroup}, received error`, azure, e);
        }
      }
      let exists: boolean;
      try {
        await azure.compute.images.get(imageGroup, cfg.managedImageName, { abortSignal: ctx.signal });
        exists = true;
      } catch (e) {
        if (!isNotFound(e)) return failed(ctx, `Cannot read the managed image ${cfg.managedImageName}`, azure, e);
        exists = false;
      }
      if (exists) {
        if (!build.force) {
          return halt(`the managed image named ${cfg.managedImageName} already exists in the resource group ${imageGroup}, use a different manage image name or use the -force option to automatically delete it.`);
        }
        ctx.ui.say(`the managed image named ${cfg.managedImageName} already exists, but deleting it due to -force flag`);
        try {
          await azure.compute.images.delete(imageGroup, cfg.managedImageName, { abortSignal: azure.lroSignal(ctx.signal) });
        } catch (e) {
          return failed(ctx, `failed to delete the managed image named ${cfg.managedImageName}`, azure, e);
        }
      }
      const sig = cfg.galleryDestination;
      if (sig) {
        const sub = sig.subscription || azure.subscriptionId;
        const compute = sub === azure.subscriptionId ? azure.compute : await galleryClient(azure, sub);
        try {
          await compute.galleryImages.get(sig.resourceGroup, sig.gallery, sig.image, { abortSignal: ctx.signal });
        } catch (e) {
          return failed(ctx, `failed to get image "${sig.image}" from image gallery "${sig.gallery}" in resource group "${sig.resourceGroup}"`, azure, e);
        }
        const version = await compute.galleryImageVersions.get(sig.resourceGroup, sig.gallery, sig.image, sig.version, { abortSignal: ctx.signal }).then(
          () => true,
          () => false,
        );
        if (version) {
          if (!build.force) {
            return halt(`a gallery image version for image name:version ${sig.image}:${sig.version} already exists in gallery ${sig.gallery}, use a different gallery image version or use the -force option to automatically delete it.`);
          }
          ctx.ui.say(`a gallery image version for image name:version ${sig.image}:${sig.version} already exists in gallery ${sig.gallery}, but deleting it due to -force flag`);
          try {
            await compute.galleryImageVersions.delete(sig.resourceGroup, sig.gallery, sig.image, sig.version, { abortSignal: azure.lroSignal(ctx.signal, sig.timeoutMs) });
          } catch (e) {
            return failed(ctx, `failed to delete gallery image version for image name:version ${sig.image}:${sig.version} in gallery ${sig.gallery}`, azure, e);
          }
        }
      }
      return CONTINUE;
    },
  };
}

/** A compute client for the gallery destination's own subscription, with the build's credentials and endpoint. */
export async function galleryClient(azure: AzureDriver, subscription: string): Promise<AzureDriver['compute']> {
  const { ComputeManagementClient } = await import('@azure/arm-compute');
  return new ComputeManagementClient(azure.setup.credential, subscription, azure.setup.options);
}

/**
 * StepGetSourceImageName: the image reference the VM starts from. A platform image's "latest" is resolved to the newest
 * version the location offers (so the log and build.SourceImageName say which was used); a managed image and a gallery
 * image version by their resource ids.
 */
function sourceImageStep({ cfg }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepGetSourceImageName',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure) return halt('No Azure client.');
      ctx.ui.say('Getting source image id for the deployment ...');
      const s = cfg.source;
      if (s.kind === 'managed') {
        const id = azure.id(s.resourceGroup, 'Microsoft.Compute/images', s.name);
        try {
          await azure.compute.images.get(s.resourceGroup, s.name, { abortSignal: ctx.signal });
        } catch (e) {
          return failed(ctx, `Cannot find the custom managed image ${s.name} in resource group ${s.resourceGroup}`, azure, e);
        }
        state.imageReference = { id };
      } else if (s.kind === 'gallery') {
        const id =
          s.id ||
          `/subscriptions/${s.subscription}/resourceGroups/${s.resourceGroup}/providers/Microsoft.Compute/galleries/${s.gallery}/images/${s.image}${s.version ? `/versions/${s.version}` : ''}`;
        state.imageReference = { id };
      } else {
        let version = s.version;
        if (version.toLowerCase() === 'latest') {
          try {
            const versions = await azure.compute.virtualMachineImages.list(state.location ?? cfg.location, s.publisher, s.offer, s.sku, { abortSignal: ctx.signal });
            const newest = versions.map((v) => v.name).sort(compareVersions).at(-1);
            if (!newest) return halt(`No image version was found for ${s.publisher}:${s.offer}:${s.sku} in ${state.location ?? cfg.location}`);
            version = newest;
          } catch (e) {
            return failed(ctx, `Cannot list the versions of ${s.publisher}:${s.offer}:${s.sku}`, azure, e);
          }
        }
        state.imageReference = { publisher: s.publisher, offer: s.offer, sku: s.sku, version };
      }
      const r = state.imageReference;
      const name = r.id ?? `/subscriptions/${azure.subscriptionId}/providers/Microsoft.Compute/locations/${state.location ?? cfg.location}/publishers/${r.publisher ?? ''}/ArtifactTypes/VMImage/offers/${r.offer ?? ''}/skus/${r.sku ?? ''}/versions/${r.version ?? ''}`;
      ctx.ui.say(` -> SourceImageName: '${name}'`);
      state.generated.SourceImageName = name;
      return CONTINUE;
    },
  };
}

/** Platform image versions are dotted numbers (18.04.202401010); compare them part by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}

/**
 * StepCreateResourceGroup: the temporary group, tagged, which must not exist yet; or build_resource_group_name, used as
 * it is. Its tracked resource deletes the temporary group last of all, waiting for it unless async_resourcegroup_delete.
 */
function resourceGroupStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepCreateResourceGroup',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure) return halt('No Azure client.');
      const { name, existing } = cfg.buildResourceGroup;
      const location = state.location ?? cfg.location;
      if (existing) {
        ctx.ui.say('Using existing resource group ...');
        ctx.ui.say(` -> ResourceGroupName : '${name}'`);
        ctx.ui.say(` -> Location          : '${location}'`);
        return CONTINUE;
      }
      let there: boolean;
      try {
        there = (await azure.resources.resourceGroups.checkExistence(name, { abortSignal: ctx.signal })).body;
      } catch (e) {
        return failed(ctx, `Cannot check whether resource group ${name} exists`, azure, e);
      }
      if (there) return halt('A resource group with that name already exists. Please use build_resource_group_name to use an existing resource group.');
      const tags = azureTagsWithRun(cfg.tags, build.runId);
      ctx.ui.say('Creating resource group ...');
      ctx.ui.say(` -> ResourceGroupName : '${name}'`);
      ctx.ui.say(` -> Location          : '${location}'`);
      ctx.ui.say(' -> Tags              :');
      for (const [k, v] of Object.entries(tags)) ctx.ui.say(` ->> ${k} : ${v}`);
      ctx.track({
        description: `Azure resource group ${name} (subscription ${azure.subscriptionId})`,
        howToRemove: `az group delete --yes --subscription ${azure.subscriptionId} --name ${name}`,
        async remove(c) {
          const gone = await azure.resources.resourceGroups.checkExistence(name).then((r) => !r.body);
          if (gone) return;
          c.ui.say('\nCleanup requested, deleting resource group ...');
          if (cfg.asyncResourceGroupDelete) {
            await azure.resources.resourceGroups.beginDelete(name);
            c.ui.say(`\n Not waiting for Resource Group delete as requested by user. Resource Group Name is ${name}`);
            return;
          }
          await azure.resources.resourceGroups.beginDeleteAndWait(name, { abortSignal: c.signal, updateIntervalInMs: 2000 });
          c.ui.say('Resource group has been deleted.');
        },
      });
      try {
        // A cancel lets the create answer (CREATE_GRACE_MS), so the group's cleanup knows it is there to delete.
        await azure.resources.resourceGroups.createOrUpdate(name, { location, tags }, { abortSignal: afterGrace(ctx.signal, CREATE_GRACE_MS) });
      } catch (e) {
        return failed(ctx, `Cannot create resource group ${name}`, azure, e);
      }
      return CONTINUE;
    },
  };
}

/** StepConnectSSH: to ssh_host when given, else the address StepGetIPAddress found, with the temporary key. */
function connectStep({ cfg }: AzureArmStepDeps): Step<AzureArmState> {
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const host = cfg.ssh.host || state.sshHost;
      if (!host) return halt('No address to connect to.');
      const key = state.keyPair;
      inner = waitForSshStep({ ...cfg.ssh, host, ...(key ? { privateKey: key.privateKey } : {}) }, key ? { temporaryKeyComment: key.comment } : {});
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}

/** StepPowerOffCompute: deallocates the VM so its disk can be captured. */
function powerOffStep({ cfg }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepPowerOffCompute',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure) return halt('No Azure client.');
      const group = cfg.buildResourceGroup.name;
      ctx.ui.say('Powering off machine ...');
      ctx.ui.say(` -> ResourceGroupName : '${group}'`);
      ctx.ui.say(` -> ComputeName       : '${cfg.names.computeName}'`);
      try {
        await azure.compute.virtualMachines.deallocate(group, cfg.names.computeName, { abortSignal: azure.lroSignal(ctx.signal) });
      } catch (e) {
        return failed(ctx, 'Error powering off the machine', azure, e);
      }
      return CONTINUE;
    },
  };
}

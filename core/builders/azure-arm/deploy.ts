/**
 * The resources Packer's VM deployment template creates (template_builder.go: virtual network and subnet, public IP,
 * NIC, VM with the SSH key), each created with its own call here so each is a tracked resource of its own: registered
 * before its create call, tagged with the run id and azure_tags, and deleted by the runner in reverse order — VM, OS
 * disk, NIC, public IP, network — before the resource group (StepDeployTemplate's Cleanup order). StepGetIPAddress
 * then finds the address SSH connects to.
 */
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { isNotFound } from '../../cloud/azure/client';
import { temporaryKeyPair } from '../../communicators/ssh/keypair';
import { azureTagsWithRun, type AzureDriver } from './driver';
import { failed } from './steps';
import type { AzureArmState, AzureArmStepDeps } from './state';

/** Deletes with the SDK's poller; a resource already gone (or never made) is fine. */
async function deleted(what: () => Promise<unknown>): Promise<void> {
  try {
    await what();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

function howTo(azure: AzureDriver, kind: string, group: string, name: string): string {
  return `az ${kind} delete --subscription ${azure.subscriptionId} --resource-group ${group} --name ${name}`;
}

/** Virtual network and subnet (unless virtual_network_name names an existing one), then the public IP. */
export function deployNetworkStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepDeployNetwork',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure) return halt('No Azure client.');
      const group = cfg.buildResourceGroup.name;
      const location = state.location ?? cfg.location;
      const tags = azureTagsWithRun(cfg.tags, build.runId);
      const n = cfg.names;
      ctx.ui.say('Deploying the build network ...');
      ctx.ui.say(` -> ResourceGroupName : '${group}'`);
      const existing = cfg.existingNetwork;
      if (existing) {
        const vnetGroup = existing.resourceGroup || group;
        try {
          const subnets = existing.subnet ? [await azure.network.subnets.get(vnetGroup, existing.name, existing.subnet, { abortSignal: ctx.signal })] : await firstSubnet(azure, vnetGroup, existing.name);
          const subnet = subnets[0];
          if (!subnet?.id) return halt(`virtual_network_name: the virtual network ${existing.name} in ${vnetGroup} has no subnet`);
          state.subnetId = subnet.id;
        } catch (e) {
          return failed(ctx, `Cannot find the virtual network ${existing.name} in ${vnetGroup}`, azure, e);
        }
      } else {
        ctx.track({
          description: `Azure virtual network ${n.virtualNetworkName} in ${group}`,
          howToRemove: howTo(azure, 'network vnet', group, n.virtualNetworkName),
          async remove(c) {
            await deleted(async () => {
              await azure.network.virtualNetworks.get(group, n.virtualNetworkName);
              c.ui.say(`Deleting -> Microsoft.Network/virtualNetworks : '${n.virtualNetworkName}'`);
              await azure.network.virtualNetworks.beginDeleteAndWait(group, n.virtualNetworkName, { abortSignal: c.signal, updateIntervalInMs: 1000 });
            });
          },
        });
        try {
          const vnet = await azure.network.virtualNetworks.beginCreateOrUpdateAndWait(
            group,
            n.virtualNetworkName,
            { location, tags, addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: n.subnetName, addressPrefix: '10.0.0.0/24' }] },
            { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 },
          );
          const subnet = vnet.subnets?.find((s) => s.name === n.subnetName) ?? vnet.subnets?.[0];
          state.subnetId = subnet?.id ?? `${azure.id(group, 'Microsoft.Network/virtualNetworks', n.virtualNetworkName)}/subnets/${n.subnetName}`;
        } catch (e) {
          return failed(ctx, 'Error creating the virtual network', azure, e);
        }
      }
      if (existing && !existing.publicIp) return CONTINUE;
      ctx.track({
        description: `Azure public IP ${n.publicIpName} in ${group}`,
        howToRemove: howTo(azure, 'network public-ip', group, n.publicIpName),
        async remove(c) {
          await deleted(async () => {
            await azure.network.publicIPAddresses.get(group, n.publicIpName);
            c.ui.say(`Deleting -> Microsoft.Network/publicIPAddresses : '${n.publicIpName}'`);
            await azure.network.publicIPAddresses.beginDeleteAndWait(group, n.publicIpName, { abortSignal: c.signal, updateIntervalInMs: 1000 });
          });
        },
      });
      try {
        const ip = await azure.network.publicIPAddresses.beginCreateOrUpdateAndWait(
          group,
          n.publicIpName,
          // The plugin's template: a Standard SKU address must be static; Basic ones are dynamic.
          { location, tags, sku: { name: cfg.publicIpSku }, publicIPAllocationMethod: cfg.publicIpSku === 'Standard' ? 'Static' : 'Dynamic' },
          { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 },
        );
        state.publicIpId = ip.id ?? azure.id(group, 'Microsoft.Network/publicIPAddresses', n.publicIpName);
      } catch (e) {
        return failed(ctx, 'Error creating the public IP address', azure, e);
      }
      return CONTINUE;
    },
  };
}

async function firstSubnet(azure: AzureDriver, group: string, vnet: string) {
  const out = [];
  for await (const s of azure.network.subnets.list(group, vnet)) {
    out.push(s);
    break;
  }
  return out;
}

/** The NIC, then the VM with the temporary key (unless the template gives a key or password) and its OS disk. */
export function deployVmStep({ cfg, build }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepDeployTemplate',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure || !state.subnetId || !state.imageReference) return halt('No network or source image to deploy the VM with.');
      const group = cfg.buildResourceGroup.name;
      const location = state.location ?? cfg.location;
      const tags = azureTagsWithRun(cfg.tags, build.runId);
      const n = cfg.names;
      ctx.track({
        description: `Azure network interface ${n.nicName} in ${group}`,
        howToRemove: howTo(azure, 'network nic', group, n.nicName),
        async remove(c) {
          await deleted(async () => {
            await azure.network.networkInterfaces.get(group, n.nicName);
            c.ui.say(`Deleting -> Microsoft.Network/networkInterfaces : '${n.nicName}'`);
            await azure.network.networkInterfaces.beginDeleteAndWait(group, n.nicName, { abortSignal: c.signal, updateIntervalInMs: 1000 });
          });
        },
      });
      try {
        const nic = await azure.network.networkInterfaces.beginCreateOrUpdateAndWait(
          group,
          n.nicName,
          {
            location,
            tags,
            ipConfigurations: [
              {
                name: 'ipconfig',
                privateIPAllocationMethod: 'Dynamic',
                subnet: { id: state.subnetId },
                ...(state.publicIpId ? { publicIPAddress: { id: state.publicIpId } } : {}),
              },
            ],
          },
          { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 },
        );
        state.nic = { id: nic.id ?? azure.id(group, 'Microsoft.Network/networkInterfaces', n.nicName), privateIp: nic.ipConfigurations?.[0]?.privateIPAddress ?? '' };
      } catch (e) {
        return failed(ctx, 'Error creating the network interface', azure, e);
      }

      let publicKey = '';
      if (!cfg.ssh.privateKeyFile && !cfg.ssh.password) {
        const pair = temporaryKeyPair('rsa', 2048, `packer-${n.computeName}`);
        if (!pair.ok) return halt(pair.error);
        state.keyPair = pair.value;
        publicKey = pair.value.publicKey;
      } else if (cfg.ssh.privateKeyFile) {
        const { derivedPublicKey } = await import('./public-key');
        const derived = derivedPublicKey(cfg.ssh.privateKeyFile);
        if (!derived.ok) return halt(derived.error);
        publicKey = derived.value;
      }
      ctx.ui.say('Deploying the virtual machine ...');
      ctx.ui.say(` -> ResourceGroupName : '${group}'`);
      ctx.ui.say(` -> ComputeName       : '${n.computeName}'`);
      // Tracked before the VM so the runner removes the VM first, then its disk (which Azure keeps after the VM goes).
      ctx.track({
        description: `Azure managed disk ${n.osDiskName} in ${group}`,
        howToRemove: howTo(azure, 'disk', group, n.osDiskName),
        async remove(c) {
          await deleted(async () => {
            await azure.compute.disks.get(group, n.osDiskName);
            c.ui.say(`Deleting -> Microsoft.Compute/disks : '${n.osDiskName}'`);
            await azure.compute.disks.delete(group, n.osDiskName, { abortSignal: c.signal, updateIntervalInMs: 1000 });
          });
        },
      });
      ctx.track({
        description: `Azure virtual machine ${n.computeName} in ${group}`,
        howToRemove: howTo(azure, 'vm', group, n.computeName),
        async remove(c) {
          await deleted(async () => {
            await azure.compute.virtualMachines.get(group, n.computeName);
            c.ui.say(`Deleting -> Microsoft.Compute/virtualMachines : '${n.computeName}'`);
            await azure.compute.virtualMachines.delete(group, n.computeName, { abortSignal: c.signal, updateIntervalInMs: 1000 });
          });
        },
      });
      try {
        const vm = await azure.compute.virtualMachines.createOrUpdate(
          group,
          n.computeName,
          {
            location,
            tags,
            hardwareProfile: { vmSize: cfg.vmSize },
            storageProfile: {
              imageReference: state.imageReference,
              osDisk: {
                name: n.osDiskName,
                osType: 'Linux',
                createOption: 'FromImage',
                caching: cfg.diskCachingType as 'None' | 'ReadOnly' | 'ReadWrite',
                managedDisk: { storageAccountType: cfg.managedImageStorageAccountType },
                ...(cfg.osDiskSizeGb > 0 ? { diskSizeGB: cfg.osDiskSizeGb } : {}),
              },
            },
            osProfile: {
              computerName: n.computeName,
              adminUsername: cfg.ssh.username,
              ...(cfg.ssh.password ? { adminPassword: cfg.ssh.password } : {}),
              ...(cfg.customData ? { customData: cfg.customData } : {}),
              linuxConfiguration: {
                disablePasswordAuthentication: !cfg.ssh.password,
                ...(publicKey ? { ssh: { publicKeys: [{ path: `/home/${cfg.ssh.username}/.ssh/authorized_keys`, keyData: publicKey }] } } : {}),
              },
            },
            networkProfile: { networkInterfaces: [{ id: state.nic.id, primary: true }] },
          },
          { abortSignal: azure.lroSignal(ctx.signal), updateIntervalInMs: 1000 },
        );
        state.vm = { id: vm.id ?? azure.id(group, 'Microsoft.Compute/virtualMachines', n.computeName), osDiskName: vm.storageProfile?.osDisk?.name ?? n.osDiskName };
        state.instanceId = n.computeName;
      } catch (e) {
        return failed(ctx, 'Error deploying the virtual machine', azure, e);
      }
      return CONTINUE;
    },
  };
}

/** StepGetIPAddress: the public IP's address, or the NIC's private one inside an existing network without a public IP. */
export function getIpAddressStep({ cfg }: AzureArmStepDeps): Step<AzureArmState> {
  return {
    name: 'StepGetIPAddress',
    async run(state, ctx) {
      const azure = state.azure;
      if (!azure || !state.nic) return halt('No network interface to find the address of.');
      const group = cfg.buildResourceGroup.name;
      if (!state.publicIpId) {
        ctx.ui.say('Getting the VM\'s IP address ...');
        ctx.ui.say(` -> IP Address         : '${state.nic.privateIp}'`);
        state.sshHost = state.nic.privateIp;
        return state.sshHost ? CONTINUE : halt('The network interface has no private IP address.');
      }
      ctx.ui.say('Getting the VM\'s IP address ...');
      ctx.ui.say(` -> ResourceGroupName   : '${group}'`);
      ctx.ui.say(` -> PublicIPAddressName : '${cfg.names.publicIpName}'`);
      try {
        const ip = await azure.network.publicIPAddresses.get(group, cfg.names.publicIpName, { abortSignal: ctx.signal });
        if (!ip.ipAddress) return halt(`The public IP address ${cfg.names.publicIpName} has no address yet.`);
        ctx.ui.say(` -> Public IP           : '${ip.ipAddress}'`);
        state.sshHost = ip.ipAddress;
      } catch (e) {
        return failed(ctx, 'Error getting the public IP address', azure, e);
      }
      return CONTINUE;
    },
  };
}

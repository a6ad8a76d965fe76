/**
 * The resources Packer's VM deployment template creates (template_builder.go: virtual network and subnet, public IP,
 * NIC, VM with the SSH key), each created with its own call here so each is a tracked resource of its own: registered
 * before its create call, tagged with the run id and azure_tags, and deleted by the runner in reverse order — VM, OS
 * disk, NIC, public IP, network — before the resource group (StepDeployTemplate's Cleanup order). StepGetIPAddress
 * then finds the address SSH connects to.
 */
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
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

interface Removal {
  /** What it is, in the user's words ("virtual network") and Azure's ("Microsoft.Network/virtualNetworks"). */
  what: string;
  type: string;
  /** The az command group that deletes it ("network vnet"). */
  cli: string;
  group: string;
  name: string;
  get(): Promise<unknown>;
  remove(options: { abortSignal: AbortSignal; updateIntervalInMs: number }): Promise<unknown>;
}

/** Registers a resource's removal before the call that creates it: found by a GET, then deleted and waited for. */
function trackRemoval(ctx: StepContext, azure: AzureDriver, r: Removal): void {
  ctx.track({
    description: `Azure ${r.what} ${r.name} in ${r.group}`,
    howToRemove: `az ${r.cli} delete --subscription ${azure.subscriptionId} --resource-group ${r.group} --name ${r.name}`,
    async remove(c) {
      await deleted(async () => {
        await r.get();
        c.ui.say(`Deleting -> ${r.type} : '${r.name}'`);
        await r.remove({ abortSignal: c.signal, updateIntervalInMs: 1000 });
      });
    },
  });
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
        trackRemoval(ctx, azure, {
          what: 'virtual network',
          type: 'Microsoft.Network/virtualNetworks',
          cli: 'network vnet',
          group,
          name: n.virtualNetworkName,
          get: () => azure.network.virtualNetworks.get(group, n.virtualNetworkName),
          remove: (o) => azure.network.virtualNetworks.beginDeleteAndWait(group, n.virtualNetworkName, o),
        });
        try {
          const vnet = await azure.created(ctx.signal, (o) =>
            azure.network.virtualNetworks.beginCreateOrUpdate(
              group,
              n.virtualNetworkName,
              { location, tags, addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: n.subnetName, addressPrefix: '10.0.0.0/24' }] },
              o,
            ),
          );
          const subnet = vnet.subnets?.find((s) => s.name === n.subnetName) ?? vnet.subnets?.[0];
          state.subnetId = subnet?.id ?? `${azure.id(group, 'Microsoft.Network/virtualNetworks', n.virtualNetworkName)}/subnets/${n.subnetName}`;
        } catch (e) {
          return failed(ctx, 'Error creating the virtual network', azure, e);
        }
      }
      if (existing && !existing.publicIp) return CONTINUE;
      trackRemoval(ctx, azure, {
        what: 'public IP',
        type: 'Microsoft.Network/publicIPAddresses',
        cli: 'network public-ip',
        group,
        name: n.publicIpName,
        get: () => azure.network.publicIPAddresses.get(group, n.publicIpName),
        remove: (o) => azure.network.publicIPAddresses.beginDeleteAndWait(group, n.publicIpName, o),
      });
      try {
        const ip = await azure.created(ctx.signal, (o) =>
          azure.network.publicIPAddresses.beginCreateOrUpdate(
            group,
            n.publicIpName,
            // The plugin's template: a Standard SKU address must be static; Basic ones are dynamic.
            { location, tags, sku: { name: cfg.publicIpSku }, publicIPAllocationMethod: cfg.publicIpSku === 'Standard' ? 'Static' : 'Dynamic' },
            o,
          ),
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
      trackRemoval(ctx, azure, {
        what: 'network interface',
        type: 'Microsoft.Network/networkInterfaces',
        cli: 'network nic',
        group,
        name: n.nicName,
        get: () => azure.network.networkInterfaces.get(group, n.nicName),
        remove: (o) => azure.network.networkInterfaces.beginDeleteAndWait(group, n.nicName, o),
      });
      try {
        const nic = await azure.created(ctx.signal, (o) => azure.network.networkInterfaces.beginCreateOrUpdate(
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
          o,
        ));
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
      trackRemoval(ctx, azure, {
        what: 'managed disk',
        type: 'Microsoft.Compute/disks',
        cli: 'disk',
        group,
        name: n.osDiskName,
        get: () => azure.compute.disks.get(group, n.osDiskName),
        remove: (o) => azure.compute.disks.delete(group, n.osDiskName, o),
      });
      trackRemoval(ctx, azure, {
        what: 'virtual machine',
        type: 'Microsoft.Compute/virtualMachines',
        cli: 'vm',
        group,
        name: n.computeName,
        get: () => azure.compute.virtualMachines.get(group, n.computeName),
        remove: (o) => azure.compute.virtualMachines.delete(group, n.computeName, o),
      });
      const nicId = state.nic.id;
      try {
        const vm = await azure.created(ctx.signal, (o) => azure.compute.virtualMachines.createOrUpdate(
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
            networkProfile: { networkInterfaces: [{ id: nicId, primary: true }] },
          },
          o,
        ));
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

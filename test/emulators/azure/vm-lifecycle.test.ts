/**
 * What the azure-arm builder does against Azure, done with Azure's own SDKs against the emulator: a resource group, a
 * public IP, a virtual network and NIC (@azure/arm-network), a VM from a Marketplace image with an SSH key
 * (@azure/arm-compute), SSH into it with that key (ssh2), deallocate, generalize, capture to a managed image, delete —
 * and a second VM booted from the image finds what the first left. Every long-running operation goes through the SDK's
 * poller.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { Client, utils } from 'ssh2';
import { startAzureEmulator, type AzureEmulator } from './emulator';
import { armClientOptions, emulatorCredential } from './sdk';

const POLL = { updateIntervalInMs: 20 };
const RG = 'pkr-Resource-Group-vm';
const LOCATION = 'westeurope';
let emu: AzureEmulator;
let rm: ResourceManagementClient;
let network: NetworkManagementClient;
let compute: ComputeManagementClient;

before(async () => {
  emu = await startAzureEmulator();
  const credential = emulatorCredential(emu);
  rm = new ResourceManagementClient(credential, emu.subscriptionId, armClientOptions(emu));
  network = new NetworkManagementClient(credential, emu.subscriptionId, armClientOptions(emu));
  compute = new ComputeManagementClient(credential, emu.subscriptionId, armClientOptions(emu));
});
after(() => emu?.close());

function ssh(host: string, port: number, username: string, privateKey: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => {
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (b: Buffer) => (out += b.toString()));
        stream.stderr.on('data', (b: Buffer) => (out += b.toString()));
        stream.on('close', () => {
          c.end();
          resolve(out);
        });
      });
    });
    c.on('error', reject);
    c.connect({ host, port, username, privateKey, readyTimeout: 20_000 });
  });
}

async function nic(name: string, subnetId: string, withPublicIp: boolean): Promise<string> {
  let pipId: string | undefined;
  if (withPublicIp) {
    const pip = await network.publicIPAddresses.beginCreateOrUpdateAndWait(RG, `${name}-ip`, { location: LOCATION, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, POLL);
    pipId = pip.id;
  }
  const n = await network.networkInterfaces.beginCreateOrUpdateAndWait(RG, name, { location: LOCATION, ipConfigurations: [{ name: 'ipconfig', subnet: { id: subnetId }, ...(pipId ? { publicIPAddress: { id: pipId } } : {}) }] }, POLL);
  assert.equal(n.provisioningState, 'Succeeded');
  return n.id ?? '';
}

function vmParameters(nicId: string, publicKey: string, image: { id: string } | { publisher: string; offer: string; sku: string; version: string }) {
  return {
    location: LOCATION,
    tags: { 'bakehouse-run': 'vm-test' },
    hardwareProfile: { vmSize: 'Standard_B2s' },
    storageProfile: { imageReference: image, osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'Standard_LRS' } } },
    osProfile: { computerName: 'pkrvm', adminUsername: 'packer', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/packer/.ssh/authorized_keys', keyData: publicKey }] } } },
    networkProfile: { networkInterfaces: [{ id: nicId }] },
  };
}

test('a VM from a Marketplace image is an SSH-able machine; deallocate, generalize, capture and delete go as on Azure', async () => {
  await rm.resourceGroups.createOrUpdate(RG, { location: LOCATION, tags: { 'bakehouse-run': 'vm-test' } });
  const latest = await compute.virtualMachineImages.list(LOCATION, 'Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2', { top: 1, orderby: 'name desc' });
  assert.deepEqual(latest.map((v) => v.name), ['22.04.202402070']);
  const detail = await compute.virtualMachineImages.get(LOCATION, 'Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2', '22.04.202402070');
  assert.equal(detail.osDiskImage?.operatingSystem, 'Linux');

  const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(RG, 'pkr-vnet', { location: LOCATION, addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'pkr-subnet', addressPrefix: '10.0.0.0/24' }] }, POLL);
  const subnetId = vnet.subnets?.[0]?.id ?? '';
  assert.match(subnetId, /\/virtualNetworks\/pkr-vnet\/subnets\/pkr-subnet$/);
  const nicId = await nic('pkr-nic', subnetId, true);
  const pip = await network.publicIPAddresses.get(RG, 'pkr-nic-ip');
  assert.equal(pip.ipAddress, '127.0.0.1');
  assert.match(pip.ipConfiguration?.id ?? '', /networkInterfaces\/pkr-nic\/ipConfigurations\/ipconfig$/);

  const keys = utils.generateKeyPairSync('ed25519');
  const created = await compute.virtualMachines.createOrUpdate(RG, 'pkr-vm', vmParameters(nicId, keys.public, { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' }), POLL);
  assert.equal(created.provisioningState, 'Succeeded');
  assert.equal(created.storageProfile?.imageReference?.exactVersion, '22.04.202402070');
  const machine = emu.machine(created.id ?? '');
  assert.ok(machine, 'the VM has a machine');
  assert.equal((await ssh(pip.ipAddress ?? '', machine.port, 'packer', keys.private, 'sudo sh -c "echo baked > /etc/bakehouse-mark" && hostname && id -un')).trim(), 'pkrvm\npacker');
  const other = utils.generateKeyPairSync('ed25519');
  await assert.rejects(ssh('127.0.0.1', machine.port, 'packer', other.private, 'true'), /authentication/i);

  const view = await compute.virtualMachines.instanceView(RG, 'pkr-vm');
  assert.ok(view.statuses?.some((s) => s.code === 'PowerState/running'));
  await assert.rejects(network.networkInterfaces.beginDeleteAndWait(RG, 'pkr-nic', POLL), (e: Error & { code?: string }) => e.code === 'NicInUse');
  await assert.rejects(compute.virtualMachines.generalize(RG, 'pkr-vm'), (e: Error & { code?: string; statusCode?: number }) => e.statusCode === 409 && e.code === 'OperationNotAllowed');

  await compute.virtualMachines.deallocate(RG, 'pkr-vm', POLL);
  assert.ok((await compute.virtualMachines.instanceView(RG, 'pkr-vm')).statuses?.some((s) => s.code === 'PowerState/deallocated'));
  assert.equal(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', machine.containerId], { encoding: 'utf8' }).trim(), 'false');
  await assert.rejects(compute.images.createOrUpdate(RG, 'pkr-image', { location: LOCATION, sourceVirtualMachine: { id: created.id } }, POLL), (e: Error & { code?: string }) => e.code === 'OperationNotAllowed');
  await compute.virtualMachines.generalize(RG, 'pkr-vm');
  const image = await compute.images.createOrUpdate(RG, 'pkr-image', { location: LOCATION, sourceVirtualMachine: { id: created.id }, tags: { 'bakehouse-run': 'vm-test' } }, POLL);
  assert.equal(image.provisioningState, 'Succeeded');
  assert.equal(image.storageProfile?.osDisk?.osState, 'Generalized');

  const osDisk = created.storageProfile?.osDisk?.name ?? '';
  assert.match(osDisk, /^pkr-vm_OsDisk_1_[0-9a-f]{32}$/);
  await compute.virtualMachines.delete(RG, 'pkr-vm', POLL);
  assert.equal(emu.machine(created.id ?? ''), undefined);
  assert.throws(() => execFileSync('docker', ['inspect', machine.containerId], { stdio: 'ignore' }), 'the container is gone');
  assert.equal((await compute.disks.get(RG, osDisk)).diskState, 'Unattached', 'the OS disk outlives the VM, as on Azure');
  await compute.disks.delete(RG, osDisk, POLL);

  // Published to a gallery, as shared_image_gallery_destination does.
  await assert.rejects(compute.galleries.createOrUpdate(RG, 'pkr-gallery', { location: LOCATION }, POLL), (e: Error & { code?: string }) => e.code === 'InvalidParameter');
  await compute.galleries.createOrUpdate(RG, 'pkr_gallery', { location: LOCATION }, POLL);
  await assert.rejects(compute.galleryImageVersions.createOrUpdate(RG, 'pkr_gallery', 'ubuntu', '1.0.0', { location: LOCATION, storageProfile: { source: { id: image.id } } }, POLL), (e: Error & { code?: string }) => e.code === 'ParentResourceNotFound');
  await compute.galleryImages.createOrUpdate(RG, 'pkr_gallery', 'ubuntu', { location: LOCATION, osType: 'Linux', osState: 'Generalized', identifier: { publisher: 'bakehouse', offer: 'ubuntu', sku: '22.04' }, hyperVGeneration: 'V2' }, POLL);
  const version = await compute.galleryImageVersions.createOrUpdate(RG, 'pkr_gallery', 'ubuntu', '1.0.0', { location: LOCATION, publishingProfile: { targetRegions: [{ name: LOCATION }, { name: 'northeurope', regionalReplicaCount: 2 }] }, storageProfile: { source: { id: image.id } } }, POLL);
  assert.equal(version.provisioningState, 'Succeeded');
  assert.deepEqual(version.publishingProfile?.targetRegions?.map((r) => [r.name, r.regionalReplicaCount]), [[LOCATION, 1], ['northeurope', 2]]);
  await assert.rejects(compute.galleries.delete(RG, 'pkr_gallery', POLL), (e: Error & { code?: string }) => e.code === 'CannotDeleteResource');

  // A VM booted from the gallery's image has what the first VM left.
  const nic2 = await nic('pkr-nic2', subnetId, false);
  const second = await compute.virtualMachines.createOrUpdate(RG, 'pkr-vm2', vmParameters(nic2, keys.public, { id: version.id ?? '' }), POLL);
  const m2 = emu.machine(second.id ?? '');
  assert.ok(m2);
  assert.equal((await ssh('127.0.0.1', m2.port, 'packer', keys.private, 'cat /etc/bakehouse-mark')).trim(), 'baked');

  const swept = [];
  for await (const r of rm.resources.list({ filter: "tagName eq 'bakehouse-run' and tagValue eq 'vm-test'" })) swept.push(r.type);
  assert.deepEqual(swept.sort(), ['Microsoft.Compute/images', 'Microsoft.Compute/virtualMachines']);
  assert.equal(emu.calls.VirtualMachines_CreateOrUpdate, 2);

  await rm.resourceGroups.beginDeleteAndWait(RG, POLL);
  assert.equal(emu.machines().length, 0, 'deleting the group removed its VM');
  assert.deepEqual(emu.resourceIds(), []);
});

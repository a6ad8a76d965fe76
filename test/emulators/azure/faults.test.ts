/**
 * The emulator's fault switches seen through Azure's SDKs: a 429 with Retry-After that the SDK's throttling policy
 * waits out and retries, a long-running operation that ends Failed and surfaces as the poller's error, a 500 on
 * capture (retried by the SDK once, surfaced when it persists), a slow delete; and the containers gone after close().
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { utils } from 'ssh2';
import { startAzureEmulator, type AzureEmulator } from './emulator';
import { armClientOptions, emulatorCredential } from './sdk';

const POLL = { updateIntervalInMs: 20 };
const LOCATION = 'eastus';
let emu: AzureEmulator;
let rm: ResourceManagementClient;
let network: NetworkManagementClient;

before(async () => {
  emu = await startAzureEmulator();
  rm = new ResourceManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu));
  network = new NetworkManagementClient(emulatorCredential(emu), emu.subscriptionId, armClientOptions(emu));
});
after(() => emu?.close());

type AzureError = Error & { code?: string; statusCode?: number };

test('429 TooManyRequests with Retry-After: the SDK waits the second and retries', async () => {
  emu.faults.throttle('ResourceGroups_CreateOrUpdate', { nth: 1, retryAfterSeconds: 1 });
  const started = Date.now();
  const g = await rm.resourceGroups.createOrUpdate('throttled', { location: LOCATION });
  assert.equal(g.properties?.provisioningState, 'Succeeded');
  assert.equal(emu.calls.ResourceGroups_CreateOrUpdate, 2);
  assert.ok(Date.now() - started >= 950, 'the SDK honoured Retry-After');
});

test('a long-running operation that ends Failed rejects the poller with its error; the resource shows Failed', async () => {
  await rm.resourceGroups.createOrUpdate('failing', { location: LOCATION });
  emu.faults.failLro('VirtualNetworks_CreateOrUpdate', { code: 'InternalServerError', message: 'An error occurred while provisioning the virtual network.' });
  await assert.rejects(
    network.virtualNetworks.beginCreateOrUpdateAndWait('failing', 'vnet', { location: LOCATION, addressSpace: { addressPrefixes: ['10.1.0.0/16'] } }, POLL),
    // core-lro reports a Failed operation as a plain Error naming the code and message.
    /The long-running operation has failed\. InternalServerError\. An error occurred while provisioning the virtual network\./,
  );
  assert.equal((await network.virtualNetworks.get('failing', 'vnet')).provisioningState, 'Failed');
  // Azure's references are checked: a NIC on a subnet that does not exist.
  await assert.rejects(
    network.networkInterfaces.beginCreateOrUpdateAndWait('failing', 'nic', { location: LOCATION, ipConfigurations: [{ name: 'ip', subnet: { id: '/subscriptions/x/resourceGroups/failing/providers/Microsoft.Network/virtualNetworks/vnet/subnets/none' } }] }, POLL),
    (e: AzureError) => e.code === 'InvalidResourceReference' && e.statusCode === 400,
  );
  await assert.rejects(network.publicIPAddresses.get('nowhere', 'ip'), (e: AzureError) => e.code === 'ResourceGroupNotFound' && e.statusCode === 404);
  await assert.rejects(network.publicIPAddresses.get('failing', 'ip'), (e: AzureError) => e.code === 'ResourceNotFound' && e.statusCode === 404);
});

test('a 500 on capture: retried by the SDK once; surfaced when it persists', async () => {
  const compute = new ComputeManagementClient(emulatorCredential(emu), emu.subscriptionId, { ...armClientOptions(emu), retryOptions: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 } });
  await rm.resourceGroups.createOrUpdate('capture', { location: LOCATION });
  const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait('capture', 'vnet', { location: LOCATION, addressSpace: { addressPrefixes: ['10.2.0.0/16'] }, subnets: [{ name: 'default', addressPrefix: '10.2.0.0/24' }] }, POLL);
  const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait('capture', 'nic', { location: LOCATION, ipConfigurations: [{ name: 'ip', subnet: { id: vnet.subnets?.[0]?.id ?? '' } }] }, POLL);
  const key = utils.generateKeyPairSync('ed25519').public;
  const vm = await compute.virtualMachines.createOrUpdate('capture', 'vm', {
    location: LOCATION,
    hardwareProfile: { vmSize: 'Standard_B1s' },
    storageProfile: { imageReference: { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' }, osDisk: { createOption: 'FromImage', deleteOption: 'Delete' } },
    osProfile: { computerName: 'vm', adminUsername: 'azureuser', linuxConfiguration: { ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: key }] } } },
    networkProfile: { networkInterfaces: [{ id: nic.id ?? '' }] },
  }, POLL);
  await compute.virtualMachines.deallocate('capture', 'vm', POLL);
  await compute.virtualMachines.generalize('capture', 'vm');

  emu.faults.fail('Images_CreateOrUpdate', { times: 1 });
  await compute.images.createOrUpdate('capture', 'once', { location: LOCATION, sourceVirtualMachine: { id: vm.id } }, POLL);
  assert.equal(emu.calls.Images_CreateOrUpdate, 2);

  emu.faults.fail('Images_CreateOrUpdate', { nth: 3, times: Infinity });
  await assert.rejects(compute.images.createOrUpdate('capture', 'never', { location: LOCATION, sourceVirtualMachine: { id: vm.id } }, POLL), (e: AzureError) => e.statusCode === 500 && e.code === 'InternalServerError');

  const machine = emu.machine(vm.id ?? '');
  assert.ok(machine);
  const disk = vm.storageProfile?.osDisk?.name ?? '';
  await compute.virtualMachines.delete('capture', 'vm', POLL);
  await assert.rejects(compute.disks.get('capture', disk), (e: AzureError) => e.code === 'ResourceNotFound', 'deleteOption Delete takes the OS disk with the VM');
});

test('a slow delete: the group stays Deleting until the delay has passed', async () => {
  await rm.resourceGroups.createOrUpdate('slow', { location: LOCATION });
  emu.faults.slowDelete(1200);
  const started = Date.now();
  const poller = await rm.resourceGroups.beginDelete('slow', POLL);
  assert.equal((await rm.resourceGroups.get('slow')).properties?.provisioningState, 'Deleting');
  await poller.pollUntilDone();
  assert.ok(Date.now() - started >= 1150);
  assert.equal((await rm.resourceGroups.checkExistence('slow')).body, false);
  emu.faults.clear();
});

test('close() removes the VMs\' containers', async () => {
  const other = await startAzureEmulator();
  const credential = emulatorCredential(other);
  const r = new ResourceManagementClient(credential, other.subscriptionId, armClientOptions(other));
  const n = new NetworkManagementClient(credential, other.subscriptionId, armClientOptions(other));
  const c = new ComputeManagementClient(credential, other.subscriptionId, armClientOptions(other));
  await r.resourceGroups.createOrUpdate('left', { location: LOCATION });
  const vnet = await n.virtualNetworks.beginCreateOrUpdateAndWait('left', 'vnet', { location: LOCATION, addressSpace: { addressPrefixes: ['10.3.0.0/16'] }, subnets: [{ name: 'default', addressPrefix: '10.3.0.0/24' }] }, POLL);
  const nic = await n.networkInterfaces.beginCreateOrUpdateAndWait('left', 'nic', { location: LOCATION, ipConfigurations: [{ name: 'ip', subnet: { id: vnet.subnets?.[0]?.id ?? '' } }] }, POLL);
  const port = await other.reserveSshPort();
  const vm = await c.virtualMachines.createOrUpdate('left', 'vm', {
    location: LOCATION,
    storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } },
    osProfile: { computerName: 'vm', adminUsername: 'packer', adminPassword: 'Bakehouse-Pw-1', linuxConfiguration: { disablePasswordAuthentication: false } },
    networkProfile: { networkInterfaces: [{ id: nic.id ?? '' }] },
  }, POLL);
  const machine = other.machine(vm.id ?? '');
  assert.equal(machine?.port, port, 'the reserved port is the VM\'s SSH port');
  // A second VM still being created when the emulator closes does not outlive it either.
  const nic2 = await n.networkInterfaces.beginCreateOrUpdateAndWait('left', 'nic2', { location: LOCATION, ipConfigurations: [{ name: 'ip', subnet: { id: vnet.subnets?.[0]?.id ?? '' } }] }, POLL);
  const creating = c.virtualMachines.createOrUpdate('left', 'vm2', {
    location: LOCATION,
    storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } },
    osProfile: { computerName: 'vm2', adminUsername: 'packer', adminPassword: 'Bakehouse-Pw-1' },
    networkProfile: { networkInterfaces: [{ id: nic2.id ?? '' }] },
  }, POLL);
  creating.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 50));
  await other.close();
  assert.throws(() => execFileSync('docker', ['inspect', machine?.containerId ?? 'none'], { stdio: 'ignore' }));
  assert.equal(execFileSync('docker', ['ps', '-aq', '--filter', `label=${other.containerLabel}`], { encoding: 'utf8' }).trim(), '');
});

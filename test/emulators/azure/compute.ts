/**
 * Microsoft.Compute resources:
 * - Virtual machines, api-version 2026-03-01 as @azure/arm-compute 24.1.0 sends it:
 *   learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update, …/get (with $expand=instanceView),
 *   …/instance-view, …/deallocate, …/power-off, …/start, …/generalize, …/delete. A VM is an sshd container
 *   (machines.ts) trusting osProfile.linuxConfiguration.ssh.publicKeys for osProfile.adminUsername.
 * - Managed disks, api-version 2025-01-02: learn.microsoft.com/rest/api/compute/disks/create-or-update, …/get,
 *   …/delete. A VM's OS disk is made with it, named `{vm}_OsDisk_1_{hex}` as Azure names it, and outlives it unless
 *   its deleteOption is Delete.
 * - Images, api-version 2026-03-01: learn.microsoft.com/rest/api/compute/images/create-or-update (from
 *   properties.sourceVirtualMachine, which must be generalized, or from an OS disk), …/get, …/delete. Capturing commits
 *   the VM's container, so a VM booted from the image has what the provisioners left.
 */
import type { Action, Env, Kind, PutInput } from './kinds';
import { tagsOf } from './kinds';
import { SSHD_IMAGE } from '../../support/ec2-instance';
import { findPlatformImage, resolveVersion } from './platform-images';
import { resourceGroupOf, sameId, type ArmResource } from './store';
import { armError, field, isRecord, type ArmError, type ArmReply } from './wire';

const VM = 'Microsoft.Compute/virtualMachines';
const DISK = 'Microsoft.Compute/disks';
const IMAGE = 'Microsoft.Compute/images';

type PowerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

interface VmState {
  power: PowerState;
  generalized: boolean;
}

/** What Resource Manager knows and does not return: power states, and the Docker image behind each image resource. */
interface ComputeState {
  vms: Map<string, VmState>;
  /** Docker image by image / gallery image version / disk resource id (lower case). */
  dockerImages: Map<string, string>;
}

const states = new WeakMap<Env, ComputeState>();
function state(env: Env): ComputeState {
  let s = states.get(env);
  if (!s) states.set(env, (s = { vms: new Map(), dockerImages: new Map() }));
  return s;
}

export function dockerImageOf(env: Env, resourceId: string): string | undefined {
  return state(env).dockerImages.get(resourceId.toLowerCase());
}

export function setDockerImage(env: Env, resourceId: string, image: string): void {
  state(env).dockerImages.set(resourceId.toLowerCase(), image);
}

function vmState(env: Env, id: string): VmState {
  const s = state(env).vms;
  let v = s.get(id.toLowerCase());
  if (!v) s.set(id.toLowerCase(), (v = { power: 'starting', generalized: false }));
  return v;
}

function invalid(target: string, message: string): ArmError {
  return armError(400, 'InvalidParameter', `${message} Target: '${target}'.`);
}

const RESERVED_USERS = new Set(['administrator', 'admin', 'user', 'user1', 'test', 'user2', 'test1', 'user3', 'admin1', '1', '123', 'a', 'actuser', 'adm', 'admin2', 'aspnet', 'backup', 'console', 'david', 'guest', 'john', 'owner', 'root', 'server', 'sql', 'support', 'support_388945a0', 'sys', 'test2', 'test3', 'user4', 'user5']);

function location(input: PutInput): string {
  return typeof input.body.location === 'string' ? input.body.location : input.existing?.location ?? input.resourceGroupLocation;
}

/** The Docker image and the echoed imageReference for a VM's storageProfile.imageReference. */
function sourceImage(env: Env, ref: unknown): { image: string; imageReference: Record<string, unknown> } | ArmError {
  if (!isRecord(ref)) return invalid('imageReference', 'Required parameter \'imageReference\' is missing (null).');
  if (typeof ref.id === 'string') {
    const image = dockerImageOf(env, ref.id) ?? latestGalleryImage(env, ref.id);
    if (!image) return armError(404, 'NotFound', `The Image '${ref.id}' cannot be found in '${env.subscriptionId}' subscription.`);
    return { image, imageReference: { id: ref.id } };
  }
  const [publisher, offer, sku, version] = [ref.publisher, ref.offer, ref.sku, ref.version ?? 'latest'].map((x) => (typeof x === 'string' ? x : ''));
  const found = findPlatformImage(publisher, offer, sku);
  const exact = found && resolveVersion(found, version);
  if (!found || !exact) return armError(404, 'PlatformImageNotFound', `The platform image '${publisher}:${offer}:${sku}:${version}' is not available. Verify that all fields in the storage profile are correct.`);
  return { image: SSHD_IMAGE, imageReference: { publisher, offer, sku, version, exactVersion: exact } };
}

/** A gallery image definition's id boots its newest version. */
function latestGalleryImage(env: Env, id: string): string | undefined {
  const versions = env.store.under(id).filter((r) => r.type === 'Microsoft.Compute/galleries/images/versions');
  const newest = versions.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })).at(-1);
  return newest ? dockerImageOf(env, newest.id) : undefined;
}

const virtualMachines: Kind = {
  type: VM,
  operations: 'VirtualMachines',
  longRunningPut: true,
  put(env, input) {
    const b = input.body;
    const tags = tagsOf(b) ?? input.existing?.tags;
    if (input.existing) {
      // An update changes what a running VM can change here: its tags.
      return { resource: { ...input.existing, ...(tags ? { tags } : {}), properties: { ...input.existing.properties } } };
    }
    const p = isRecord(b.properties) ? b.properties : {};
    const source = sourceImage(env, field(p, 'storageProfile', 'imageReference'));
    if ('code' in source) return source;
    const user = field(p, 'osProfile', 'adminUsername');
    if (typeof user !== 'string' || !user) return invalid('adminUsername', "Required parameter 'adminUsername' is missing (null).");
    if (!/^[a-z_][a-z0-9_-]{0,31}$/i.test(user) || RESERVED_USERS.has(user.toLowerCase())) return invalid('adminUsername', 'The Admin Username specified is not allowed.');
    const linux = field(p, 'osProfile', 'linuxConfiguration');
    const keys = field(linux, 'ssh', 'publicKeys');
    const publicKeys: string[] = [];
    for (const k of Array.isArray(keys) ? keys : []) {
      const path = field(k, 'path');
      const data = field(k, 'keyData');
      if (path !== `/home/${user}/.ssh/authorized_keys`) {
        return invalid('linuxConfiguration.ssh.publicKeys.path', `Destination path for SSH public keys is currently limited to its default value /home/${user}/.ssh/authorized_keys due to a known issue in Linux provisioning agent.`);
      }
      if (typeof data !== 'string' || !/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+) [A-Za-z0-9+/=]+/.test(data.trim())) return invalid('linuxConfiguration.ssh.publicKeys.keyData', 'The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.');
      publicKeys.push(data.trim());
    }
    const password = field(p, 'osProfile', 'adminPassword');
    if (publicKeys.length === 0 && typeof password !== 'string') return invalid('linuxConfiguration', 'Authentication using either SSH or by user name and password must be enabled in Linux profile.');
    const nics = field(p, 'networkProfile', 'networkInterfaces');
    const nicIds = (Array.isArray(nics) ? nics : []).map((n) => field(n, 'id')).filter((x): x is string => typeof x === 'string');
    if (nicIds.length === 0) return invalid('networkProfile', 'At least one network interface is required.');
    for (const id of nicIds) {
      const nic = env.store.get(id);
      if (!nic) return armError(400, 'InvalidParameter', `Resource ${id} not found. Target: 'networkProfile.networkInterfaces'.`);
      const holder = field(nic.properties, 'virtualMachine', 'id');
      if (typeof holder === 'string' && !sameId(holder, input.id)) return armError(400, 'NicInUse', `Network interface ${id} is in use by ${holder}.`);
    }
    const customData = field(p, 'osProfile', 'customData');
    const osDiskIn = field(p, 'storageProfile', 'osDisk');
    const diskName = typeof field(osDiskIn, 'name') === 'string' ? String(field(osDiskIn, 'name')) : `${input.name}_OsDisk_1_${crypto.randomUUID().replace(/-/g, '')}`;
    const diskId = `${resourceGroupOf(input.id) ?? ''}/providers/${DISK}/${diskName}`;
    const storageAccountType = String(field(osDiskIn, 'managedDisk', 'storageAccountType') ?? 'Premium_LRS');
    const diskSizeGB = Number(field(osDiskIn, 'diskSizeGB') ?? 30);
    const deleteOption = String(field(osDiskIn, 'deleteOption') ?? 'Detach');
    const loc = location(input);
    const computerName = String(field(p, 'osProfile', 'computerName') ?? input.name);
    const vm: ArmResource = {
      id: input.id,
      name: input.name,
      type: VM,
      location: loc,
      ...(tags ? { tags } : {}),
      properties: {
        vmId: crypto.randomUUID(),
        hardwareProfile: { vmSize: field(p, 'hardwareProfile', 'vmSize') ?? 'Standard_D2s_v3' },
        storageProfile: {
          imageReference: source.imageReference,
          osDisk: { osType: 'Linux', name: diskName, createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType, id: diskId }, deleteOption, diskSizeGB },
          dataDisks: [],
        },
        osProfile: {
          computerName,
          adminUsername: user,
          linuxConfiguration: { disablePasswordAuthentication: field(linux, 'disablePasswordAuthentication') ?? publicKeys.length > 0, ...(publicKeys.length ? { ssh: { publicKeys: (keys as unknown[]).map((k) => ({ path: field(k, 'path'), keyData: field(k, 'keyData') })) } } : {}), provisionVMAgent: true },
          secrets: [],
          allowExtensionOperations: true,
          requireGuestProvisionSignal: true,
        },
        networkProfile: { networkInterfaces: nicIds.map((id, i) => ({ id: env.store.get(id)?.id ?? id, ...(nicIds.length > 1 ? { properties: { primary: i === 0 } } : {}) })) },
        timeCreated: new Date().toISOString(),
      },
    };
    env.store.put({
      id: diskId,
      name: diskName,
      type: DISK,
      location: loc,
      managedBy: vm.id,
      sku: { name: storageAccountType, tier: storageAccountType.startsWith('Premium') ? 'Premium' : 'Standard' },
      properties: { osType: 'Linux', hyperVGeneration: 'V1', creationData: { createOption: 'FromImage', imageReference: { id: typeof source.imageReference.id === 'string' ? source.imageReference.id : '' } }, diskSizeGB, diskState: 'Attached', timeCreated: new Date().toISOString(), provisioningState: 'Succeeded', uniqueId: crypto.randomUUID() },
    });
    for (const id of nicIds) {
      const nic = env.store.get(id);
      if (nic) nic.properties.virtualMachine = { id: vm.id };
    }
    const power = vmState(env, vm.id);
    power.power = 'starting';
    return {
      resource: vm,
      work: async () => {
        await env.machines.start({
          vmId: vm.id,
          computerName,
          adminUsername: user,
          publicKeys,
          ...(typeof password === 'string' ? { adminPassword: password } : {}),
          image: source.image,
          ...(typeof customData === 'string' ? { customData: Buffer.from(customData, 'base64').toString('utf8') } : {}),
        });
        power.power = 'running';
      },
    };
  },
  view(env, r, req) {
    return /instanceView/i.test(req.query.get('$expand') ?? '') ? { ...r, properties: { ...r.properties, instanceView: instanceView(env, r) } } : r;
  },
  deleteWork: (env, r) => env.machines.remove(r.id),
  deleted(env, r) {
    state(env).vms.delete(r.id.toLowerCase());
    for (const nic of env.store.all()) if (sameId(String(field(nic.properties, 'virtualMachine', 'id')), r.id)) delete nic.properties.virtualMachine;
    const diskId = String(field(r.properties, 'storageProfile', 'osDisk', 'managedDisk', 'id'));
    const disk = env.store.get(diskId);
    if (!disk) return;
    if (sameId(String(field(r.properties, 'storageProfile', 'osDisk', 'deleteOption')), 'Delete')) env.store.delete(disk.id);
    else {
      delete disk.managedBy;
      disk.properties.diskState = 'Unattached';
    }
  },
  actions: {
    instanceView: { method: 'GET', operation: 'VirtualMachines_InstanceView', run: (env, r) => ({ status: 200, body: instanceView(env, r) }) },
    deallocate: powerAction('VirtualMachines_Deallocate', 'deallocating', 'deallocated', (env, id) => env.machines.stop(id)),
    powerOff: powerAction('VirtualMachines_PowerOff', 'stopping', 'stopped', (env, id) => env.machines.stop(id)),
    start: powerAction('VirtualMachines_Start', 'starting', 'running', (env, id) => env.machines.restart(id)),
    generalize: {
      method: 'POST',
      operation: 'VirtualMachines_Generalize',
      run(env, r) {
        const s = vmState(env, r.id);
        if (s.power === 'running' || s.power === 'starting') return armError(409, 'OperationNotAllowed', `Operation 'generalize' is not allowed on VM '${r.name}' since the VM is running. Please stop or deallocate the VM first.`);
        s.generalized = true;
        return { status: 200 };
      },
    },
  },
};

/** A POST that changes a VM's power state: 202 with Location and Azure-AsyncOperation, done once the container has. */
function powerAction(operation: string, during: PowerState, after: PowerState, work: (env: Env, vmId: string) => Promise<void>): Action {
  return {
    method: 'POST',
    operation,
    run(env, r, req): ArmReply | ArmError {
      const s = vmState(env, r.id);
      if (r.properties.provisioningState === 'Creating') return armError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${r.name}' since the VM is being created.`);
      if (after === 'running' && s.generalized) return armError(409, 'OperationNotAllowed', `Operation 'start' is not allowed on VM '${r.name}' since the VM is generalized.`);
      const before = s.power;
      s.power = during;
      const op = env.ops.start({
        operation,
        scope: `/subscriptions/${env.subscriptionId}/providers/Microsoft.Compute/locations/${r.location ?? 'westus'}`,
        failure: env.faults.takeLroFailure(operation),
        work: () => work(env, r.id),
        settle: (outcome) => {
          s.power = outcome.status === 'Succeeded' ? after : before;
        },
      });
      return { status: 202, headers: env.ops.headers(op, { asyncOperation: true, location: true }, req.query.get('api-version') ?? '') };
    },
  };
}

const POWER_TEXT: Record<PowerState, string> = { starting: 'VM starting', running: 'VM running', stopping: 'VM stopping', stopped: 'VM stopped', deallocating: 'VM deallocating', deallocated: 'VM deallocated' };

function instanceView(env: Env, r: ArmResource): Record<string, unknown> {
  const s = vmState(env, r.id);
  const ps = String(r.properties.provisioningState ?? 'Succeeded').toLowerCase();
  const time = new Date().toISOString();
  return {
    computerName: field(r.properties, 'osProfile', 'computerName'),
    osName: 'debian',
    osVersion: '12',
    hyperVGeneration: 'V1',
    disks: [{ name: field(r.properties, 'storageProfile', 'osDisk', 'name'), statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time }] }],
    statuses: [
      { code: `ProvisioningState/${ps}`, level: 'Info', displayStatus: `Provisioning ${ps}`, time },
      { code: `PowerState/${s.power}`, level: 'Info', displayStatus: POWER_TEXT[s.power] },
      ...(s.generalized ? [{ code: 'OSState/generalized', level: 'Info', displayStatus: 'VM generalized' }] : []),
    ],
  };
}

const disks: Kind = {
  type: DISK,
  operations: 'Disks',
  longRunningPut: true,
  put(_env, input) {
    if (input.existing) return { resource: { ...input.existing, ...(tagsOf(input.body) ? { tags: tagsOf(input.body) } : {}) } };
    const createOption = field(input.body, 'properties', 'creationData', 'createOption');
    if (createOption !== 'Empty') return invalid('creationData.createOption', `Creating a disk with createOption '${String(createOption)}' is not supported by this emulator; use Empty.`);
    const size = Number(field(input.body, 'properties', 'diskSizeGB'));
    if (!Number.isInteger(size) || size < 1) return invalid('diskSizeGB', 'Disk size must be specified for an empty disk.');
    const tags = tagsOf(input.body);
    const sku = isRecord(input.body.sku) ? input.body.sku : { name: 'Standard_LRS', tier: 'Standard' };
    return { resource: { id: input.id, name: input.name, type: DISK, location: location(input), ...(tags ? { tags } : {}), sku, properties: { creationData: { createOption: 'Empty' }, diskSizeGB: size, diskState: 'Unattached', timeCreated: new Date().toISOString(), uniqueId: crypto.randomUUID() } } };
  },
  refuseDelete(_env, r) {
    return r.managedBy ? armError(409, 'OperationNotAllowed', `Disk ${r.name} is attached to VM ${r.managedBy}.`) : undefined;
  },
};

const images: Kind = {
  type: IMAGE,
  operations: 'Images',
  longRunningPut: true,
  put(env, input) {
    if (input.existing) return { resource: { ...input.existing, ...(tagsOf(input.body) ? { tags: tagsOf(input.body) } : {}) } };
    const p = isRecord(input.body.properties) ? input.body.properties : {};
    const vmId = field(p, 'sourceVirtualMachine', 'id');
    const diskIdIn = field(p, 'storageProfile', 'osDisk', 'managedDisk', 'id');
    let machineVm: string;
    let osDisk: Record<string, unknown>;
    if (typeof vmId === 'string') {
      const vm = env.store.get(vmId);
      if (!vm) return armError(404, 'NotFound', `Resource ${vmId} not found.`);
      if (!vmState(env, vm.id).generalized) return armError(409, 'OperationNotAllowed', `The operation 'Create Image' is not allowed on VM '${vm.name}' since the VM is not generalized. Generalize the VM first.`);
      machineVm = vm.id;
      const d = field(vm.properties, 'storageProfile', 'osDisk');
      osDisk = { osType: 'Linux', osState: 'Generalized', diskSizeGB: field(d, 'diskSizeGB'), managedDisk: { id: field(d, 'managedDisk', 'id') }, caching: 'ReadWrite', storageAccountType: field(d, 'managedDisk', 'storageAccountType') };
    } else if (typeof diskIdIn === 'string') {
      const disk = env.store.get(diskIdIn);
      if (!disk) return armError(404, 'NotFound', `Resource ${diskIdIn} not found.`);
      if (!disk.managedBy && !dockerImageOf(env, disk.id)) return invalid('storageProfile.osDisk.managedDisk', `Disk ${disk.name} holds no operating system this emulator can capture.`);
      machineVm = disk.managedBy ?? '';
      osDisk = { osType: 'Linux', osState: field(p, 'storageProfile', 'osDisk', 'osState') ?? 'Generalized', diskSizeGB: disk.properties.diskSizeGB, managedDisk: { id: disk.id }, caching: 'ReadWrite', storageAccountType: disk.sku?.name };
    } else {
      return invalid('sourceVirtualMachine', 'Either sourceVirtualMachine or storageProfile.osDisk must be given.');
    }
    const tags = tagsOf(input.body);
    const r: ArmResource = {
      id: input.id,
      name: input.name,
      type: IMAGE,
      location: location(input),
      ...(tags ? { tags } : {}),
      properties: { ...(typeof vmId === 'string' ? { sourceVirtualMachine: { id: env.store.get(vmId)?.id ?? vmId } } : {}), storageProfile: { osDisk, dataDisks: [], zoneResilient: false }, hyperVGeneration: field(p, 'hyperVGeneration') ?? 'V1' },
    };
    return {
      resource: r,
      work: async () => {
        const tag = crypto.randomUUID().slice(0, 12);
        const image = machineVm ? await env.machines.commit(machineVm, tag) : dockerImageOf(env, String(diskIdIn));
        if (!image) throw armError(500, 'InternalOperationError', `Nothing to capture for ${r.id}.`);
        setDockerImage(env, r.id, image);
      },
    };
  },
};

export const COMPUTE_KINDS: Kind[] = [virtualMachines, disks, images];

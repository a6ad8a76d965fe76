/**
 * Microsoft.Network resources, api-version 2025-05-01 as @azure/arm-network 36.0.0 sends it: public IP addresses
 * (learn.microsoft.com/rest/api/virtualnetwork/public-ip-addresses/create-or-update), virtual networks with their subnets
 * (learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/create-or-update,
 * learn.microsoft.com/rest/api/virtualnetwork/subnets/create-or-update) and network interfaces
 * (learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/create-or-update). References are checked as Azure
 * checks them (InvalidResourceReference), and a resource still in use cannot be deleted (PublicIPAddressCannotBeDeleted,
 * InUseSubnetCannotBeDeleted, NicInUse), which is what makes a cleanup's order matter.
 *
 * Every address handed out is 127.0.0.1 — the public IP's `ipAddress` and the NIC's `privateIPAddress` alike — so a
 * client that connects to what Azure reports reaches the VM's published SSH port here and never a private range.
 */
import type { Env, Kind, PutOutcome } from './kinds';
import { tagsOf } from './kinds';
import { sameId, type ArmResource } from './store';
import { armError, field, isRecord, type ArmError } from './wire';

export const LOOPBACK = '127.0.0.1';
const PIP = 'Microsoft.Network/publicIPAddresses';
const VNET = 'Microsoft.Network/virtualNetworks';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const NIC = 'Microsoft.Network/networkInterfaces';

const etag = (): string => `W/"${crypto.randomUUID()}"`;

function base(input: { id: string; name: string; body: Record<string, unknown>; resourceGroupLocation: string; existing?: ArmResource }, type: string): Omit<ArmResource, 'properties'> {
  const tags = tagsOf(input.body) ?? input.existing?.tags;
  const location = typeof input.body.location === 'string' ? input.body.location : input.existing?.location ?? input.resourceGroupLocation;
  return { id: input.id, name: input.name, type, location, ...(tags ? { tags } : {}) };
}

function missingReference(ref: string, by: string): ArmError {
  return armError(400, 'InvalidResourceReference', `Resource ${ref} referenced by resource ${by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
}

const publicIpAddresses: Kind = {
  type: PIP,
  operations: 'PublicIPAddresses',
  longRunningPut: true,
  put(_env, input): PutOutcome | ArmError {
    const b = input.body;
    const sku = isRecord(b.sku) ? b.sku : { name: 'Standard', tier: 'Regional' };
    const label = field(b, 'properties', 'dnsSettings', 'domainNameLabel');
    const r: ArmResource = {
      ...base(input, PIP),
      sku,
      properties: {
        resourceGuid: (input.existing?.properties.resourceGuid as string | undefined) ?? crypto.randomUUID(),
        publicIPAddressVersion: field(b, 'properties', 'publicIPAddressVersion') ?? 'IPv4',
        publicIPAllocationMethod: field(b, 'properties', 'publicIPAllocationMethod') ?? (sameId(String(sku.name), 'Basic') ? 'Dynamic' : 'Static'),
        idleTimeoutInMinutes: field(b, 'properties', 'idleTimeoutInMinutes') ?? 4,
        ipTags: [],
        ipAddress: LOOPBACK,
        ...(typeof label === 'string' ? { dnsSettings: { domainNameLabel: label, fqdn: `${label}.${input.resourceGroupLocation}.cloudapp.azure.com` } } : {}),
        ...(input.existing?.properties.ipConfiguration ? { ipConfiguration: input.existing.properties.ipConfiguration } : {}),
      },
    };
    return { resource: r };
  },
  refuseDelete(_env, r) {
    const used = field(r.properties, 'ipConfiguration', 'id');
    if (typeof used !== 'string') return undefined;
    return armError(400, 'PublicIPAddressCannotBeDeleted', `Public IP address ${r.id} can not be deleted since it is still allocated to resource ${used}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.`);
  },
};

/** A subnet's record; its virtual network lists its subnets from these. */
function subnetRecord(vnetId: string, name: string, props: Record<string, unknown>, existing?: ArmResource): ArmResource {
  return {
    id: `${vnetId}/subnets/${name}`,
    name,
    type: SUBNET,
    properties: {
      addressPrefix: props.addressPrefix ?? existing?.properties.addressPrefix,
      ...(Array.isArray(props.addressPrefixes) ? { addressPrefixes: props.addressPrefixes } : {}),
      ipConfigurations: existing?.properties.ipConfigurations ?? [],
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
      provisioningState: existing?.properties.provisioningState ?? 'Succeeded',
    },
  };
}

function inUse(subnet: ArmResource): string | undefined {
  const configs = subnet.properties.ipConfigurations;
  return Array.isArray(configs) && configs.length ? String(field(configs[0], 'id')) : undefined;
}

function subnetInUse(subnet: ArmResource): ArmError | undefined {
  const by = inUse(subnet);
  return by ? armError(400, 'InUseSubnetCannotBeDeleted', `Subnet ${subnet.name} is in use by ${by} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`) : undefined;
}

const virtualNetworks: Kind = {
  type: VNET,
  operations: 'VirtualNetworks',
  longRunningPut: true,
  put(env, input) {
    const prefixes = field(input.body, 'properties', 'addressSpace', 'addressPrefixes');
    if (!Array.isArray(prefixes) || prefixes.length === 0) return armError(400, 'InvalidAddressSpace', `Address space of virtual network ${input.id} must contain at least one address prefix.`);
    const asked = field(input.body, 'properties', 'subnets');
    const subnets = Array.isArray(asked) ? asked.filter(isRecord) : [];
    const current = env.store.under(input.id).filter((r) => r.type === SUBNET);
    // Subnets left out of the body go, unless something uses them.
    for (const old of current) {
      if (subnets.some((s) => sameId(String(s.name), old.name))) continue;
      const refused = subnetInUse(old);
      if (refused) return refused;
    }
    const r: ArmResource = { ...base(input, VNET), properties: { resourceGuid: (input.existing?.properties.resourceGuid as string | undefined) ?? crypto.randomUUID(), addressSpace: { addressPrefixes: prefixes }, enableDdosProtection: false, virtualNetworkPeerings: [] } };
    return {
      resource: r,
      settled: (status) => {
        if (status !== 'Succeeded') return;
        for (const old of current) if (!subnets.some((s) => sameId(String(s.name), old.name))) env.store.delete(old.id);
        for (const s of subnets) {
          const name = String(s.name);
          env.store.put(subnetRecord(r.id, name, isRecord(s.properties) ? s.properties : {}, env.store.get(`${r.id}/subnets/${name}`)));
        }
      },
    };
  },
  view(env, r) {
    const subnets = env.store.under(r.id).filter((s) => s.type === SUBNET).map((s) => ({ id: s.id, name: s.name, type: s.type, properties: s.properties }));
    return { ...r, properties: { ...r.properties, subnets } };
  },
  refuseDelete(env, r) {
    for (const s of env.store.under(r.id)) {
      const refused = subnetInUse(s);
      if (refused) return refused;
    }
    return undefined;
  },
};

const subnets: Kind = {
  type: SUBNET,
  operations: 'Subnets',
  longRunningPut: true,
  put(_env, input) {
    const props = isRecord(input.body.properties) ? input.body.properties : {};
    if (typeof props.addressPrefix !== 'string' && !Array.isArray(props.addressPrefixes)) return armError(400, 'InvalidRequestFormat', 'Cannot parse the request: the subnet has no addressPrefix.');
    const vnetId = input.id.split('/').slice(0, -2).join('/');
    return { resource: subnetRecord(vnetId, input.name, props, input.existing) };
  },
  refuseDelete: (_env, r) => subnetInUse(r),
};

const networkInterfaces: Kind = {
  type: NIC,
  operations: 'NetworkInterfaces',
  longRunningPut: true,
  put(env, input) {
    const asked = field(input.body, 'properties', 'ipConfigurations');
    const configs = Array.isArray(asked) ? asked.filter(isRecord) : [];
    if (configs.length === 0) return armError(400, 'InvalidRequestFormat', `Network interface ${input.id} must have one or more IP configurations.`);
    const built: Record<string, unknown>[] = [];
    for (const [i, c] of configs.entries()) {
      const name = typeof c.name === 'string' ? c.name : `ipconfig${i + 1}`;
      const subnetId = field(c, 'properties', 'subnet', 'id');
      if (typeof subnetId !== 'string') return armError(400, 'InvalidRequestFormat', `IP configuration ${name} of ${input.id} has no subnet.`);
      if (!env.store.get(subnetId)) return missingReference(subnetId, input.id);
      const pipId = field(c, 'properties', 'publicIPAddress', 'id');
      if (typeof pipId === 'string') {
        const pip = env.store.get(pipId);
        if (!pip) return missingReference(pipId, input.id);
        const holder = field(pip.properties, 'ipConfiguration', 'id');
        if (typeof holder === 'string' && !holder.toLowerCase().startsWith(`${input.id.toLowerCase()}/`)) {
          return armError(400, 'PublicIPAddressInUse', `Resource ${pipId} is referenced by ${holder} and cannot be used by ${input.id}.`);
        }
      }
      built.push({
        id: `${input.id}/ipConfigurations/${name}`,
        name,
        type: `${NIC}/ipConfigurations`,
        etag: etag(),
        properties: {
          privateIPAddress: LOOPBACK,
          privateIPAllocationMethod: field(c, 'properties', 'privateIPAllocationMethod') ?? 'Dynamic',
          privateIPAddressVersion: 'IPv4',
          subnet: { id: env.store.get(subnetId)?.id ?? subnetId },
          ...(typeof pipId === 'string' ? { publicIPAddress: { id: env.store.get(pipId)?.id ?? pipId } } : {}),
          primary: i === 0,
          provisioningState: 'Succeeded',
        },
      });
    }
    const r: ArmResource = {
      ...base(input, NIC),
      properties: {
        resourceGuid: (input.existing?.properties.resourceGuid as string | undefined) ?? crypto.randomUUID(),
        ipConfigurations: built,
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        enableAcceleratedNetworking: field(input.body, 'properties', 'enableAcceleratedNetworking') ?? false,
        enableIPForwarding: false,
        nicType: 'Standard',
        ...(input.existing?.properties.virtualMachine ? { virtualMachine: input.existing.properties.virtualMachine } : {}),
      },
    };
    unlinkNic(env, input.existing);
    linkNic(env, r);
    return { resource: r };
  },
  refuseDelete(_env, r) {
    const vm = field(r.properties, 'virtualMachine', 'id');
    return typeof vm === 'string' ? armError(400, 'NicInUse', `Network Interface ${r.id} is used by existing resource ${vm}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`) : undefined;
  },
  deleted: (env, r) => unlinkNic(env, r),
};

function ipConfigsOf(nic: ArmResource | undefined): Array<{ id: string; subnet?: string; pip?: string }> {
  const list = nic?.properties.ipConfigurations;
  if (!Array.isArray(list)) return [];
  return list.map((c) => ({ id: String(field(c, 'id')), subnet: field(c, 'properties', 'subnet', 'id') as string | undefined, pip: field(c, 'properties', 'publicIPAddress', 'id') as string | undefined }));
}

/** A NIC's IP configurations are listed on its subnet and held by its public IP, as Azure shows them. */
function linkNic(env: Env, nic: ArmResource): void {
  for (const c of ipConfigsOf(nic)) {
    const subnet = c.subnet ? env.store.get(c.subnet) : undefined;
    if (subnet) subnet.properties.ipConfigurations = [...(subnet.properties.ipConfigurations as unknown[]), { id: c.id }];
    const pip = c.pip ? env.store.get(c.pip) : undefined;
    if (pip) pip.properties.ipConfiguration = { id: c.id };
  }
}

function unlinkNic(env: Env, nic: ArmResource | undefined): void {
  for (const c of ipConfigsOf(nic)) {
    const subnet = c.subnet ? env.store.get(c.subnet) : undefined;
    if (subnet) subnet.properties.ipConfigurations = (subnet.properties.ipConfigurations as unknown[]).filter((x) => !sameId(String(field(x, 'id')), c.id));
    const pip = c.pip ? env.store.get(c.pip) : undefined;
    if (pip && sameId(String(field(pip.properties, 'ipConfiguration', 'id')), c.id)) delete pip.properties.ipConfiguration;
  }
}

export const NETWORK_KINDS: Kind[] = [publicIpAddresses, virtualNetworks, subnets, networkInterfaces];

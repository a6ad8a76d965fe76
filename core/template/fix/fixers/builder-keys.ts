/**
 * The fixers that only rename, move or drop one builder option for some builder types: one table row each, since
 * Packer's versions differ only in the type test, the keys and whether the value's kind or an existing newer key matters.
 */
import { fixBuilders, typeOf } from '../decode';
import type { Fixer } from '../fixer';
import type { FixObject, FixValue } from '../value';

type TypeTest = (type: string | undefined) => boolean;

const anyBuilder: TypeTest = () => true;
const typeIs =
  (...types: string[]): TypeTest =>
  (t) =>
    t !== undefined && types.includes(t);
const amazon: TypeTest = (t) => t?.startsWith('amazon-') ?? false;

type Rule =
  /** Move `from` to `to`, replacing what `to` held. */
  | { kind: 'rename'; from: string; to: string; valueIs?: 'bool' }
  /** Move `from` to `to` unless `to` is set (then `from` is just dropped); only when `from` holds a `valueIs`. */
  | { kind: 'rename-unless-set'; from: string; to: string; valueIs: 'string' | 'bool' }
  | { kind: 'remove'; key: string }
  | { kind: 'retype'; from: string; to: string };

interface Row {
  name: string;
  description: string;
  types: TypeTest;
  rules: Rule[];
}

const matchesKind = (v: FixValue | undefined, kind: 'string' | 'bool' | undefined): boolean =>
  kind === undefined || (kind === 'bool' ? typeof v === 'boolean' : typeof v === 'string');

function apply(rule: Rule, b: FixObject): void {
  switch (rule.kind) {
    case 'retype':
      if (b.get('type') === rule.from) b.set('type', rule.to);
      return;
    case 'remove':
      b.delete(rule.key);
      return;
    case 'rename': {
      if (!b.has(rule.from) || !matchesKind(b.get(rule.from), rule.valueIs)) return;
      const v = b.get(rule.from)!;
      b.delete(rule.from);
      b.set(rule.to, v);
      return;
    }
    case 'rename-unless-set': {
      const v = b.get(rule.from);
      if (v === undefined || !matchesKind(v, rule.valueIs)) return;
      if (!b.has(rule.to)) b.set(rule.to, v);
      b.delete(rule.from);
      return;
    }
  }
}

const ROWS: Row[] = [
  { name: 'vmware-rename', description: 'Renames the "vmware" builder type to "vmware-iso"', types: anyBuilder, rules: [{ kind: 'retype', from: 'vmware', to: 'vmware-iso' }] },
  { name: 'parallels-headless', description: 'Drops "headless", which Parallels builders no longer read', types: typeIs('parallels-iso', 'parallels-pvm'), rules: [{ kind: 'remove', key: 'headless' }] },
  {
    name: 'parallels-deprecations',
    description: 'Drops "parallels_tools_host_path" from Parallels builders and moves "guest_os_distribution" to "guest_os_type"',
    types: typeIs('parallels-iso', 'parallels-pvm'),
    rules: [
      { kind: 'remove', key: 'parallels_tools_host_path' },
      { kind: 'rename', from: 'guest_os_distribution', to: 'guest_os_type' },
    ],
  },
  { name: 'sshkeypath', description: 'Moves "ssh_key_path" to "ssh_private_key_file"', types: anyBuilder, rules: [{ kind: 'rename-unless-set', from: 'ssh_key_path', to: 'ssh_private_key_file', valueIs: 'string' }] },
  {
    name: 'sshdisableagent',
    description: 'Moves "ssh_disable_agent" to "ssh_disable_agent_forwarding"',
    types: anyBuilder,
    rules: [{ kind: 'rename-unless-set', from: 'ssh_disable_agent', to: 'ssh_disable_agent_forwarding', valueIs: 'bool' }],
  },
  { name: 'scaleway-access-key', description: 'Moves "access_key" of Scaleway builders to "organization_id"', types: typeIs('scaleway'), rules: [{ kind: 'rename-unless-set', from: 'access_key', to: 'organization_id', valueIs: 'string' }] },
  { name: 'amazon-shutdown_behavior', description: 'Corrects the spelling "shutdown_behaviour" to "shutdown_behavior" in Amazon builders', types: amazon, rules: [{ kind: 'rename', from: 'shutdown_behaviour', to: 'shutdown_behavior' }] },
  { name: 'amazon-enhanced-networking', description: 'Moves "enhanced_networking" of Amazon builders to "ena_support"', types: amazon, rules: [{ kind: 'rename', from: 'enhanced_networking', to: 'ena_support', valueIs: 'bool' }] },
  { name: 'hyperv-deprecations', description: 'Drops "vhd_temp_path" from Hyper-V ISO builders', types: typeIs('hyperv-iso'), rules: [{ kind: 'remove', key: 'vhd_temp_path' }] },
  { name: 'hyperv-vmxc-typo', description: 'Corrects "clone_from_vmxc_path" to "clone_from_vmcx_path" in Hyper-V VMCX builders', types: typeIs('hyperv-vmcx'), rules: [{ kind: 'rename', from: 'clone_from_vmxc_path', to: 'clone_from_vmcx_path' }] },
  {
    name: 'hyperv-cpu-and-ram',
    description: 'Moves "cpu" to "cpus" and "ram_size" to "memory" in Hyper-V builders',
    types: typeIs('hyperv-vmcx', 'hyperv-iso'),
    rules: [
      { kind: 'rename', from: 'cpu', to: 'cpus' },
      { kind: 'rename', from: 'ram_size', to: 'memory' },
    ],
  },
  {
    name: 'spot-price-auto-product',
    description: 'Drops "spot_price_auto_product" from Amazon builders',
    types: typeIs('amazon-ebs', 'amazon-ebssurrogate', 'amazon-ebsvolume', 'amazon-instance'),
    rules: [{ kind: 'remove', key: 'spot_price_auto_product' }],
  },
  {
    name: 'qemu-host-port',
    description: 'Moves "ssh_host_port_min"/"ssh_host_port_max" of QEMU builders to "host_port_min"/"host_port_max"',
    types: typeIs('qemu'),
    rules: [
      { kind: 'rename', from: 'ssh_host_port_min', to: 'host_port_min' },
      { kind: 'rename', from: 'ssh_host_port_max', to: 'host_port_max' },
    ],
  },
  { name: 'proxmox-type', description: 'Renames the "proxmox" builder type to "proxmox-iso"', types: anyBuilder, rules: [{ kind: 'retype', from: 'proxmox', to: 'proxmox-iso' }] },
];

export const BUILDER_KEY_FIXERS: ReadonlyMap<string, Fixer> = new Map(
  ROWS.map((row) => [
    row.name,
    {
      name: row.name,
      description: row.description,
      fix: (template) =>
        fixBuilders(template, (b) => {
          if (!row.types(typeOf(b))) return;
          for (const rule of row.rules) apply(rule, b);
        }),
    },
  ]),
);

/**
 * How Packer names a key a legacy JSON component does not have. JSON configs are decoded by the plugin SDK
 * (template/config.Decode), not by an HCL2 spec, and it words an unused key one of two ways: "Deprecated configuration
 * key" when `packer fix` rewrites it — only for a component that tells the SDK its plugin type, and only for the keys
 * listed for that type — and "unknown configuration key" otherwise.
 */
import type { ComponentKind } from './schema';

/**
 * The plugin type each component passes to the SDK's decoder (`DecodeOpts.PluginType`: its builder id or its name), as
 * in the releases the reference runs (Packer 1.14.3's own components and each plugin's). Absent: it passes none
 * (vmware's builders, shell-local, the vagrant post-processor, Bakehouse's own upload).
 */
const SDK_PLUGIN_TYPE: Partial<Record<`${ComponentKind}/${string}`, string>> = {
  'builder/amazon-ebs': 'mitchellh.amazonebs',
  'builder/azure-arm': 'Azure.ResourceManagement.VMImage',
  'builder/docker': 'packer.docker',
  'builder/googlecompute': 'packer.googlecompute',
  'builder/null': 'fnoeding.null',
  'builder/qemu': 'transcend.qemu',
  'builder/virtualbox-iso': 'mitchellh.virtualbox',
  'builder/virtualbox-ovf': 'mitchellh.virtualbox',
  'provisioner/ansible': 'ansible',
  'provisioner/ansible-local': 'ansible-local',
  'provisioner/breakpoint': 'breakpoint',
  'provisioner/chef-solo': 'chef-solo',
  'provisioner/file': 'file',
  'provisioner/powershell': 'powershell',
  'provisioner/puppet-masterless': 'puppet-masterless',
  'provisioner/salt-masterless': 'salt-masterless',
  'provisioner/shell': 'shell',
  'provisioner/windows-restart': 'windows-restart',
  'provisioner/windows-shell': 'windows-shell',
  'post-processor/amazon-import': 'packer.post-processor.amazon-import',
  'post-processor/artifice': 'artifice',
  'post-processor/checksum': 'checksum',
  'post-processor/compress': 'compress',
  'post-processor/docker-import': 'packer.post-processor.docker-import',
  'post-processor/docker-push': 'packer.post-processor.docker-import',
  'post-processor/docker-save': 'packer.post-processor.docker-save',
  'post-processor/docker-tag': 'packer.post-processor.docker-tag',
  'post-processor/manifest': 'packer.post-processor.manifest',
};

/** The SDK's list of keys `packer fix` handles, by plugin-type glob (template/config/deprecated_options.go, v0.6.x). */
const DEPRECATED_OPTIONS: Array<[glob: string, keys: string[]]> = [
  ['*', ['iso_md5', 'ssh_key_path', 'ssh_disable_agent', 'ssh_host_port_min', 'ssh_host_port_max', 'ssh_skip_nat_mapping', 'ssh_wait_timeout', 'iso_checksum_url', 'iso_checksum_type']],
  ['*amazon*', ['shutdown_behaviour', 'enhanced_networking', 'ssh_private_ip', 'temporary_security_group_source_cidr', 'clean_ami_name', 'spot_price_auto_product']],
  ['Azure*', ['clean_image_name', 'exlude_from_latest']],
  ['MSOpenTech.hyperv', ['vhd_temp_path', 'clone_from_vmxc_path', 'cpu', 'ram_size']],
  ['ansible', ['galaxycommand']],
  ['hashicorp.scaleway', ['access_key']],
  ['jetbrains.vsphere', ['network_card', 'network', 'networkCard', 'disk_size', 'disk_thin_provisioned', 'disk_eagerly_scrub']],
  ['mitchellh.virtualbox', ['guest_additions_attach']],
  ['packer.docker', ['login_email']],
  ['packer.googlecompute', ['clean_image_name']],
  ['packer.parallels', ['headless', 'parallels_tools_host_path', 'guest_os_distribution']],
  ['packer.post-processor.docker-import', ['login_email']],
  ['packer.post-processor.docker-tag', ['tag']],
  ['packer.post-processor.manifest', ['filename']],
  ['transcend.qemu', ['ssh_host_port_max', 'ssh_host_port_min']],
];

/** The SDK's globs: `*` matches any run of characters, everything else itself. */
const globMatches = (glob: string, s: string): boolean =>
  new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(s);

/** Packer's message for `key` set in a legacy JSON component of this kind and type that has no such key. */
export function legacyUnknownKeyMessage(kind: ComponentKind, type: string, key: string): string {
  const pluginType = SDK_PLUGIN_TYPE[`${kind}/${type}`];
  const fixable = pluginType !== undefined && DEPRECATED_OPTIONS.some(([glob, keys]) => keys.includes(key) && globMatches(glob, pluginType));
  if (fixable) {
    return `Deprecated configuration key: '${key}'. Please call \`packer fix\` against your template to update your template to be compatible with the current version of Packer. Visit https://www.packer.io/docs/commands/fix/ for more detail.`;
  }
  // Go's %q inside quotes, as the SDK writes it: '"key"'.
  return `unknown configuration key: '${JSON.stringify(key)}'`;
}

/**
 * Component types built into Packer 1.6.6. A template naming one of these is valid for Packer even when
 * Bakehouse has no schema for it yet, so its settings go unchecked instead of being rejected.
 */
import type { ComponentKind } from '../../components/schema';

const BUILDERS = [
  'alicloud-ecs', 'amazon-chroot', 'amazon-ebs', 'amazon-ebssurrogate', 'amazon-ebsvolume', 'amazon-instance', 'azure-arm', 'azure-chroot',
  'azure-dtl', 'cloudstack', 'digitalocean', 'docker', 'file', 'googlecompute', 'hcloud', 'hyperone', 'hyperv-iso', 'hyperv-vmcx', 'jdcloud',
  'linode', 'lxc', 'lxd', 'ncloud', 'null', 'oneandone', 'openstack', 'oracle-classic', 'oracle-oci', 'osc-bsu', 'osc-bsusurrogate',
  'osc-bsuvolume', 'osc-chroot', 'parallels-iso', 'parallels-pvm', 'profitbricks', 'proxmox', 'proxmox-clone', 'proxmox-iso', 'qemu',
  'scaleway', 'tencentcloud-cvm', 'triton', 'ucloud-uhost', 'vagrant', 'virtualbox-iso', 'virtualbox-ovf', 'virtualbox-vm', 'vmware-iso',
  'vmware-vmx', 'vsphere-clone', 'vsphere-iso', 'yandex',
];
const PROVISIONERS = [
  'ansible', 'ansible-local', 'azure-dtlartifact', 'breakpoint', 'chef-client', 'chef-solo', 'converge', 'file', 'inspec', 'powershell',
  'puppet-masterless', 'puppet-server', 'salt-masterless', 'shell', 'shell-local', 'sleep', 'windows-restart', 'windows-shell',
];
const POST_PROCESSORS = [
  'alicloud-import', 'amazon-import', 'artifice', 'checksum', 'compress', 'digitalocean-import', 'docker-import', 'docker-push', 'docker-save',
  'docker-tag', 'exoscale-import', 'googlecompute-export', 'googlecompute-import', 'manifest', 'shell-local', 'ucloud-import', 'vagrant',
  'vagrant-cloud', 'vsphere', 'vsphere-template', 'yandex-export', 'yandex-import',
];

const BUILT_IN: Record<ComponentKind, Set<string>> = {
  builder: new Set(BUILDERS),
  provisioner: new Set(PROVISIONERS),
  'post-processor': new Set(POST_PROCESSORS),
  data: new Set(),
};

export function isPackerBuiltIn(kind: ComponentKind, type: string): boolean {
  return BUILT_IN[kind].has(type);
}

/** Every fixer of Packer 1.14.3, in the order `packer fix` runs them (fix/fixer.go's FixerOrder): later ones rely on earlier ones. */
import type { Fixer } from './fixer';
import { amazonPrivateIp } from './fixers/amazon-private-ip';
import { amazonTempSecurityCidrs } from './fixers/amazon-temp-sec-cidrs';
import { azureExcludeFromLatest } from './fixers/azure-exclude-from-latest';
import { BUILDER_KEY_FIXERS } from './fixers/builder-keys';
import { cleanImageName } from './fixers/clean-image-name';
import { commConfig } from './fixers/comm-config';
import { createTime } from './fixers/createtime';
import { dockerEmail } from './fixers/docker-email';
import { dockerTagTags } from './fixers/docker-tag-tags';
import { galaxyCommand } from './fixers/galaxy-command';
import { isoChecksumTypeAndUrl } from './fixers/iso-checksum-type-and-url';
import { isoMd5 } from './fixers/iso-md5';
import { manifestFilename } from './fixers/manifest-filename';
import { powerShellEscapes } from './fixers/powershell-escapes';
import { vagrantOverride } from './fixers/pp-vagrant-override';
import { qemuDiskSize } from './fixers/qemu-disk-size';
import { sshWaitTimeout } from './fixers/ssh-wait-timeout';
import { virtualBoxGaAttach } from './fixers/virtualbox-gaattach';
import { virtualBoxRename } from './fixers/virtualbox-rename';
import { vmwareCompaction } from './fixers/vmware-compaction';
import { vsphereNetworkDisk } from './fixers/vsphere-iso-net-disk';

function keyFixer(name: string): Fixer {
  const f = BUILDER_KEY_FIXERS.get(name);
  if (!f) throw new Error(`no builder-key fixer named ${name}`);
  return f;
}

export const FIXERS: readonly Fixer[] = [
  isoMd5,
  createTime,
  virtualBoxGaAttach,
  vagrantOverride,
  virtualBoxRename,
  keyFixer('vmware-rename'),
  keyFixer('parallels-headless'),
  keyFixer('parallels-deprecations'),
  keyFixer('sshkeypath'),
  keyFixer('sshdisableagent'),
  keyFixer('scaleway-access-key'),
  manifestFilename,
  keyFixer('amazon-shutdown_behavior'),
  keyFixer('amazon-enhanced-networking'),
  amazonPrivateIp,
  amazonTempSecurityCidrs,
  dockerEmail,
  dockerTagTags,
  powerShellEscapes,
  vmwareCompaction,
  keyFixer('hyperv-deprecations'),
  keyFixer('hyperv-vmxc-typo'),
  keyFixer('hyperv-cpu-and-ram'),
  cleanImageName,
  keyFixer('spot-price-auto-product'),
  qemuDiskSize,
  galaxyCommand,
  commConfig,
  sshWaitTimeout,
  vsphereNetworkDisk,
  isoChecksumTypeAndUrl,
  keyFixer('qemu-host-port'),
  azureExcludeFromLatest,
  keyFixer('proxmox-type'),
];

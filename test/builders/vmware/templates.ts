/** The templates the fake-vmrun build tests run: Packer's vmware-iso/vmware-vmx examples cut to what a fake guest needs. */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_PASSWORD, GUEST_USER } from '../../support/fake-vmrun';

/** A small install medium beside the template; its sha256 is what the template's iso_checksum says. */
export function writeIso(dir: string): string {
  const bytes = Buffer.alloc(64 * 1024, 'bakehouse install medium\n');
  writeFileSync(join(dir, 'install.iso'), bytes);
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A machine made by hand before the build, as vmware-vmx's source: a .vmx and its 512 MiB disk from qemu-img. */
export function writeSourceVm(dir: string): string {
  const folder = join(dir, 'base');
  mkdirSync(folder);
  execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', join(folder, 'base.vmdk'), '512M']);
  writeFileSync(
    join(folder, 'base.vmx'),
    [
      '.encoding = "UTF-8"',
      'config.version = "8"',
      'virtualHW.version = "19"',
      'displayName = "base"',
      'guestOS = "debian12-64"',
      'memsize = "1024"',
      'numvcpus = "1"',
      'scsi0.present = "TRUE"',
      'scsi0.virtualDev = "lsilogic"',
      'scsi0:0.present = "TRUE"',
      'scsi0:0.fileName = "base.vmdk"',
      'ethernet0.present = "TRUE"',
      'ethernet0.connectionType = "nat"',
      'ethernet0.virtualDev = "e1000"',
      '',
    ].join('\n'),
  );
  return 'base/base.vmx';
}

export interface Options {
  /** Lines of the shell provisioner. */
  inline?: string[];
  /** HCL added inside the source block. */
  extra?: string;
  /** Default `sudo kill 1`: the guest's poweroff, its init (sshd, PID 1 of the container) ending. */
  shutdownCommand?: string;
  bootWait?: string;
}

const common = (o: Options): string => `
  boot_wait        = "${o.bootWait ?? '200ms'}"
  vm_name          = "bakehouse-debian"
  headless         = true
  format           = "ovf"
  ssh_username     = "${GUEST_USER}"
  ssh_password     = "${GUEST_PASSWORD}"
  ssh_timeout      = "1m"
  shutdown_command = ${JSON.stringify(o.shutdownCommand ?? 'sudo kill 1')}
  shutdown_timeout = "30s"`;

/** The provisioner writes the guest's hostname (the container's id) to a file the fake copies out on poweroff. */
export const BAKE = ['echo "baked on $(hostname)" | sudo tee /etc/bakehouse-baked'];

function build(source: string, o: Options): string {
  return `
build {
  sources = ["source.${source}.debian"]
  provisioner "shell" {
    inline = ${JSON.stringify(o.inline ?? BAKE)}
  }
}
`;
}

export function isoTemplate(checksum: string, o: Options = {}): string {
  return `
source "vmware-iso" "debian" {
  iso_url       = "install.iso"
  iso_checksum  = "${checksum}"
  guest_os_type = "debian12-64"
  disk_size     = 1024
  memory        = 1024
  network_adapter_type = "e1000e"
  boot_command  = []
${common(o)}
${o.extra ?? ''}
}
${build('vmware-iso', o)}`;
}

export function vmxTemplate(sourcePath: string, o: Options = {}): string {
  return `
source "vmware-vmx" "debian" {
  source_path = "${sourcePath}"
${common(o)}
${o.extra ?? ''}
}
${build('vmware-vmx', o)}`;
}

/**
 * What each Vagrant provider puts in the box and its metadata: libvirt (a QEMU disk as box.img), virtualbox (an
 * OVF + disk, unpacked from an OVA, or converted from a QEMU disk without VirtualBox) and docker (the image name).
 */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import type { Artifact } from '../../engine/artifact';
import type { Ui } from '../../engine/plugin';
import { writeVirtualBoxMachine } from '../../images/virtualbox-machine';
import { diskInfo } from '../../images/qemu-img';
import { extractFlat, openTar } from '../../archives/tar';
import { linkOrCopy } from './box';
import { dockerVagrantfile, libvirtVagrantfile, virtualboxVagrantfile } from './vagrantfile';

/** Packer's builder ids and the provider a box made from their artifacts is for. */
export const PROVIDER_BY_BUILDER: Record<string, string> = {
  'mitchellh.amazonebs': 'aws',
  'mitchellh.amazon.instance': 'aws',
  'mitchellh.virtualbox': 'virtualbox',
  'mitchellh.vmware': 'vmware',
  'mitchellh.vmware-esx': 'vmware',
  'pearkes.digitalocean': 'digitalocean',
  'packer.googlecompute': 'google',
  'hashicorp.scaleway': 'scaleway',
  'packer.parallels': 'parallels',
  'MSOpenTech.hyperv': 'hyperv',
  'transcend.qemu': 'libvirt',
  'ustream.lxc': 'lxc',
  'Azure.ResourceManagement.VMImage': 'azure',
  'packer.post-processor.docker-import': 'docker',
  'packer.post-processor.docker-tag': 'docker',
  'packer.post-processor.docker-push': 'docker',
};

export const QEMU_BUILDER_ID = 'transcend.qemu';

export interface ProviderInput {
  ui: Ui;
  artifact: Artifact;
  /** The box folder being filled. */
  dir: string;
  cwd: string;
  signal: AbortSignal;
}

export interface ProviderOutput {
  vagrantfile: string;
  metadata: Record<string, unknown>;
}

export type Provider = (input: ProviderInput) => Promise<Result<ProviderOutput>>;

export const PROVIDERS: Record<string, Provider> = { libvirt, virtualbox, docker };

async function libvirt({ ui, artifact, dir, cwd, signal }: ProviderInput): Promise<Result<ProviderOutput>> {
  const disk = qemuDisk(artifact, cwd);
  if (!disk.ok) return disk;
  ui.message(`Copying from artifact: ${disk.value}`);
  linkOrCopy(disk.value, join(dir, 'box.img'));
  let format = stateString(artifact, 'diskType');
  let sizeMb = stateString(artifact, 'diskSize') !== undefined ? megabytes(stateString(artifact, 'diskSize')!) : undefined;
  if (format === undefined || sizeMb === undefined) {
    const info = await diskInfo(disk.value, signal);
    if (!info.ok) return info;
    format ??= info.value.format;
    sizeMb ??= Math.ceil(info.value.virtualSize / 1024 / 1024);
  }
  if (Number.isNaN(sizeMb)) return err(`Unknown size unit in disk_size ${stateString(artifact, 'diskSize')}`);
  const domainType = stateString(artifact, 'domainType') ?? 'kvm';
  const driver = ['none', 'tcg', 'hvf'].includes(domainType) ? 'qemu' : domainType === 'kvm' ? 'kvm' : undefined;
  if (!driver) return err(`Unknown libvirt domain type: ${domainType}`);
  // Vagrant-libvirt wants whole gigabytes: a partial one counts as one more.
  const sizeGb = Math.ceil(sizeMb / 1024);
  return ok({ vagrantfile: libvirtVagrantfile(driver), metadata: { provider: 'libvirt', format, virtual_size: sizeGb } });
}

async function virtualbox({ ui, artifact, dir, cwd, signal }: ProviderInput): Promise<Result<ProviderOutput>> {
  if (artifact.builderId === QEMU_BUILDER_ID) {
    const disk = qemuDisk(artifact, cwd);
    if (!disk.ok) return disk;
    ui.message(`Converting ${disk.value} to a VirtualBox machine (stream-optimised VMDK + OVF)`);
    const made = await writeVirtualBoxMachine({
      source: disk.value,
      sourceFormat: stateString(artifact, 'diskType'),
      outputDir: dir,
      name: 'box',
      format: 'ovf',
      cpus: stateNumber(artifact, 'cpus'),
      memoryMb: stateNumber(artifact, 'memory'),
      signal,
    });
    if (!made.ok) return made;
  } else {
    for (const file of artifact.files) {
      const path = resolve(cwd, file);
      if (extname(path) === '.ova') {
        ui.message(`Unpacking OVA: ${file}`);
        await extractFlat(openTar(path, signal), dir);
      } else {
        ui.message(`Copying from artifact: ${file}`);
        linkOrCopy(path, join(dir, basename(path)));
      }
    }
  }
  const ovfs = readdirSync(dir).filter((n) => n.endsWith('.ovf'));
  if (ovfs.length > 1) return err('More than one OVF file in VirtualBox artifact.');
  if (ovfs.length < 1) return err("ovf file couldn't be found");
  ui.message('Renaming the OVF to box.ovf...');
  if (ovfs[0] !== 'box.ovf') renameSync(join(dir, ovfs[0]), join(dir, 'box.ovf'));
  // Packer's pattern: the first network card's attributes on one line.
  const mac = /<Adapter slot="0"[^\n]+?MACAddress="([^\n]+?)"/.exec(readFileSync(join(dir, 'box.ovf'), 'utf8'));
  if (!mac) return err("can't find base mac address in OVF");
  return ok({ vagrantfile: virtualboxVagrantfile(mac[1]), metadata: { provider: 'virtualbox' } });
}

async function docker({ artifact }: ProviderInput): Promise<Result<ProviderOutput>> {
  return ok({ vagrantfile: dockerVagrantfile(artifact.id), metadata: { provider: 'docker' } });
}

/** The QEMU artifact's disk: the file named by its `diskName` state, or its only file. */
function qemuDisk(artifact: Artifact, cwd: string): Result<string> {
  const name = stateString(artifact, 'diskName');
  const files = artifact.files.map((f) => resolve(cwd, f));
  const found = name !== undefined ? files.find((f) => basename(f) === name) : files.length === 1 ? files[0] : undefined;
  if (!found) return err(`The artifact has no disk image${name ? ` named ${name}` : ''} among its files: [${artifact.files.join(' ')}]`);
  return ok(found);
}

function stateString(artifact: Artifact, key: string): string | undefined {
  const v = artifact.state[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function stateNumber(artifact: Artifact, key: string): number | undefined {
  const v = Number(artifact.state[key]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Packer's disk_size reading: a number of megabytes, or a number with a unit letter (b, k, m, g, t, p, e). */
export function megabytes(size: string): number {
  const unit = size.slice(-1).toLowerCase();
  const digits = /[0-9]/.test(unit) ? size : size.slice(0, -1);
  const value = /^\d+$/.test(digits) ? Number(digits) : 0;
  const factor: Record<string, number> = { b: 1 / 1024 / 1024, k: 1 / 1024, m: 1, g: 1024, t: 1024 ** 2, p: 1024 ** 3, e: 1024 ** 4 };
  if (/[0-9]/.test(unit)) return value;
  if (!(unit in factor)) return NaN;
  return Math.floor(value * factor[unit]);
}

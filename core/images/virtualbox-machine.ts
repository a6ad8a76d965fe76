/**
 * Turns a raw or qcow2 disk (what the QEMU builder makes) into a VirtualBox machine without VirtualBox: a
 * stream-optimised VMDK plus an OVF descriptor, either side by side (`ovf`) or packed into one OVA with the descriptor
 * first. Nothing is left in the output folder if any step fails.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { err, ok, type Result } from '../common/result';
import { pipeToNewFile } from '../files/atomic-write';
import { packFlat } from '../archives/tar';
import { newUuid, ovfDescriptor, virtualBoxMac } from './ovf';
import { convertDisk, diskInfo } from './qemu-img';

export interface VirtualBoxMachineOptions {
  /** The disk to convert. */
  source: string;
  /** Its format when known (`raw`, `qcow2`); probed with `qemu-img info` otherwise. */
  sourceFormat?: string;
  outputDir: string;
  /** Base name of the files written: `<name>.ovf` + `<name>-disk001.vmdk`, or `<name>.ova`. */
  name: string;
  format: 'ovf' | 'ova';
  cpus?: number;
  memoryMb?: number;
  /** VirtualBox OS type; "Other_64" when unknown. */
  osType?: string;
  signal: AbortSignal;
}

export interface VirtualBoxMachine {
  /** What was written, the descriptor (or the OVA) first. */
  files: string[];
  macAddress: string;
}

export async function writeVirtualBoxMachine(o: VirtualBoxMachineOptions): Promise<Result<VirtualBoxMachine>> {
  mkdirSync(o.outputDir, { recursive: true });
  const info = await diskInfo(o.source, o.signal);
  if (!info.ok) return info;
  // Work in a hidden folder beside the result so the final rename stays on one filesystem.
  const work = mkdtempSync(join(o.outputDir, `.${o.name}.`));
  try {
    const diskName = `${o.name}-disk001.vmdk`;
    const diskPath = join(work, diskName);
    const converted = await convertDisk({ source: o.source, sourceFormat: o.sourceFormat ?? info.value.format, target: diskPath, to: 'vmdk', signal: o.signal });
    if (!converted.ok) return converted;
    const macAddress = virtualBoxMac();
    const ovf = ovfDescriptor({
      name: o.name,
      cpus: o.cpus ?? 1,
      memoryMb: o.memoryMb ?? 512,
      osType: o.osType ?? 'Other_64',
      disk: { file: diskName, fileSize: statSync(diskPath).size, capacity: info.value.virtualSize, uuid: newUuid() },
      macAddress,
      uuid: newUuid(),
    });
    const ovfName = `${o.name}.ovf`;
    const ovfPath = join(work, ovfName);
    writeFileSync(ovfPath, ovf);
    if (o.format === 'ovf') {
      const targets = [join(o.outputDir, ovfName), join(o.outputDir, diskName)];
      // The disk goes first: a descriptor that exists always names a disk that exists.
      renameSync(diskPath, targets[1]);
      renameSync(ovfPath, targets[0]);
      return ok({ files: targets, macAddress });
    }
    const mfPath = join(work, `${o.name}.mf`);
    writeFileSync(mfPath, `SHA1(${ovfName})= ${await sha1(ovfPath)}\nSHA1(${diskName})= ${await sha1(diskPath)}\n`);
    const target = join(o.outputDir, `${o.name}.ova`);
    const partial = join(work, `${o.name}.ova`);
    await pipeToNewFile([packFlat([ovfPath, mfPath, diskPath])], partial, o.signal);
    renameSync(partial, target);
    return ok({ files: [target], macAddress });
  } catch (e) {
    return err(`Could not write the VirtualBox machine ${o.name}: ${(e as Error).message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A VDI copy of the disk, for attaching to a VirtualBox machine directly. */
export async function writeVdi(source: string, target: string, signal: AbortSignal, sourceFormat?: string): Promise<Result> {
  mkdirSync(dirname(target), { recursive: true });
  if (!sourceFormat) {
    const info = await diskInfo(source, signal);
    if (!info.ok) return info;
    sourceFormat = info.value.format;
  }
  return convertDisk({ source, sourceFormat, target, to: 'vdi', signal });
}

async function sha1(path: string): Promise<string> {
  const h = createHash('sha1');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}


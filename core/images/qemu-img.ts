/**
 * Disk images through `qemu-img`: what a disk holds (format, virtual size) and conversion into the formats VirtualBox
 * reads (stream-optimised VMDK for OVF/OVA, VDI), written beside the target first so a failed run leaves no half file.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { err, ok, type Result } from '../common/result';

export interface DiskInfo {
  /** qemu-img's format name: raw, qcow2, vmdk, vdi… */
  format: string;
  /** Size the guest sees, in bytes. */
  virtualSize: number;
  /** Bytes the image file takes on the host. */
  actualSize: number;
}

/** The formats a VirtualBox machine can use a disk in; `vmdk` is stream-optimised, the variant OVF and OVA expect. */
export type VirtualBoxDiskFormat = 'vmdk' | 'vdi';

export interface QemuImgResult {
  stdout: string;
  stderr: string;
}

export function runQemuImg(args: string[], signal: AbortSignal): Promise<Result<QemuImgResult>> {
  return new Promise((resolve) => {
    execFile('qemu-img', args, { signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(ok({ stdout, stderr }));
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return resolve(err('qemu-img is not installed: install qemu-utils (apt-get install qemu-utils)'));
      if (e.name === 'AbortError') return resolve(err('qemu-img was cancelled'));
      resolve(err(`qemu-img ${args[0]} failed: ${stderr.trim() || e.message}`));
    });
  });
}

export async function diskInfo(path: string, signal: AbortSignal): Promise<Result<DiskInfo>> {
  const r = await runQemuImg(['info', '--output=json', path], signal);
  if (!r.ok) return r;
  try {
    const info = JSON.parse(r.value.stdout) as { format?: unknown; 'virtual-size'?: unknown; 'actual-size'?: unknown };
    if (typeof info.format !== 'string' || typeof info['virtual-size'] !== 'number') return err(`qemu-img info gave no format or size for ${path}`);
    return ok({ format: info.format, virtualSize: info['virtual-size'], actualSize: Number(info['actual-size'] ?? 0) });
  } catch (e) {
    return err(`qemu-img info printed something that is not JSON for ${path}: ${(e as Error).message}`);
  }
}

export interface ConvertOptions {
  source: string;
  /** The source's format when known (qemu's `diskType`); probing a raw file is refused by qemu-img for safety otherwise. */
  sourceFormat?: string;
  target: string;
  to: VirtualBoxDiskFormat;
  signal: AbortSignal;
}

/** `qemu-img convert` into a VirtualBox format; the target appears only once complete. */
export async function convertDisk(o: ConvertOptions): Promise<Result> {
  const partial = join(dirname(o.target), `.${basename(o.target)}.${randomBytes(4).toString('hex')}.partial`);
  const args = ['convert'];
  if (o.sourceFormat) args.push('-f', o.sourceFormat);
  args.push('-O', o.to);
  if (o.to === 'vmdk') args.push('-o', 'subformat=streamOptimized');
  args.push(o.source, partial);
  const r = await runQemuImg(args, o.signal);
  if (!r.ok) {
    rmSync(partial, { force: true });
    return r;
  }
  try {
    renameSync(partial, o.target);
  } catch (e) {
    rmSync(partial, { force: true });
    return err(`Could not move the converted disk to ${o.target}: ${(e as Error).message}`);
  }
  return ok();
}

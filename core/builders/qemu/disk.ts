/**
 * The disk steps, in Packer's order: put the machine's disk in the output folder (a copy of disk_image, a qcow2 overlay
 * on it, or a new empty disk), grow it to disk_size, and at the end compact it with `qemu-img convert`. The folder itself
 * is the SDK's StepOutputDir (core/engine/output-dir.ts).
 */
import { constants, renameSync, rmSync } from 'node:fs';
import { chmod, copyFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { BuildInfo } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { imageInfo, qemuImg, sizeInBytes, type QemuImgContext } from './qemu-img';
import type { QemuConfig } from './read-config';
import type { QemuState } from './state';

export interface DiskPaths {
  outputDir: string;
  /** The machine's main disk: `<output_directory>/<vm_name>`. */
  disk: string;
  /** Extra disks from disk_additional_size: `<vm_name>-1`, `<vm_name>-2`, … */
  additional: string[];
}

export function diskPaths(cfg: QemuConfig, build: BuildInfo): DiskPaths {
  const outputDir = resolve(build.cwd, cfg.outputDirectory);
  const disk = join(outputDir, cfg.vmName);
  return { outputDir, disk, additional: cfg.diskAdditionalSize.map((_, i) => `${disk}-${i + 1}`) };
}

/** Puts the main disk (and any extra disks) in place. */
export function createDiskStep(cfg: QemuConfig, paths: DiskPaths, build: BuildInfo): Step<QemuState> {
  return {
    name: cfg.diskImage && !cfg.useBackingFile ? 'StepCopyDisk' : 'StepCreateDisk',
    async run(state, ctx) {
      const image = state.downloaded ?? '';
      const ictx = { ui: ctx.ui, signal: ctx.signal, env: build.env, cwd: build.cwd };
      if (state.startDisk) {
        // The build cache's disk is already in cfg.format and stands alone (core/builders/qemu/cache.ts).
        ctx.ui.say('Copying the cached hard drive...');
        const c = await copyDisk(state.startDisk, paths.disk);
        if (ctx.signal.aborted) return halt(CANCELLED);
        if (!c.ok) return halt(`Error copying the cached disk ${state.startDisk}: ${c.error}`);
      } else if (cfg.diskImage && !cfg.useBackingFile) {
        ctx.ui.say('Copying hard drive...');
        const asIs = await copiesAsIs(cfg, resolve(build.cwd, image), ictx);
        if (!asIs.ok) return halt(`Error reading the disk image ${image}: ${asIs.error}`);
        if (asIs.value) {
          ctx.ui.message(`The disk image is already ${cfg.format}: copying it as it is, without qemu-img convert`);
          const c = await copyDisk(resolve(build.cwd, image), paths.disk);
          if (ctx.signal.aborted) return halt(CANCELLED);
          if (!c.ok) return halt(`Error copying the disk image: ${c.error}`);
        } else {
          const r = await qemuImg(['convert', ...cfg.qemuImgArgs.convert, '-O', cfg.format, image, paths.disk], ictx);
          if (!r.ok) return halt(`Error copying the disk image: ${r.error}`);
        }
      } else {
        ctx.ui.say('Creating required virtual machine disks');
        const args = ['create', ...cfg.qemuImgArgs.create, '-f', cfg.format];
        if (cfg.useBackingFile) {
          const backing = resolve(build.cwd, image);
          // Newer qemu-img refuses a backing file without its format, so it is read rather than guessed.
          const info = await imageInfo(backing, ictx);
          if (!info.ok) return halt(`Error reading the disk image ${backing}: ${info.error}`);
          args.push('-b', backing, '-F', info.value.format);
        }
        const size = cfg.useBackingFile ? [] : [cfg.diskSize];
        const r = await qemuImg([...args, paths.disk, ...size], ictx);
        if (!r.ok) return halt(`Error creating hard drive: ${r.error}`);
      }
      for (const [i, extra] of paths.additional.entries()) {
        const r = await qemuImg(['create', ...cfg.qemuImgArgs.create, '-f', cfg.format, extra, cfg.diskAdditionalSize[i]], ictx);
        if (!r.ok) return halt(`Error creating additional hard drive: ${r.error}`);
      }
      return CONTINUE;
    },
  };
}

/**
 * Packer copies disk_image byte for byte when its file extension names the output format and qemu_img_args has no
 * convert arguments. The extension can lie (a downloaded image is cached as `<hash>.iso`), so the format is read from
 * the image instead; an image with a backing file is still converted, since a copy would point at it by a path that
 * may not hold from the output folder.
 */
async function copiesAsIs(cfg: QemuConfig, image: string, ictx: QemuImgContext): Promise<Result<boolean>> {
  if (cfg.qemuImgArgs.convert.length > 0) return ok(false);
  const info = await imageInfo(image, ictx);
  if (!info.ok) return info;
  return ok(info.value.format === cfg.format && info.value.backingFile === undefined);
}

/**
 * Copies a disk image with a reflink where the filesystem has them (btrfs, XFS: instant, no space used) and otherwise
 * in the kernel (copy_file_range/sendfile: no bytes through this process). A read-only source gives a writable disk.
 */
async function copyDisk(source: string, target: string): Promise<Result<void>> {
  try {
    await copyFile(source, target, constants.COPYFILE_FICLONE);
    const mode = (await stat(target)).mode & 0o777;
    if ((mode & 0o200) === 0) await chmod(target, mode | 0o200);
    return ok(undefined);
  } catch (e) {
    return err((e as Error).message);
  }
}

/** Packer's StepResizeDisk for disk images: grows the disk to disk_size; a disk already that big is left as it is. */
export function resizeDiskStep(cfg: QemuConfig, paths: DiskPaths, build: BuildInfo): Step<QemuState> {
  return {
    name: 'StepResizeDisk',
    async run(_state, ctx) {
      if (!cfg.diskImage || cfg.skipResizeDisk) return CONTINUE;
      const ictx = { ui: ctx.ui, signal: ctx.signal, env: build.env, cwd: build.cwd };
      const info = await imageInfo(paths.disk, ictx);
      if (!info.ok) return halt(`Error reading the disk ${paths.disk}: ${info.error}`);
      if (info.value.virtualSize >= sizeInBytes(cfg.diskSize)) {
        ctx.ui.message(`The disk is already ${info.value.virtualSize} bytes, at least disk_size (${cfg.diskSize}): not resizing`);
        return CONTINUE;
      }
      ctx.ui.say(`Resizing hard drive to ${cfg.diskSize}`);
      const r = await qemuImg(['resize', ...cfg.qemuImgArgs.resize, '-f', cfg.format, paths.disk, cfg.diskSize], ictx);
      return r.ok ? CONTINUE : halt(`Error resizing hard drive: ${r.error}`);
    },
  };
}

/** Packer's stepConvertDisk: rewrites the disk with `qemu-img convert`, which drops unused blocks (and compresses on request). */
export function convertDiskStep(cfg: QemuConfig, paths: DiskPaths, build: BuildInfo): Step<QemuState> {
  return {
    name: 'StepConvertDisk',
    async run(_state, ctx) {
      if (cfg.skipCompaction && !cfg.diskCompression) return CONTINUE;
      ctx.ui.say('Converting hard drive...');
      const ictx = { ui: ctx.ui, signal: ctx.signal, env: build.env, cwd: build.cwd };
      const tmp = `${paths.disk}.convert`;
      const handle = ctx.track({ description: `partial disk ${tmp}`, howToRemove: `rm -f ${tmp}`, remove: async () => rmSync(tmp, { force: true }) });
      const compress = cfg.diskCompression && cfg.format === 'qcow2' ? ['-c'] : [];
      const r = await qemuImg(['convert', ...cfg.qemuImgArgs.convert, ...compress, '-O', cfg.format, paths.disk, tmp], ictx);
      if (!r.ok) return halt(`Error converting hard drive: ${r.error}`);
      try {
        renameSync(tmp, paths.disk);
        handle.release();
      } catch (e) {
        return halt(`Error moving the converted disk into place: ${(e as Error).message}`);
      }
      return CONTINUE;
    },
  };
}

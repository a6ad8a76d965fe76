/**
 * The qemu builder's side of the build cache (core/cache), the same keys and index as docker's: before the disk is made,
 * find the longest cached prefix of the provisioners and start from its disk; after each cacheable provisioner, copy the
 * running machine's disk, and its memory, to files in the cache folder.
 *
 * The machine is paused for the copy, so disk and memory are of one instant: QMP `drive-backup` (sync=full) after a
 * `sync` in the guest, then the memory (memory-state.ts), then `cont`. A resumed build loads that memory into a machine
 * started on a copy of the disk and goes on without booting; when the memory cannot be saved or loaded (a device that
 * does not migrate, another QEMU version), the disk alone is kept and booted. (`savevm` would need every disk in qcow2,
 * and `blockdev-snapshot-sync` would leave the build writing an overlay chain rooted in the output folder, which -force
 * deletes.) Each snapshot is a whole disk, sparse, standing alone: prune removes one entry's files without breaking
 * another, and a resumed build starts from a plain copy of it.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SnapshotRef, Snapshots } from '../../cache/build-cache';
import { memoryStateOf, snapshotsDir } from '../../cache/disk-snapshots';
import { fileSha256 } from '../../cache/file-digest';
import type { BuildInfo, Ui } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import type { Plain } from '../../template/values/value';
import type { DiskPaths } from './disk';
import type { QmpClient } from './qmp';
import type { QemuConfig } from './read-config';
import type { QemuState } from './state';
import { saveMemory } from './memory-state';


/** Fields that only decide where the finished disk goes and how it is closed and compacted: changing them keeps the cache. */
const OUTPUT_FIELDS = new Set(['output_directory', 'vm_name', 'skip_compaction', 'disk_compression', 'shutdown_command', 'shutdown_timeout', 'headless', 'vnc_bind_address', 'vnc_port_min', 'vnc_port_max', 'disable_vnc', 'qmp_socket_path']);

export function cacheableBuilderConfig(config: Record<string, Plain>): Record<string, Plain> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !OUTPUT_FIELDS.has(k)));
}

export function cacheLookupStep(cfg: QemuConfig, paths: DiskPaths, build: BuildInfo, builderConfig: Record<string, Plain>): Step<QemuState> {
  return {
    name: 'StepCacheLookup',
    async run(state, ctx) {
      const cache = state.cache;
      if (!cache) return CONTINUE;
      if (cfg.diskAdditionalSize.length > 0) {
        // Only the main disk is snapshotted: a step's result on the extra disks would be lost.
        ctx.ui.say(`Build cache: not used, this build has disk_additional_size (only the main disk is snapshotted)${cache.resume ? ': building from the start' : ''}`);
        return CONTINUE;
      }
      const base = state.downloaded ? resolve(build.cwd, state.downloaded) : undefined;
      if (!base) return CONTINUE;
      let digest: string;
      try {
        digest = await fileSha256(base, cache.folder, ctx.signal);
      } catch (e) {
        return halt(`Error reading ${base} for the build cache: ${(e as Error).message}`);
      }
      const plan = await cache.plan(`sha256:${digest}`, cacheableBuilderConfig(builderConfig), diskSnapshots(cfg, paths, state, cache.folder, ctx.ui));
      if (plan.image) {
        state.startDisk = plan.image;
        const memory = memoryStateOf(plan.image);
        if (existsSync(memory)) state.startMemory = memory;
        ctx.ui.message(`Build cache: steps 1 to ${plan.hits} are cached; starting from the disk ${plan.image}${state.startMemory ? ' and the machine\'s memory saved with it' : ''}`);
      } else if (cache.resume) ctx.ui.say('Nothing cached to resume from: building from the start');
      return CONTINUE;
    },
  };
}

function diskSnapshots(cfg: QemuConfig, paths: DiskPaths, state: QemuState, cacheFolder: string, ui: Ui): Snapshots {
  const fileOf = (tag: string): string => join(snapshotsDir(cacheFolder), `${tag}.${cfg.format}`);
  let memoryRefused = false;
  return {
    async save(tag, signal): Promise<SnapshotRef> {
      const qmp = state.qmp;
      if (!qmp) throw new Error('No running machine to snapshot.');
      // What the guest still holds in its page cache is not on the disk yet; a failed sync (a guest without it) still
      // leaves a crash-consistent copy, which a journaling filesystem recovers at boot.
      await state.communicator?.run('sync', { signal, onLine: () => undefined }).catch(() => undefined);
      const target = fileOf(tag);
      await mkdir(snapshotsDir(cacheFolder), { recursive: true, mode: 0o700 });
      const paused = await qmp.execute('stop');
      try {
        await backup(qmp, paths.disk, target, cfg.format, tag, signal);
        if (paused.ok && !memoryRefused) {
          const saved = await saveMemory(qmp, memoryStateOf(target), signal);
          if (!saved.ok && !signal.aborted) {
            // Said once: the same machine refuses the same way at every step.
            memoryRefused = true;
            ui.message(`Build cache: the machine's memory is not saved with its disk (${saved.error}); a resumed build will boot the disk`);
          }
        }
      } finally {
        if (paused.ok) {
          const cont = await qmp.execute('cont');
          if (!cont.ok && !signal.aborted) throw new Error(`the machine did not continue after its snapshot: ${cont.error}`);
        }
      }
      return { image: target, tag: target };
    },
    exists: async (image) => {
      try {
        return statSync(image).isFile();
      } catch {
        return false;
      }
    },
    async discard(tag) {
      await rm(memoryStateOf(fileOf(tag)), { force: true });
      await rm(fileOf(tag), { force: true });
    },
  };
}

/** The QMP device name of the drive whose file is `disk`. */
async function deviceOf(qmp: QmpClient, disk: string): Promise<string> {
  const r = await qmp.execute('query-block');
  if (!r.ok) throw new Error(r.error);
  const blocks = r.value as Array<{ device?: string; inserted?: { file?: string; 'node-name'?: string } }>;
  const b = blocks.find((x) => x.inserted?.file === disk);
  const name = b?.device || b?.inserted?.['node-name'];
  if (!name) throw new Error(`QEMU has no drive for ${disk}`);
  return name;
}

/**
 * Copies the disk as it is at this instant into `target` (QEMU creates it) and waits for the job to end. The job is not
 * dismissed by itself, so its error can be read; a cancel cancels the job, and the caller removes the file.
 */
async function backup(qmp: QmpClient, disk: string, target: string, format: string, jobId: string, signal: AbortSignal): Promise<void> {
  const device = await deviceOf(qmp, disk);
  const id = `bakehouse-${jobId.slice(0, 16)}`;
  const started = await qmp.execute('drive-backup', { 'job-id': id, device, target, format, sync: 'full', mode: 'absolute-paths', 'auto-dismiss': false });
  if (!started.ok) throw new Error(started.error);
  let cancelSent = false;
  for (;;) {
    if (signal.aborted && !cancelSent) {
      cancelSent = true;
      await qmp.execute('job-cancel', { id });
    }
    const jobs = await qmp.execute('query-jobs');
    if (!jobs.ok) throw new Error(jobs.error);
    const job = (jobs.value as Array<{ id: string; status: string; error?: string }>).find((j) => j.id === id);
    if (!job) throw new Error(`the backup job ${id} disappeared`);
    if (job.status === 'concluded' || job.status === 'null') {
      await qmp.execute('job-dismiss', { id });
      if (cancelSent) throw new Error('cancelled');
      if (job.error) throw new Error(`drive-backup: ${job.error}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

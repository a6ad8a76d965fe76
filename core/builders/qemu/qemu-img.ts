/** Runs qemu-img for the disk steps: its output goes to the build log, its last error line into the step's message. */
import { CANCELLED, err, ok, type Result } from '../../common/result';
import { runLocalCommand } from '../../engine/local-command';
import type { Ui } from '../../engine/plugin';

export interface QemuImgContext {
  ui: Ui;
  signal: AbortSignal;
  env: Record<string, string | undefined>;
  cwd: string;
}

export async function qemuImg(args: string[], ctx: QemuImgContext, quiet = false): Promise<Result<string>> {
  if (!quiet) ctx.ui.message(`Executing qemu-img ${args.join(' ')}`);
  const out: string[] = [];
  const stderr: string[] = [];
  const r = await runLocalCommand({
    argv: ['qemu-img', ...args],
    env: ctx.env,
    cwd: ctx.cwd,
    signal: ctx.signal,
    onLine: (stream, line) => (stream === 'stdout' ? out : stderr).push(line),
  });
  if (r.kind === 'failed') return err(`Could not run qemu-img: ${r.error} (is qemu-utils installed?)`);
  if (r.kind === 'killed') return err(r.cancelled ? CANCELLED : `qemu-img was killed by ${r.signal}`);
  if (r.exitCode !== 0) return err(`qemu-img ${args[0]} exited with status ${r.exitCode}: ${stderr.join('\n').trim()}`);
  return ok(out.join('\n'));
}

export interface ImageInfo {
  format: string;
  virtualSize: number;
  /** The image's backing file as written in it, when it has one. */
  backingFile?: string;
}

export async function imageInfo(path: string, ctx: QemuImgContext): Promise<Result<ImageInfo>> {
  const r = await qemuImg(['info', '--output=json', path], ctx, true);
  if (!r.ok) return r;
  try {
    const info = JSON.parse(r.value) as { format?: string; 'virtual-size'?: number; 'backing-filename'?: string };
    const backing = info['backing-filename'];
    return ok({ format: info.format ?? 'raw', virtualSize: info['virtual-size'] ?? 0, ...(backing ? { backingFile: backing } : {}) });
  } catch (e) {
    return err(`qemu-img info printed something unexpected for ${path}: ${(e as Error).message}`);
  }
}

/** disk_size ("40960M", "20G", "1024") in bytes; qemu-img reads a bare number as bytes but Packer means megabytes. */
export function sizeInBytes(size: string): number {
  const m = /^(\d+)([bkmgt]?)$/i.exec(size.trim());
  if (!m) return NaN;
  const unit = m[2].toLowerCase();
  const power = unit === '' ? 2 : 'bkmgt'.indexOf(unit);
  return Number(m[1]) * 1024 ** power;
}

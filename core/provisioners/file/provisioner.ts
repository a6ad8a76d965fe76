/**
 * The file provisioner: copies files and folders to the machine (or from it with direction = "download"), or writes
 * `content` to a remote file. Trailing slashes follow Packer: `dir/` copies what is inside, `dir` copies the folder.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { cancelled, err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { ProvisionContext, ProvisionerPlugin } from '../../engine/plugin';
import type { ComponentConfig } from '../../template/model';

export interface FileConfig {
  sources: string[];
  content?: string;
  destination: string;
  direction: 'upload' | 'download';
}

export function readFileConfig(config: ComponentConfig, cwd: string): Result<FileConfig, string[]> {
  const f = new ConfigFields(config, 'file');
  const direction = f.string('direction', 'upload');
  if (direction !== 'upload' && direction !== 'download') f.error('Direction must be one of: download, upload.');
  const sources = f.stringList('sources');
  const source = f.string('source');
  if (source !== '') sources.push(source);
  const content = f.has('content') ? f.string('content') : undefined;
  const generated = f.bool('generated');
  if (content !== undefined && sources.length > 0) f.error('Cannot specify both source and content');
  if (content !== undefined && direction === 'download') f.error('content can only be uploaded: remove content or set direction = "upload"');
  if (content === undefined && sources.length === 0) f.error('Source must be specified.');
  if (direction === 'upload' && !generated) {
    for (const s of sources) {
      try {
        statSync(resolve(cwd, s));
      } catch {
        f.error(`Bad source '${s}': stat ${s}: no such file or directory`);
      }
    }
  }
  const destination = f.string('destination');
  if (destination === '') f.error('Destination must be specified.');
  if (f.errors.length > 0) return err(f.errors);
  return ok({ sources, content, destination, direction: direction as 'upload' | 'download' });
}

export const fileProvisioner: ProvisionerPlugin = {
  type: 'file',
  prepare(config, build) {
    const read = readFileConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    return ok({ provision: (ctx) => (cfg.direction === 'download' ? download(cfg, ctx) : upload(cfg, ctx)) });
  },
};

async function upload(cfg: FileConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The file provisioner needs a communicator to reach the machine; this build has none.');
  if (cfg.content !== undefined) {
    const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-file-'));
    try {
      const local = join(scratch, cfg.destination.endsWith('/') ? 'content' : basename(cfg.destination) || 'content');
      writeFileSync(local, cfg.content);
      ctx.ui.say(`Uploading content => ${cfg.destination}`);
      const dst = cfg.destination.endsWith('/') ? `${cfg.destination}${basename(local)}` : cfg.destination;
      const r = await comm.upload(local, dst, ctx.signal);
      if (!r.ok) ctx.ui.error(r.error);
      return r;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  for (const src of cfg.sources) {
    if (ctx.signal.aborted) return cancelled();
    ctx.ui.say(`Uploading ${src} => ${cfg.destination}`);
    // Keep the trailing slash: it decides whether a folder or its contents are copied.
    const local = resolve(ctx.build.cwd, src) + (src.endsWith('/') && src.length > 1 ? '/' : '');
    let isDir: boolean;
    try {
      isDir = statSync(local).isDirectory();
    } catch (e) {
      return err(`Bad source '${src}': ${(e as Error).message}`);
    }
    const dst = !isDir && cfg.destination.endsWith('/') ? `${cfg.destination}${basename(local)}` : cfg.destination;
    const r = await comm.upload(local, dst, ctx.signal);
    if (!r.ok) {
      ctx.ui.error(r.error);
      return r;
    }
  }
  return ok();
}

async function download(cfg: FileConfig, ctx: ProvisionContext): Promise<Result> {
  const comm = ctx.communicator;
  if (!comm) return err('The file provisioner needs a communicator to reach the machine; this build has none.');
  for (const src of cfg.sources) {
    if (ctx.signal.aborted) return cancelled();
    ctx.ui.say(`Downloading ${src} => ${cfg.destination}`);
    if (/[*?[]/.test(src)) return err(`Download failed: wildcards in source (${src}) are not supported by the docker communicator yet`);
    let dst = resolve(ctx.build.cwd, cfg.destination);
    // A destination ending in `/` is a folder: the source keeps its name inside it, unless the source's contents are wanted (`src/`).
    const dir = cfg.destination.endsWith('/') ? dst : dirname(dst);
    if (cfg.destination.endsWith('/') && !src.endsWith('/')) dst = join(dst, basename(src));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      return err(`Download failed: ${(e as Error).message}`);
    }
    const r = await comm.download(src, dst, ctx.signal);
    if (!r.ok) {
      ctx.ui.error(r.error);
      return r;
    }
  }
  return ok();
}

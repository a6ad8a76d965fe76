/**
 * Packer's StepDownload for the ISO (or disk image): tries iso_urls in order, keeps HTTP downloads in the cache folder
 * (PACKER_CACHE_DIR, else `cache/` in Bakehouse's data folder) under a name derived from the checksum, and verifies the
 * checksum before the file is used. Local files are verified and used in place rather than copied.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { cancelled, CANCELLED, err, ok, type Result } from '../../common/result';
import { pipeToNewFile } from '../../files/atomic-write';
import { dataDir } from '../../engine/runlog';
import { CONTINUE, halt, type Step, type StepContext } from '../../engine/steps';
import type { BuildState } from '../../engine/plugin';
import { hashFile, parseChecksum, type Checksum, type FileSum } from '../../downloads/checksum';
import { checksumFromFile } from '../../downloads/checksum-file';

export interface DownloadOptions {
  urls: string[];
  checksum: string;
  /** iso_target_path: where to keep the download instead of the cache. */
  targetPath: string;
  targetExtension: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** What the file is, for messages ("ISO"). */
  what: string;
}

export function cacheDir(env: Record<string, string | undefined>): string {
  return env.PACKER_CACHE_DIR || join(dataDir(env), 'cache');
}

type Source = { kind: 'local'; path: string } | { kind: 'http'; url: string };

function sourceOf(url: string, cwd: string): Source {
  if (/^https?:\/\//i.test(url)) return { kind: 'http', url };
  if (/^file:/i.test(url)) return { kind: 'local', path: url.startsWith('file://') ? fileURLToPath(url) : resolve(cwd, url.slice(5)) };
  return { kind: 'local', path: isAbsolute(url) ? url : resolve(cwd, url) };
}

/** The expected sum for `url`, fetching a checksum list when iso_checksum points at one. */
async function expectedSum(c: Checksum, url: string, cwd: string, signal: AbortSignal): Promise<Result<FileSum | undefined>> {
  if (c.kind === 'none') return ok(undefined);
  if (c.kind === 'sum') return ok({ type: c.type, value: c.value });
  return checksumFromFile(c.url, url, cwd, signal);
}

async function verify(path: string, want: FileSum | undefined, url: string, signal: AbortSignal): Promise<Result> {
  if (!want) return ok();
  const got = await hashFile(path, want.type, signal);
  if (got === want.value) return ok();
  return err(`Checksum did not match for ${url}: expected ${want.type}:${want.value}, got ${want.type}:${got}`);
}

/** What StepDownload leaves for later steps; a builder that downloads extends its state with it. */
export interface DownloadState extends BuildState {
  /** The verified local file: in the cache, at iso_target_path, or a local source used in place. */
  downloaded?: string;
}

export function downloadStep(o: DownloadOptions): Step<DownloadState> {
  return {
    name: 'StepDownload',
    async run(state, ctx) {
      const checksum = parseChecksum(o.checksum);
      if (!checksum.ok) return halt(checksum.error);
      if (checksum.value.kind === 'none') ctx.ui.say(`Skipping ${o.what} checksum verification: iso_checksum is "none"`);
      ctx.ui.say(`Retrieving ${o.what}`);
      const errors: string[] = [];
      for (const url of o.urls) {
        if (ctx.signal.aborted) return halt(CANCELLED);
        ctx.ui.message(`Trying ${url}`);
        const r = await fetchOne(o, url, checksum.value, ctx);
        if (r.ok) {
          ctx.ui.message(`${url} => ${r.value}`);
          state.downloaded = r.value;
          return CONTINUE;
        }
        if (ctx.signal.aborted) return halt(CANCELLED);
        ctx.ui.error(r.error);
        errors.push(r.error);
      }
      return halt(`Error downloading ${o.what}: ${errors.join('; ')}`);
    },
  };
}

async function fetchOne(o: DownloadOptions, url: string, c: Checksum, ctx: StepContext): Promise<Result<string>> {
  const src = sourceOf(url, o.cwd);
  const want = await expectedSum(c, url, o.cwd, ctx.signal);
  if (!want.ok) return want;
  try {
    if (src.kind === 'local') {
      if (!existsSync(src.path) || !statSync(src.path).isFile()) return err(`${url}: no such file (${src.path})`);
      const v = await verify(src.path, want.value, url, ctx.signal);
      return v.ok ? ok(src.path) : v;
    }
    const key = createHash('sha1').update(want.value ? want.value.value : url).digest('hex');
    const target = o.targetPath ? resolve(o.cwd, o.targetPath) : join(cacheDir(o.env), `${key}.${o.targetExtension || 'iso'}`);
    if (existsSync(target)) {
      const cached = await verify(target, want.value, url, ctx.signal);
      if (cached.ok) {
        ctx.ui.message(`Using the cached copy ${target}`);
        return ok(target);
      }
    }
    mkdirSync(resolve(target, '..'), { recursive: true });
    const partial = `${target}.part-${process.pid}`;
    // The partial's one cleanup path: whatever goes wrong below, the runner removes it (or reports it).
    const handle = ctx.track({ description: `partial download ${partial}`, howToRemove: `rm -f ${partial}`, remove: async () => rmSync(partial, { force: true }) });
    const res = await fetch(src.url, { signal: ctx.signal });
    if (!res.ok || !res.body) return err(`${url}: HTTP ${res.status} ${res.statusText}`);
    await pipeToNewFile([Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)], partial, ctx.signal);
    const v = await verify(partial, want.value, url, ctx.signal);
    if (!v.ok) return v;
    renameSync(partial, target);
    handle.release();
    return ok(target);
  } catch (e) {
    if (ctx.signal.aborted) return cancelled();
    const cause = (e as { cause?: Error }).cause;
    return err(`${url}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
  }
}

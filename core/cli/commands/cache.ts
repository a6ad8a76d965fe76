/**
 * `bakehouse cache ls [-json]` and `bakehouse cache prune [-all] [-older-than=DURATION]`: the build cache of the data
 * folder (core/cache) — its entries with their size and age, and removing them with their images. After each build the
 * settings' size cap (`cacheMaxMb`) is enforced the same way (`keepCacheUnderCap`, core/cache/cap.ts).
 */
import { AppDataDir } from '../../app/data-dir';
import { enforceCacheCap } from '../../cache/cap';
import { cacheImagesOf } from '../../cache/disk-snapshots';
import { listCache, pruneCache, type CacheImages } from '../../cache/maintenance';
import type { PrunePolicy } from '../../cache/prune';
import { cacheDir, CacheStore } from '../../cache/store';
import { parseDuration } from '../../components/durations';
import { dataDir } from '../../engine/runlog';
import type { CliIO, Command } from '../command';
import { flagBool, flagString, type ParsedArgs } from '../flags';

const USAGE = `Usage:
  bakehouse cache ls [-json]
  bakehouse cache prune [-all] [-older-than=DURATION]`;

export const cacheCommand: Command = {
  name: 'cache',
  synopsis: 'Lists or prunes the build cache',
  usage: 'ls [-json] | prune [-all] [-older-than=DURATION]',
  details: [
    'Docker builds keep the result of each provisioner as a local image (bakehouse-cache:KEY, never pushed), QEMU builds',
    'as a disk file in the cache folder, so a rebuild runs only the steps whose inputs changed. ls lists the entries with their size and age; prune removes',
    'them (-all, or those older than DURATION such as 36h or 7d) with their images.',
  ].join('\n'),
  flags: [
    { name: 'json', kind: 'bool', description: 'ls: print the entries as JSON.' },
    { name: 'all', kind: 'bool', description: 'prune: remove every entry.' },
    { name: 'older-than', kind: 'string', description: 'prune: remove the entries made longer ago than this (36h, 7d).', placeholder: 'duration' },
  ],
  run: (args, io) => runCacheCommand(args, io),
};

async function runCacheCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub, ...rest] = args.positional;
  if ((sub !== 'ls' && sub !== 'prune') || rest.length > 0) {
    io.stderr(`bakehouse cache: ${sub === undefined ? 'say ls or prune' : `unknown subcommand "${[sub, ...rest].join(' ')}"`}.\n${USAGE}\n`);
    return 1;
  }
  const store = new CacheStore(cacheDir(dataDir(io.env)));
  const images = await dockerImages(io.env);
  try {
    if (sub === 'ls') {
      const entries = await listCache(store, images);
      if (flagBool(args, 'json')) {
        io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
        return 0;
      }
      if (entries.length === 0) {
        io.stdout('The build cache is empty.\n');
        return 0;
      }
      const now = Date.now();
      const rows = entries.map((e) => [e.key.slice(0, 12), e.build, `${e.step} ${e.type}${e.name ? ` (${e.name})` : ''}`, e.size === undefined ? 'gone' : megabytes(e.size), age(now - e.created)]);
      io.stdout(table([['KEY', 'BUILD', 'STEP', 'SIZE', 'AGE'], ...rows]));
      const total = entries.reduce((s, e) => s + (e.size ?? 0), 0);
      io.stdout(`${entries.length} entries, ${megabytes(total)}\n`);
      return 0;
    }
    const policy: PrunePolicy = {};
    if (flagBool(args, 'all')) policy.all = true;
    const older = flagString(args, 'older-than');
    if (older !== undefined) {
      const ms = durationWithDays(older);
      if (ms === undefined) {
        io.stderr(`bakehouse cache prune: -older-than: "${older}" is not a duration; write one such as 36h, 90m or 7d.\n`);
        return 1;
      }
      policy.olderThanMs = ms;
    }
    if (!policy.all && policy.olderThanMs === undefined) {
      io.stderr(`bakehouse cache prune: say what to remove: -all, or -older-than=DURATION.\n${USAGE}\n`);
      return 1;
    }
    const r = await pruneCache(store, images, policy);
    io.stdout(`Removed ${r.removed.length} entries (${megabytes(r.freedBytes)})${r.orphans > 0 ? ` and ${r.orphans} unrecorded image(s) of killed builds` : ''}.\n`);
    if (r.abandoned > 0) io.stdout(`Removed ${r.abandoned} image(s) of data folders that no longer exist.\n`);
    if (r.inUse.length > 0) io.stdout(`Kept ${r.inUse.length} entries a running build uses.\n`);
    return 0;
  } catch (e) {
    io.stderr(`bakehouse cache: ${(e as Error).message}\n`);
    return 1;
  }
}

/** After a build: prune the least recently used entries past the settings' size cap. A failure is a warning. */
export async function keepCacheUnderCap(base: string, io: CliIO): Promise<void> {
  const capMb = new AppDataDir(base).readSettings().cacheMaxMb;
  try {
    const r = await enforceCacheCap(base, capMb, await dockerImages(io.env));
    if (r && r.removed.length > 0) io.stdout(`Build cache: removed ${r.removed.length} least recently used entries to stay under ${capMb} MB.\n`);
  } catch (e) {
    io.stderr(`Warning: could not keep the build cache under ${capMb} MB: ${(e as Error).message}\n`);
  }
}

/** Docker images and QEMU disk snapshots; dockerode is loaded lazily, as `build` loads plugins: not needed to print help. */
async function dockerImages(env: Record<string, string | undefined>): Promise<CacheImages> {
  return cacheImagesOf(() => loadDocker(env));
}

async function loadDocker(env: Record<string, string | undefined>): Promise<CacheImages> {
  const [{ DockerDriver }, { dockerCacheImages }] = await Promise.all([import('../../builders/docker/driver'), import('../../builders/docker/cache-images')]);
  return dockerCacheImages(DockerDriver.fromEnv(env));
}

/** Go's durations, plus days (`7d`), which Go lacks and a cache's age is most often counted in. */
function durationWithDays(text: string): number | undefined {
  const days = /^(\d+)d$/.exec(text);
  if (days) return Number(days[1]) * 86_400_000;
  const d = parseDuration(text);
  return d.ok && d.value >= 0 ? d.value : undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`).join('');
}

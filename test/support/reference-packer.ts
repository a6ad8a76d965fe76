/**
 * Today's Packer (1.14), the reference issue 10 moves Bakehouse to; Debian's 1.6.6 at /usr/bin/packer stays the reference
 * of the older tests. .ci/reference-packer.sh builds 1.14 and its plugins from the Go module proxy into PACKER_1_14_CACHE;
 * BAKEHOUSE_PACKER_1_14 points at another build. Where neither is there, tests that need the binary skip with the reason
 * (in CI, which builds it, they fail instead), and tests that only need its verdicts read test/fixtures/packer-1.14/.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PACKER_1_14_CACHE = '/var/cache/bakehouse/packer-1.14';

export interface ReferencePacker {
  /** The packer binary. */
  bin: string;
  /**
   * The PACKER_PLUGIN_PATH its plugins were installed into: docker, qemu, amazon and virtualbox (.ci/reference-packer.sh),
   * or with PACKER_1_14_WITH_EXTRA_PLUGINS also those scripts/reference-packer-extra.sh adds.
   */
  pluginPath: string;
}

/** Packer 1.14, or the reason it is absent; `skip` goes straight into node:test's options. */
export type ReferencePackerLookup = { packer: ReferencePacker; skip: false } | { packer: undefined; skip: string };

export function findReferencePacker(env: NodeJS.ProcessEnv = process.env): ReferencePackerLookup {
  const bin = env.BAKEHOUSE_PACKER_1_14 ?? join(PACKER_1_14_CACHE, 'packer');
  if (!existsSync(bin)) {
    const from = env.BAKEHOUSE_PACKER_1_14 ? 'BAKEHOUSE_PACKER_1_14' : 'the cache';
    return { packer: undefined, skip: `Packer 1.14 is not at ${bin} (${from}): build it with \`bash .ci/reference-packer.sh\`` };
  }
  // Plugins sit beside the binary, never at a PACKER_PLUGIN_PATH of this machine, whose plugins would change the verdicts.
  return { packer: { bin, pluginPath: join(dirname(bin), 'plugins') }, skip: false };
}

export const PACKER_1_14 = findReferencePacker();

/**
 * Packer 1.14 with every plugin built here: the folder scripts/reference-packer-extra.sh fills (base plugins and vagrant,
 * ansible, chef, vmware, …) where it exists, else the base one. Only the real corpus's recording uses it; the live
 * comparisons keep the base plugins CI builds, so their verdicts do not depend on what a developer added.
 */
export function withExtraPlugins(lookup: ReferencePackerLookup): ReferencePackerLookup {
  if (lookup.skip !== false) return lookup;
  const extra = join(dirname(lookup.packer.bin), 'plugins-extra');
  return existsSync(extra) ? { packer: { ...lookup.packer, pluginPath: extra }, skip: false } : lookup;
}

/** A private config folder, so the user's own Packer plugins and settings never reach a comparison. */
let configDir: string | undefined;

export interface PackerRun {
  cwd: string;
  /** The whole environment Packer sees besides PATH (PKR_VAR_*, env()); default none. */
  env?: Record<string, string>;
  input?: string;
}

/** Runs the reference Packer as a user would from `cwd`, with its own plugins and nothing of this machine's Packer setup. */
export function runReferencePacker(packer: ReferencePacker, args: string[], run: PackerRun): SpawnSyncReturns<string> {
  return spawnSync(packer.bin, args, { cwd: run.cwd, input: run.input, encoding: 'utf8', timeout: 120_000, env: packerEnv(packer, run) });
}

/** runReferencePacker without blocking this process, for tests whose own servers must answer Packer meanwhile. */
export function runReferencePackerAsync(packer: ReferencePacker, args: string[], run: PackerRun): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(packer.bin, args, { cwd: run.cwd, env: packerEnv(packer, run), timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(run.input ?? '');
  });
}

function packerEnv(packer: ReferencePacker, run: PackerRun): NodeJS.ProcessEnv {
  configDir ??= mkdtempSync(join(tmpdir(), 'bakehouse-packer-1.14-'));
  return { PATH: process.env.PATH, HOME: configDir, PACKER_CONFIG_DIR: configDir, PACKER_PLUGIN_PATH: packer.pluginPath, CHECKPOINT_DISABLE: '1', ...run.env };
}

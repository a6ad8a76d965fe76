/**
 * The user's own Packer, for the component types Bakehouse does not build itself: which Packer it is, and which builders,
 * provisioners, post-processors and data sources it offers — Packer 1.14's own components plus every plugin it has
 * installed (`packer plugins installed`, each plugin binary asked with `describe`, as Packer itself discovers them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { ComponentKind } from '../components/schema';
import { err, ok, type Result } from '../common/result';
import type { TemplateFormat } from '../common/template';
import type { ExternalLookup } from '../components/external';
import type { PluginRegistry } from '../engine/plugin';
import type { PlannedBuild } from '../template/model';
import type { BridgeOptions } from './run';

/** Where a type Bakehouse does not build comes from. */
export interface ExternalComponent {
  kind: ComponentKind;
  type: string;
  /** The Packer binary that runs it and its version (`1.14.3`). */
  packer: string;
  packerVersion: string;
  /** The plugin that provides it (`github.com/hashicorp/goss v3.2.0`); absent for Packer's own components. */
  plugin?: string;
}

export interface PackerInstall {
  bin: string;
  version: string;
  components: ReadonlyMap<string, ExternalComponent>;
}

/** Packer 1.7 split the plugins out of Packer and added `packer plugins`; an older Packer cannot tell what it offers. */
const OLDEST = [1, 7, 0];

/** The components built into Packer 1.7 and later (github.com/hashicorp/packer command/execute.go). */
const PACKER_OWN: Record<ComponentKind, string[]> = {
  builder: ['file', 'null'],
  provisioner: ['breakpoint', 'file', 'hcp-sbom', 'powershell', 'shell', 'shell-local', 'sleep', 'windows-restart', 'windows-shell'],
  'post-processor': ['artifice', 'checksum', 'compress', 'manifest', 'shell-local'],
  data: ['hcp-packer-artifact', 'hcp-packer-image', 'hcp-packer-iteration', 'hcp-packer-version', 'http', 'null'],
};

/** `describe`'s lists by kind; a component named `-packer-default-plugin-name-` takes the plugin's own name. */
const DESCRIBE_KEYS: Record<ComponentKind, string> = { builder: 'builders', provisioner: 'provisioners', 'post-processor': 'post_processors', data: 'datasources' };
const DEFAULT_NAME = '-packer-default-plugin-name-';

export function componentKey(kind: ComponentKind, type: string): string {
  return `${kind}:${type}`;
}

/** The `packer` the user runs: BAKEHOUSE_PACKER, else the first on PATH. */
export function findPacker(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BAKEHOUSE_PACKER) return env.BAKEHOUSE_PACKER;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'packer');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const cache = new Map<string, Result<PackerInstall>>();

/** What the user's Packer offers; asked once per binary and plugin path for the life of the process. */
export function packerInstall(env: NodeJS.ProcessEnv): Result<PackerInstall> {
  const bin = findPacker(env);
  if (!bin) return err('Packer was not found: put `packer` on PATH or set BAKEHOUSE_PACKER to its path');
  const key = `${bin}\n${env.PACKER_PLUGIN_PATH ?? ''}\n${env.PACKER_CONFIG_DIR ?? ''}`;
  const known = cache.get(key);
  if (known) return known;
  const found = describeInstall(bin, env);
  cache.set(key, found);
  return found;
}

function describeInstall(bin: string, env: NodeJS.ProcessEnv): Result<PackerInstall> {
  const run = (file: string, args: string[]) => spawnSync(file, args, { env: { ...env, PACKER_CHECKPOINT_DISABLE: '1' }, encoding: 'utf8', timeout: 30_000 });
  const v = run(bin, ['version']);
  const version = /Packer v(\d+\.\d+\.\d+)/.exec(v.stdout ?? '')?.[1];
  if (v.status !== 0 || !version) return err(`${bin} did not say its version: ${(v.stderr || v.stdout || String(v.error ?? '')).trim()}`);
  if (compareVersions(version.split('.').map(Number), OLDEST) < 0) return err(`Packer ${version} at ${bin} is too old to run plugins for Bakehouse: Packer 1.7 or newer is needed`);
  const components = new Map<string, ExternalComponent>();
  for (const [kind, types] of Object.entries(PACKER_OWN) as Array<[ComponentKind, string[]]>) {
    for (const type of types) components.set(componentKey(kind, type), { kind, type, packer: bin, packerVersion: version });
  }
  const installed = run(bin, ['plugins', 'installed']);
  if (installed.status !== 0) return err(`\`${bin} plugins installed\` failed: ${(installed.stderr || installed.stdout).trim()}`);
  for (const path of installed.stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const plugin = pluginOf(path);
    if (!plugin) continue;
    const d = run(path, ['describe']);
    if (d.status !== 0) continue;
    let described: Record<string, unknown>;
    try {
      described = JSON.parse(d.stdout) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const kind of Object.keys(DESCRIBE_KEYS) as ComponentKind[]) {
      const names = described[DESCRIBE_KEYS[kind]];
      if (!Array.isArray(names)) continue;
      for (const n of names) {
        if (typeof n !== 'string') continue;
        const type = n === DEFAULT_NAME ? plugin.name : `${plugin.name}-${n}`;
        // A plugin may shadow one of Packer's own components; Packer prefers the plugin, and so does the bridge.
        components.set(componentKey(kind, type), { kind, type, packer: bin, packerVersion: version, plugin: `${plugin.source} v${plugin.version}` });
      }
    }
  }
  return ok({ bin, version, components });
}

/** `<dir>/github.com/hashicorp/docker/packer-plugin-docker_v1.1.2_x5.0_linux_amd64` → its name, source and version. */
function pluginOf(path: string): { name: string; source: string; version: string } | undefined {
  const m = /^packer-plugin-([a-z0-9-]+)_v(\d+\.\d+\.\d+[^_]*)_x\d/.exec(basename(path));
  if (!m) return undefined;
  const parts = path.split('/');
  const source = parts.length >= 4 ? parts.slice(-4, -1).join('/') : m[1];
  return { name: m[1], source, version: m[2] };
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The lookup the validator uses (core/components/external.ts), over the user's Packer as `env` finds it. */
export function externalLookup(env: NodeJS.ProcessEnv): ExternalLookup {
  return (kind, type) => {
    const install = packerInstall(env);
    if (!install.ok) return install;
    const c = install.value.components.get(componentKey(kind, type));
    if (!c) return err(`${install.value.bin} (Packer ${install.value.version}) has no ${kind} "${type}": install the plugin that provides it with \`packer plugins install <source>\` (the source is in the template's required_plugins)`);
    return ok({ runner: `Packer ${c.packerVersion} (${c.packer})`, plugin: c.plugin });
  };
}

/** What the engine needs to hand builds to Packer, when some build uses a type `registry` lacks and Packer is there. */
export function bridgeFor(
  builds: readonly PlannedBuild[],
  registry: PluginRegistry,
  template: { path: string; format: TemplateFormat; vars?: ReadonlyArray<readonly [string, string]>; varFiles?: readonly string[] },
  env: NodeJS.ProcessEnv,
  credentials?: Pick<BridgeOptions, 'secretVars' | 'credentialEnv'>,
): Omit<BridgeOptions, 'env' | 'cwd'> | undefined {
  if (builds.every((b) => registry.buildsAll(b))) return undefined;
  const install = packerInstall(env);
  if (!install.ok) return undefined;
  return { packer: install.value.bin, template: template.path, format: template.format, vars: template.vars ?? [], varFiles: template.varFiles ?? [], ...credentials };
}

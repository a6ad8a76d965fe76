/**
 * Runs qemu builds through the real engine with real QEMU (software emulation here), booting the small Debian guest
 * .ci/qemu-guest.sh builds, and looks at what is left on the machine afterwards: processes, ports, temp folders.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { createRun, type BuildRun, type RunOptions, type RunOutcome } from '../../../core/engine/engine';
import type { EngineEvent } from '../../../core/engine/events';
import type { ComponentConfig, PlannedBuild } from '../../../core/template/model';
import type { Range } from '../../../core/template/source';
import { T_DYNAMIC } from '../../../core/template/values/type';
import { bool, nullOf, num, object, str, tuple, type Plain, type Value } from '../../../core/template/values/value';

export const GUEST_DIR = '/var/cache/bakehouse/qemu-guest';
export const GUEST_DISK = join(GUEST_DIR, 'disk.qcow2');
export const GUEST_KEY = '/var/cache/bakehouse/guest-key';

/** Fails (never skips) when QEMU or the guest is missing, saying how to get them. */
export function requireGuest(): void {
  assert.equal(spawnSync('qemu-system-x86_64', ['--version']).status, 0, 'qemu-system-x86_64 is missing: apt-get install qemu-system-x86 qemu-utils');
  for (const f of [GUEST_DISK, join(GUEST_DIR, 'vmlinuz'), join(GUEST_DIR, 'initrd.img'), GUEST_KEY]) {
    assert.ok(existsSync(f), `${f} is missing: run .ci/qemu-guest.sh first`);
  }
}

/** The builder fields that boot the cached guest directly from its kernel, with generous timeouts for software emulation. */
export function guestBuilder(fields: Record<string, Plain> = {}): Record<string, Plain> {
  return {
    iso_url: GUEST_DISK,
    iso_checksum: 'none',
    disk_image: true,
    use_backing_file: true,
    headless: true,
    disable_vnc: true,
    boot_wait: '0s',
    memory: 512,
    ssh_username: 'root',
    ssh_private_key_file: GUEST_KEY,
    ssh_timeout: '10m',
    qemuargs: [
      ['-kernel', join(GUEST_DIR, 'vmlinuz')],
      ['-initrd', join(GUEST_DIR, 'initrd.img')],
      ['-append', 'root=/dev/vda rw console=ttyS0'],
    ],
    ...fields,
  };
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'bakehouse-qemu-test-'));
}

export interface Ran {
  summary: RunOutcome;
  events: EngineEvent[];
  /** say/message/error/output text, in order: what the CLI shows without PACKER_LOG. */
  log: string[];
  /** The detail the run log keeps besides (level `log`: the serial console), in order. */
  detail: string[];
}

function toValue(p: Plain): Value {
  if (p === null) return nullOf(T_DYNAMIC);
  if (typeof p === 'string') return str(p);
  if (typeof p === 'number') return num(p);
  if (typeof p === 'boolean') return bool(p);
  if (Array.isArray(p)) return tuple(p.map(toValue));
  return object(Object.fromEntries(Object.entries(p).map(([k, v]) => [k, toValue(v)])));
}

function config(fields: Record<string, Plain>): ComponentConfig {
  return { values: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, toValue(v)])), ranges: {}, blocks: {} };
}

const RANGE: Range = { filename: 'test.pkr.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };

export interface BuildSpec {
  builder: Record<string, Plain>;
  provisioners?: Array<[type: string, fields: Record<string, Plain>]>;
  /** Post-processor chains; every one keeps its input artifact, so later chains and the test still see the disk. */
  postProcessors?: Array<Array<[type: string, fields: Record<string, Plain>]>>;
}

export function plannedBuild(spec: BuildSpec): PlannedBuild {
  return {
    name: 'qemu.test',
    type: 'qemu',
    sourceName: 'test',
    builder: config(spec.builder),
    provisioners: (spec.provisioners ?? []).map(([type, fields]) => ({ type, only: [], except: [], maxRetries: 0, config: config(fields), range: RANGE })),
    postProcessors: (spec.postProcessors ?? []).map((chain) =>
      chain.map(([type, fields]) => ({ type, only: [], except: [], keepInputArtifact: true, config: config(fields), range: RANGE })),
    ),
    range: RANGE,
  };
}

export async function runBuild(spec: BuildSpec, dir: string, opts: Partial<RunOptions> = {}, onEvent?: (e: EngineEvent, run: BuildRun) => void): Promise<Ran> {
  const run = createRun({ builds: [plannedBuild(spec)], registry: builtinPlugins(), dataDir: false, cwd: dir, runId: randomUUID(), ...opts });
  const events: EngineEvent[] = [];
  run.subscribe((e) => {
    events.push(e);
    onEvent?.(e, run);
  });
  const summary = await run.start();
  const log = events.flatMap((e) =>
    (e.kind === 'message' && e.level !== 'log') || e.kind === 'error' ? [e.text] : e.kind === 'output' ? [e.line] : [],
  );
  const detail = events.flatMap((e) => (e.kind === 'message' && e.level === 'log' ? [e.text] : []));
  return { summary, events, log, detail };
}

/** QEMU processes whose command line mentions `marker` (the test's own folder), so parallel tests never see each other's. */
export function qemuProcesses(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = execFileSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' }).split('\0').join(' ');
      if (cmd.includes('qemu-system') && cmd.includes(marker)) out.push(`${pid}: ${cmd}`);
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** TCP ports listening on 127.0.0.1 right now. */
export function listeningPorts(): Set<number> {
  const text = execFileSync('ss', ['-Htln'], { encoding: 'utf8' });
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    const m = /\s(?:127\.0\.0\.1|0\.0\.0\.0|\*|\[::\]):(\d+)\s/.exec(line);
    if (m) ports.add(Number(m[1]));
  }
  return ports;
}

/** A file's content from an ext4 filesystem inside a disk image (converted to raw first). */
export function readFromImage(image: string, path: string, scratch: string): string {
  const raw = join(scratch, 'read.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', image, raw]);
  try {
    return execFileSync('debugfs', ['-R', `cat ${path}`, raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    execFileSync('rm', ['-f', raw]);
  }
}

/**
 * Runs HCL templates through the real engine against the real Docker daemon, and inspects what the daemon holds
 * afterwards (with the docker CLI, which tests may use). Every run gets its own run id, so parallel test files only
 * ever look at their own containers, temp folders and images.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { createRun, type BuildRun, type RunOptions, type RunOutcome } from '../../../core/engine/engine';
import type { EngineEvent } from '../../../core/engine/events';
import type { PluginRegistry } from '../../../core/engine/plugin';
import type { ComponentConfig, PlannedBuild } from '../../../core/template/model';
import type { Range } from '../../../core/template/source';
import { T_DYNAMIC } from '../../../core/template/values/type';
import { bool, nullOf, num, object, str, tuple, type Plain, type Value } from '../../../core/template/values/value';

export const BASE_IMAGE = 'local/debian:bookworm';
/** A 4 MB image (.ci/services.sh) for tests that move whole images around: exports, saves, pushes. */
export const TINY_IMAGE = 'local/tiny:1';
export const REGISTRY = '127.0.0.1:5000';

/** Fails (never skips) when the daemon or the base image is missing, saying how to get them. */
export function requireDocker(): void {
  assert.ok(existsSync('/var/run/docker.sock'), 'Docker is not running (/var/run/docker.sock is missing): run .ci/services.sh first');
  for (const image of [BASE_IMAGE, TINY_IMAGE]) {
    const r = spawnSync('docker', ['image', 'inspect', image], { encoding: 'utf8' });
    assert.equal(r.status, 0, `The image ${image} is missing: run .ci/services.sh first\n${r.stderr}`);
  }
}

/** The shipped registry: the docker plugins must be registered there. */
export function registry(): PluginRegistry {
  return builtinPlugins();
}

const workDirs: string[] = [];
after(() => {
  for (const d of workDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder for a build's files, removed when the test file ends. */
export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-docker-test-'));
  workDirs.push(dir);
  return dir;
}

/** A short unique tag so images from parallel tests never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Every image a build committed, removed when the test file ends even if an assertion failed first. */
const committed = new Set<string>();
after(() => removeImages(...committed));

export interface Ran {
  runId: string;
  summary: RunOutcome;
  events: EngineEvent[];
  /** say/message/error/output text, in order. */
  log: string[];
}

export interface BuildSpec {
  name?: string;
  builder: Record<string, Plain>;
  provisioners?: Array<[type: string, fields: Record<string, Plain>, name?: string, meta?: { cache?: false }]>;
  postProcessors?: Array<Array<[type: string, fields: Record<string, Plain>]>>;
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

/** The PlannedBuild the loader would make from a `source "docker" "<name>"` and its build block. */
export function plannedBuild(spec: BuildSpec): PlannedBuild {
  const source = spec.name ?? 'test';
  return {
    name: `docker.${source}`,
    type: 'docker',
    sourceName: source,
    builder: config(spec.builder),
    provisioners: (spec.provisioners ?? []).map(([type, fields, name, meta]) => ({ type, name, only: [], except: [], maxRetries: 0, config: config(fields), range: RANGE, ...meta })),
    postProcessors: (spec.postProcessors ?? []).map((chain) => chain.map(([type, fields]) => ({ type, only: [], except: [], config: config(fields), range: RANGE }))),
    range: RANGE,
  };
}

/** Runs the builds through the engine with a fresh run id, in `dir`. */
export async function runBuilds(
  specs: BuildSpec[],
  dir: string,
  opts: Partial<RunOptions> = {},
  onEvent?: (e: EngineEvent, run: BuildRun) => void,
): Promise<Ran> {
  const runId = randomUUID();
  const run = createRun({ builds: specs.map(plannedBuild), registry: registry(), dataDir: false, cwd: dir, runId, ...opts });
  const events: EngineEvent[] = [];
  run.subscribe((e) => {
    events.push(e);
    onEvent?.(e, run);
  });
  const summary = await run.start();
  for (const b of summary.builds) for (const a of b.artifacts) if (/^sha256:/.test(a.id)) committed.add(a.id);
  assert.deepEqual(summary.prepareErrors, [], 'the builds should prepare');
  const log = events.flatMap((e) => (e.kind === 'message' || e.kind === 'error' ? [e.text] : e.kind === 'output' ? [e.line] : []));
  return { runId, summary, events, log };
}

/** One docker build: `builder` fields on top of the base image with pull = false. */
export function runBuild(spec: Omit<BuildSpec, 'builder'> & { builder: Record<string, Plain> }, dir: string, opts: Partial<RunOptions> = {}, onEvent?: (e: EngineEvent, run: BuildRun) => void): Promise<Ran> {
  return runBuilds([{ ...spec, builder: { image: BASE_IMAGE, pull: false, ...spec.builder } }], dir, opts, onEvent);
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** Containers (running or not) a run left behind: build containers are named after the run (`bakehouse-<id's first 8>-…`). */
export function containersOf(runId: string): string[] {
  return docker('ps', '-a', '-q', '--filter', `name=^/bakehouse-${runId.slice(0, 8)}-`).split('\n').filter(Boolean);
}

/** Temp folders the docker builder made for a run and did not remove. */
export function tempDirsOf(runId: string): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`bakehouse-docker-${runId.slice(0, 8)}-`));
}

/** Runs a command in a throwaway container of `image` and returns its stdout. */
export function inImage(image: string, script: string): string {
  return docker('run', '--rm', '--entrypoint', '/bin/sh', image, '-c', script);
}

export function removeImages(...names: string[]): void {
  for (const n of names) spawnSync('docker', ['rmi', '-f', n], { encoding: 'utf8' });
}

export function assertNothingLeft(runId: string): void {
  assert.deepEqual(containersOf(runId), [], 'no container of the run is left');
  assert.deepEqual(tempDirsOf(runId), [], 'no temp folder of the run is left');
}

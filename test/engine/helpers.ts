/** Builds engine inputs by hand (a PlannedBuild, component configs) and collects a run's events for assertions. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../core/engine/events';
import { createRun, type BuildRun, type RunOptions } from '../../core/engine/engine';
import type { ComponentConfig, PlannedBuild, PostProcessorModel, ProvisionerModel } from '../../core/template/model';
import type { Range } from '../../core/template/source';
import { T_DYNAMIC } from '../../core/template/values/type';
import { bool, nullOf, num, object, str, tuple, type Plain, type Value } from '../../core/template/values/value';

export const RANGE: Range = { filename: 'test.pkr.hcl', start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };

export function value(p: Plain): Value {
  if (p === null) return nullOf(T_DYNAMIC);
  if (typeof p === 'string') return str(p);
  if (typeof p === 'number') return num(p);
  if (typeof p === 'boolean') return bool(p);
  if (Array.isArray(p)) return tuple(p.map(value));
  const attrs: Record<string, Value> = {};
  for (const [k, v] of Object.entries(p)) attrs[k] = value(v);
  return object(attrs);
}

export function config(fields: Record<string, Plain> = {}): ComponentConfig {
  const values: Record<string, Value> = {};
  for (const [k, v] of Object.entries(fields)) values[k] = value(v);
  return { values, ranges: {}, blocks: {} };
}

export function provisioner(type: string, fields: Record<string, Plain>, extra: Partial<ProvisionerModel> = {}): ProvisionerModel {
  return { type, only: [], except: [], maxRetries: 0, config: config(fields), range: RANGE, ...extra };
}

export function postProcessor(type: string, fields: Record<string, Plain>, extra: Partial<PostProcessorModel> = {}): PostProcessorModel {
  return { type, only: [], except: [], config: config(fields), range: RANGE, ...extra };
}

export function build(name: string, parts: Partial<PlannedBuild> = {}): PlannedBuild {
  return {
    name,
    type: 'null',
    sourceName: name,
    builder: config({ communicator: 'none' }),
    provisioners: [],
    postProcessors: [],
    range: RANGE,
    ...parts,
  };
}

export function tempDir(prefix = 'bakehouse-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a run and records every event; `onEvent` may react (answer prompts, cancel). */
export async function collect(
  opts: Partial<RunOptions> & Pick<RunOptions, 'builds' | 'registry'>,
  onEvent?: (e: EngineEvent, run: BuildRun) => void,
): Promise<{ events: EngineEvent[]; summary: Awaited<ReturnType<BuildRun['start']>>; run: BuildRun }> {
  const run = createRun({ dataDir: false, backoff: { initialMs: 10, maxMs: 20, multiplier: 2 }, ...opts });
  const events: EngineEvent[] = [];
  run.subscribe((e) => {
    events.push(e);
    onEvent?.(e, run);
  });
  const summary = await run.start();
  return { events, summary, run };
}

/** The text of say/message/error/output events, as the user reads them. */
export function texts(events: EngineEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.kind === 'message' || e.kind === 'error') return [e.text];
    if (e.kind === 'output') return [e.line];
    return [];
  });
}

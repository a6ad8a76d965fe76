/**
 * `provisioner "type" { … }` and `error-cleanup-provisioner` blocks: meta arguments (only/except/override/pause_before/
 * max_retries/timeout/name) read once, then the config evaluated per planned build so `source.*` and `build.*` are that build's.
 */
import { getSchema } from '../../components/registry';
import { parseDuration } from '../../components/durations';
import { unknownComponentType, validateComponent } from '../../components/validate';
import { childContext, type EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import type { Block, Body } from '../hcl/ast';
import type { ProvisionerMeta, ProvisionerModel } from '../model';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL, T_NUMBER } from '../values/type';
import type { Value } from '../values/value';
import { decodeComponentBodies } from './component';
import { templateContext, type LoadState } from './context';
import { metaString, metaStrings, readBodyPartially } from './body-read';
import type { Scope } from './dynamic-blocks';
import { headerRange } from './variables';

export const PROVISIONER_META = ['name', 'pause_before', 'max_retries', 'timeout', 'only', 'except', 'override', 'cache'];

export interface ProvisionerDecl extends ProvisionerMeta {
  override?: Value;
  overrideRange?: Range;
  body: Body;
  range: Range;
  blockRange: Range;
  known: boolean;
  /** A `dynamic` block's iterator, for when the body is evaluated per build. */
  scope?: Scope;
}

/** `extra`: what the meta arguments see besides the template's values (build.name, a dynamic block's iterator). */
export function decodeProvisioner(block: Block, state: LoadState, diags: Diagnostic[], extra: Scope = {}): ProvisionerDecl | undefined {
  const type = block.labels[0] ?? '';
  const range = headerRange(block);
  const ctx = templateContext(state, extra);
  const own: Diagnostic[] = [];
  const c = readBodyPartially(block.body, { attributes: PROVISIONER_META });
  own.push(...c.diagnostics);
  const decl: ProvisionerDecl = { type, only: [], except: [], maxRetries: 0, body: block.body, range, blockRange: block.range, known: true };
  const a = c.attributes;
  if (a.name) decl.name = metaString(a.name.expr, ctx, own);
  if (a.only) decl.only = metaStrings(a.only.expr, ctx, own);
  if (a.except) decl.except = metaStrings(a.except.expr, ctx, own);
  if (a.max_retries) {
    const r = evaluate(a.max_retries.expr, ctx);
    own.push(...r.diagnostics);
    const n = convert(r.value, T_NUMBER);
    if (n.ok && n.value.kind === 'number') decl.maxRetries = n.value.value;
    else if (!hasErrors(r.diagnostics)) own.push(error('Unsuitable value type', 'Unsuitable value: a number is required', a.max_retries.expr.range));
  }
  if (a.pause_before) decl.pauseBefore = metaDuration('pause_before', a.pause_before.expr, ctx, own);
  if (a.timeout) decl.timeout = metaDuration('timeout', a.timeout.expr, ctx, own);
  if (a.cache) {
    const r = evaluate(a.cache.expr, ctx);
    own.push(...r.diagnostics);
    const b = convert(r.value, T_BOOL);
    if (b.ok && b.value.kind === 'bool') {
      if (!b.value.value) decl.cache = false;
    } else if (!hasErrors(r.diagnostics)) own.push(error('Unsuitable value type', 'Unsuitable value: a bool is required', a.cache.expr.range));
  }
  if (a.override) {
    const r = evaluate(a.override.expr, ctx);
    own.push(...r.diagnostics);
    decl.override = r.value;
    decl.overrideRange = a.override.expr.range;
  }
  if (decl.only.length && decl.except.length) own.push(error("only one of 'only' or 'except' may be specified", undefined, range));
  diags.push(...own);
  if (hasErrors(own)) return undefined;
  if (!getSchema('provisioner', type)) {
    diags.push(unknownComponentType('provisioner', type, block.labelRanges[0] ?? range));
    decl.known = false;
  }
  return decl;
}

/** The provisioner as it runs in one build: config evaluated in the build's context with the build's `override` merged in. */
export function planProvisioner(decl: ProvisionerDecl, sourceType: string, sourceName: string, ctx: EvalContext, diags: Diagnostic[], filesCwd?: string): ProvisionerModel {
  const schema = getSchema('provisioner', decl.type);
  const config = decodeComponentBodies([decl.body], schema?.fields, childContext(ctx, decl.scope ?? {}), PROVISIONER_META, diags, decl.blockRange);
  const override = overrideFor(decl.override, sourceType, sourceName);
  if (override) {
    for (const [k, v] of Object.entries(override)) {
      config.values[k] = v;
      if (decl.overrideRange) config.ranges[k] = decl.overrideRange;
    }
  }
  if (schema) diags.push(...validateComponent(schema, config, decl.range, { cwd: filesCwd }));
  const model: ProvisionerModel = { type: decl.type, only: decl.only, except: decl.except, maxRetries: decl.maxRetries, config, range: decl.range };
  if (decl.name !== undefined) model.name = decl.name;
  if (decl.pauseBefore !== undefined) model.pauseBefore = decl.pauseBefore;
  if (decl.timeout !== undefined) model.timeout = decl.timeout;
  if (decl.cache === false) model.cache = false;
  return model;
}

/** Packer 1.6.6 keys `override` by the source's name; the `type.name` form is accepted too. */
function overrideFor(override: Value | undefined, type: string, name: string): Record<string, Value> | undefined {
  if (!override) return undefined;
  const entries = override.kind === 'object' ? override.attrs : override.kind === 'map' ? override.entries : undefined;
  if (!entries) return undefined;
  const v = entries[name] ?? entries[`${type}.${name}`];
  if (!v) return undefined;
  if (v.kind === 'object') return { ...v.attrs };
  if (v.kind === 'map') return { ...v.entries };
  return undefined;
}

/** Packer's OnlyExcept.Skip: exact names (`type.name`), `only` winning over `except`. */
export function skipFor(only: readonly string[], except: readonly string[], sourceRef: string): boolean {
  if (only.length) return !only.includes(sourceRef);
  if (except.length) return except.includes(sourceRef);
  return false;
}

function metaDuration(field: string, expr: Block['body']['attributes'][number]['expr'], ctx: EvalContext, diags: Diagnostic[]): string | undefined {
  const s = metaString(expr, ctx, diags);
  if (s === undefined || s === '') return undefined;
  const d = parseDuration(s);
  if (!d.ok) {
    diags.push(error(`Failed to parse ${field} duration`, d.error, expr.range));
    return undefined;
  }
  return s;
}

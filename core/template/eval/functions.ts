/**
 * Turns function definitions into the table the evaluator calls, applying cty's calling rules:
 * arity, argument conversion to parameter types, unknown arguments giving unknown results, and sensitive marks.
 */
import type { FunctionContext, FunctionDef, ParamSpec } from '../functions/define';
import { FunctionError } from '../functions/define';
import type { Range } from '../source';
import { convert } from '../values/convert';
import { T_DYNAMIC } from '../values/type';
import { isSensitiveDeep, markSensitive, unknownOf, type Value } from '../values/value';
import type { EvalContext, FunctionCallResult, FunctionTable } from './context';

export interface FunctionTableOptions {
  /** Renders `templatefile()` templates; the loader passes one bound to the evaluator. */
  renderTemplate?: FunctionContext['renderTemplate'];
  now?: Date;
  /** Names evaluated by the evaluator itself rather than by a definition (`try`, `can`). */
  builtins?: readonly string[];
}

export function functionTable(defs: Iterable<FunctionDef>, opts: FunctionTableOptions = {}): FunctionTable & { typeExpressionArg(name: string, index: number): boolean } {
  const byName = new Map<string, FunctionDef>();
  for (const d of defs) byName.set(d.name, d);
  const builtins = opts.builtins ?? ['try', 'can'];
  return {
    has: (name) => byName.has(name) || builtins.includes(name),
    names: () => [...new Set([...byName.keys(), ...builtins])],
    typeExpressionArg: (name, index) => paramAt(byName.get(name), index)?.isTypeExpression === true,
    call: (name, args, ctx, range) => {
      const def = byName.get(name);
      if (!def) return { ok: false, summary: 'Call to unknown function', detail: `There is no function named "${name}".` };
      return callDefinition(def, args, ctx, range, opts);
    },
  };
}

function paramAt(def: FunctionDef | undefined, i: number): ParamSpec | undefined {
  if (!def) return undefined;
  return i < def.params.length ? def.params[i] : def.variadic;
}

function callDefinition(def: FunctionDef, args: Value[], ctx: EvalContext, _range: Range, opts: FunctionTableOptions): FunctionCallResult {
  const n = def.params.length;
  if (args.length < n) {
    return {
      ok: false,
      summary: 'Not enough function arguments',
      detail: `Function "${def.name}" expects ${def.variadic ? 'at least ' : ''}${n} argument(s). Missing value for "${def.params[args.length].name}".`,
    };
  }
  if (args.length > n && !def.variadic) {
    return { ok: false, summary: 'Too many function arguments', detail: `Function "${def.name}" expects only ${n} argument(s).`, argIndex: n };
  }
  const converted: Value[] = [];
  let sensitive = false;
  let unknown = false;
  for (let i = 0; i < args.length; i++) {
    const spec = paramAt(def, i) as ParamSpec;
    const a = args[i];
    if (isSensitiveDeep(a)) sensitive = true;
    if (a.kind === 'null' && !spec.allowNull) {
      return { ok: false, summary: 'Invalid function argument', detail: `Invalid value for "${spec.name}" parameter: argument must not be null.`, argIndex: i };
    }
    const c = convert(a, spec.type);
    if (!c.ok) return { ok: false, summary: 'Invalid function argument', detail: `Invalid value for "${spec.name}" parameter: ${c.error}.`, argIndex: i };
    if (c.value.kind === 'unknown' && !spec.allowUnknown) unknown = true;
    converted.push(c.value);
  }
  if (unknown) return { ok: true, value: mark(unknownOf(def.returns ?? T_DYNAMIC), sensitive) };
  try {
    const value = def.call(converted, { baseDir: ctx.baseDir, now: opts.now, renderTemplate: opts.renderTemplate });
    return { ok: true, value: mark(value, sensitive) };
  } catch (e) {
    if (e instanceof FunctionError) {
      if (e.argIndex !== undefined) {
        const spec = paramAt(def, e.argIndex);
        return { ok: false, summary: 'Invalid function argument', detail: `Invalid value for "${spec?.name ?? 'argument'}" parameter: ${e.message}.`, argIndex: e.argIndex };
      }
      return { ok: false, summary: 'Error in function call', detail: `Call to function "${def.name}" failed: ${e.message}.` };
    }
    throw e;
  }
}

function mark(v: Value, sensitive: boolean): Value {
  return sensitive ? markSensitive(v) : v;
}

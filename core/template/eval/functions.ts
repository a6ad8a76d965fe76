/**
 * Turns function definitions into the table the evaluator calls. cty's calling rules (arity, argument conversion,
 * unknown arguments giving unknown results, sensitive marks) live in functions/index.ts's callDefinition.
 */
import { err, type Result } from '../../common/result';
import type { FunctionContext, FunctionDef, ParamSpec } from '../functions/define';
import { callDefinition as callDefinitionWithRules, type CallFailure } from '../functions/index';
import type { Range } from '../source';
import type { Value } from '../values/value';
import type { EvalContext, FunctionTable } from './context';

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
      if (!def) return err({ summary: 'Call to unknown function', detail: `There is no function named "${name}".` });
      return callDefinition(def, args, ctx, range, opts);
    },
  };
}

function paramAt(def: FunctionDef | undefined, i: number): ParamSpec | undefined {
  if (!def) return undefined;
  return i < def.params.length ? def.params[i] : def.variadic;
}

function callDefinition(def: FunctionDef, args: Value[], ctx: EvalContext, _range: Range, opts: FunctionTableOptions): Result<Value, CallFailure> {
  return callDefinitionWithRules(def, args, { baseDir: ctx.baseDir, now: opts.now, renderTemplate: opts.renderTemplate });
}

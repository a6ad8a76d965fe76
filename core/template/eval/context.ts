/**
 * What an expression can see while it is evaluated: named values by root name, the functions it may call, and
 * where relative file paths start. Packer narrows this per place (variable defaults may call only env()).
 */
import type { Result } from '../../common/result';
import type { CallFailure } from '../functions';
import type { Range } from '../source';
import type { Value } from '../values/value';

/** The functions an expression may call. `try` and `can` are evaluated by the evaluator itself when listed here. */
export interface FunctionTable {
  has(name: string): boolean;
  names(): string[];
  /** `argIndex` of a failure says which argument was wrong, so the error can point at it. */
  call(name: string, args: Value[], ctx: EvalContext, callRange: Range): Result<Value, CallFailure>;
  /** True when the argument is a type expression (`convert(x, list(string))`), passed as its type's text. */
  typeExpressionArg?(name: string, index: number): boolean;
}

export interface EvalContext {
  /** Values by root name (`var`, `local`, `path`, an iterator …); null means no variable may be referenced here. */
  variables: Readonly<Record<string, Value>> | null;
  /** null means no function may be called here. */
  functions: FunctionTable | null;
  /** Directory relative paths in file functions start from (`path.root`). */
  baseDir: string;
  /** Names of declared input variables and locals, so a reference to an undeclared one gets a precise message. */
  declared?: { var?: readonly string[]; local?: readonly string[] };
  /** The splat element, while evaluating a splat's `each`. */
  anon?: Value;
}

/** A context that sees the same things as `parent` plus `extra` root names (for-expression iterators). */
export function childContext(parent: EvalContext, extra: Record<string, Value>): EvalContext {
  return { ...parent, variables: { ...(parent.variables ?? {}), ...extra } };
}

/** A function table holding only the named functions of `table` (e.g. just `env` for variable defaults). */
export function restrictFunctions(table: FunctionTable, allowed: readonly string[]): FunctionTable {
  const names = allowed.filter((n) => table.has(n));
  return {
    has: (name) => names.includes(name),
    names: () => [...names],
    call: (name, args, ctx, range) => table.call(name, args, ctx, range),
    typeExpressionArg: (name, index) => table.typeExpressionArg?.(name, index) ?? false,
  };
}

/** Reading already-converted arguments: each helper assumes the parameter's declared type was applied. */
import type { Value } from '../values/value';
import { FunctionError } from './define';

export function asString(v: Value, argIndex?: number): string {
  if (v.kind === 'string') return v.value;
  throw new FunctionError('string required', argIndex);
}

export function asNumber(v: Value, argIndex?: number): number {
  if (v.kind === 'number') return v.value;
  throw new FunctionError('number required', argIndex);
}

export function asBool(v: Value, argIndex?: number): boolean {
  if (v.kind === 'bool') return v.value;
  throw new FunctionError('bool required', argIndex);
}

/** A whole number in int64 range, as cty's `AsBigFloat().Int64()` checks it. */
export function asInteger(v: Value, argIndex?: number, what = 'value'): number {
  const n = asNumber(v, argIndex);
  if (!Number.isInteger(n)) throw new FunctionError(`${what} must be a whole number`, argIndex);
  return n;
}

export function asItems(v: Value): readonly Value[] {
  switch (v.kind) {
    case 'list':
    case 'set':
    case 'tuple':
      return v.items;
    case 'map':
      return Object.values(v.entries);
    case 'object':
      return Object.values(v.attrs);
    default:
      return [];
  }
}

export function asEntries(v: Value): Readonly<Record<string, Value>> {
  if (v.kind === 'map') return v.entries;
  if (v.kind === 'object') return v.attrs;
  return {};
}

export function isSequence(v: Value): boolean {
  return v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple';
}

/** Sets keep their items unique and in cty's order: strings by bytes, numbers ascending, false before true. */
import { compareKeys } from './order';
import { valueKey } from './equals';
import type { Type } from './type';
import type { SetValue, Value } from './value';

export function compareSetItems(a: Value, b: Value): number {
  if (a.kind === 'string' && b.kind === 'string') return compareKeys(a.value, b.value);
  if (a.kind === 'number' && b.kind === 'number') return a.value - b.value;
  if (a.kind === 'bool' && b.kind === 'bool') return Number(a.value) - Number(b.value);
  // Unknown and null items go last, as cty orders them.
  const rank = (v: Value) => (v.kind === 'unknown' ? 2 : v.kind === 'null' ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ka = valueKey(a);
  const kb = valueKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Builds a set from items already of `elementType`: duplicates dropped, items ordered. */
export function makeSet(elementType: Type, items: readonly Value[]): SetValue {
  const seen = new Map<string, Value>();
  for (const item of items) {
    const key = item.kind === 'unknown' ? `?${seen.size}` : valueKey(item);
    if (!seen.has(key)) seen.set(key, item);
  }
  return { kind: 'set', elementType, items: [...seen.values()].sort(compareSetItems) };
}

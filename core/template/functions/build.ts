/** Building result collections whose element type is worked out from their items. */
import { convert } from '../values/convert';
import { makeSet } from '../values/set';
import { T_DYNAMIC, type Type } from '../values/type';
import { unifyTypes } from '../values/unify';
import { typeOf, type Value } from '../values/value';
import { FunctionError } from './define';

/** Items converted to one shared type, or undefined if they have none. */
export function unifyItems(items: readonly Value[]): { type: Type; items: Value[] } | undefined {
  const typed = items.filter((i) => !(i.kind === 'null' && i.type.kind === 'dynamic'));
  const t = typed.length ? unifyTypes(typed.map(typeOf)) : T_DYNAMIC;
  if (!t) return undefined;
  const out: Value[] = [];
  for (const i of items) {
    const r = convert(i, t);
    if (!r.ok) return undefined;
    out.push(r.value);
  }
  return { type: t, items: out };
}

/** A list of `items`, which must share a type. */
export function listFrom(items: readonly Value[], what = 'list'): Value {
  const u = unifyItems(items);
  if (!u) throw new FunctionError(`all ${what} elements must have the same type`);
  return { kind: 'list', elementType: u.type, items: u.items };
}

/** A list if the items share a type, else a tuple. */
export function listOrTuple(items: readonly Value[]): Value {
  const u = unifyItems(items);
  return u ? { kind: 'list', elementType: u.type, items: u.items } : { kind: 'tuple', items: [...items] };
}

export function setFrom(items: readonly Value[]): Value {
  const u = unifyItems(items);
  if (!u) throw new FunctionError('all set elements must have the same type');
  return makeSet(u.type, u.items);
}

/** A map if the values share a type, else an object. */
export function mapOrObject(entries: Record<string, Value>): Value {
  const keys = Object.keys(entries);
  const u = unifyItems(keys.map((k) => entries[k]));
  if (!u) return { kind: 'object', attrs: entries };
  const out: Record<string, Value> = {};
  keys.forEach((k, i) => (out[k] = u.items[i]));
  return { kind: 'map', elementType: u.type, entries: out };
}

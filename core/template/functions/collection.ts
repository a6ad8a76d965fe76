/** Collection functions: lists, maps and sets. */
import { friendlyTypeName } from '../values/convert';
import { valuesEqual } from '../values/equals';
import { makeSet } from '../values/set';
import { compareKeys } from '../values/format';
import { listOf, mapOf, setOf, T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING, type Type } from '../values/type';
import { bool, list, num, nullOf, str, tuple, typeOf, type Value } from '../values/value';
import { asBool, asEntries, asInteger, asItems, asNumber, asString, isSequence } from './access';
import { listFrom, listOrTuple, mapOrObject, setFrom } from './build';
import { FunctionError, type FunctionDef } from './define';
import { graphemes } from './string';

const p = (name: string, type: Type = T_DYNAMIC, allowNull = false) => ({ name, type, allowNull });
const INT64 = 'value must be a whole number, between -9223372036854775808 and 9223372036854775807';

function sequence(v: Value, argIndex: number, what = 'a list'): readonly Value[] {
  if (!isSequence(v)) throw new FunctionError(`argument must be ${what}`, argIndex);
  return asItems(v);
}

function mapLike(v: Value, argIndex?: number, message = 'must have map or object type'): Readonly<Record<string, Value>> {
  if (v.kind !== 'map' && v.kind !== 'object') throw new FunctionError(message, argIndex);
  return asEntries(v);
}

function sortedKeys(e: Readonly<Record<string, Value>>): string[] {
  return Object.keys(e).sort(compareKeys);
}

export const collectionFunctions: FunctionDef[] = [
  {
    name: 'chunklist',
    signature: 'chunklist(list, size)',
    description: 'Splits a single list into fixed-size chunks, returning a list of lists.',
    params: [p('list', listOf(T_DYNAMIC)), p('size', T_NUMBER)],
    call: ([l, s]) => {
      const items = asItems(l);
      const size = asInteger(s, 1);
      if (size < 0) throw new FunctionError('the size argument must be positive');
      const elementType = l.kind === 'list' ? l.elementType : T_DYNAMIC;
      const chunks: Value[] = [];
      const step = size === 0 ? Math.max(items.length, 1) : size;
      for (let i = 0; i < items.length; i += step) chunks.push(list(elementType, items.slice(i, i + step)));
      return list(listOf(elementType), chunks);
    },
  },
  {
    name: 'coalesce',
    signature: 'coalesce(vals...)',
    description: 'Takes any number of arguments and returns the first one that is not null or an empty string.',
    params: [],
    variadic: p('vals', T_DYNAMIC, true),
    call: (args) => {
      if (args.length === 0) throw new FunctionError('all arguments must have the same type');
      const u = listFrom(args, 'argument');
      for (const v of asItems(u)) {
        if (v.kind === 'null' || (v.kind === 'string' && v.value === '')) continue;
        return v;
      }
      throw new FunctionError('no non-null, non-empty-string arguments');
    },
  },
  {
    name: 'coalescelist',
    signature: 'coalescelist(vals...)',
    description: 'Takes any number of list arguments and returns the first one that is not empty.',
    params: [],
    variadic: p('vals', T_DYNAMIC, true),
    call: (args) => {
      if (args.length === 0) throw new FunctionError('at least one argument is required');
      for (const a of args) {
        if (a.kind !== 'null' && !isSequence(a)) throw new FunctionError('coalescelist arguments must be lists or tuples');
      }
      for (const a of args) if (a.kind !== 'null' && asItems(a).length > 0) return a;
      throw new FunctionError('no non-null arguments');
    },
  },
  {
    name: 'compact',
    signature: 'compact(list)',
    description: 'Takes a list of strings and returns a new list with any empty string or null elements removed.',
    params: [p('list', listOf(T_STRING))],
    returns: listOf(T_STRING),
    call: ([l]) => list(T_STRING, asItems(l).filter((v) => v.kind === 'string' && v.value !== '')),
  },
  {
    name: 'concat',
    signature: 'concat(seqs...)',
    description: 'Takes two or more lists and combines them into a single list.',
    params: [],
    variadic: p('seqs'),
    call: (args) => {
      if (args.length === 0) throw new FunctionError('at least one argument is required');
      const items: Value[] = [];
      args.forEach((a, i) => {
        if (!isSequence(a)) throw new FunctionError(`all arguments must be lists or tuples; got ${friendlyTypeName(typeOf(a))}`, i);
        items.push(...asItems(a));
      });
      const first = args[0];
      if (first.kind === 'list' && args.every((a) => a.kind === 'list')) return listFrom(items);
      return tuple(items);
    },
  },
  {
    name: 'contains',
    signature: 'contains(list, value)',
    description: 'Determines whether a given list or set contains a given single value as one of its elements.',
    params: [p('list'), p('value')],
    returns: T_BOOL,
    call: ([l, v]) => {
      if (!isSequence(l)) throw new FunctionError('argument must be list, tuple, or set');
      return bool(asItems(l).some((i) => valuesEqual(i, v)));
    },
  },
  {
    name: 'distinct',
    signature: 'distinct(list)',
    description: 'Takes a list and returns a new list with any duplicate elements removed.',
    params: [p('list', listOf(T_DYNAMIC))],
    call: ([l]) => {
      const out: Value[] = [];
      for (const v of asItems(l)) if (!out.some((o) => valuesEqual(o, v))) out.push(v);
      return list(l.kind === 'list' ? l.elementType : T_DYNAMIC, out);
    },
  },
  {
    name: 'element',
    signature: 'element(list, index)',
    description: 'Retrieves a single element from a list; the index wraps around the list length.',
    params: [p('list'), p('index', T_NUMBER)],
    call: ([l, i]) => {
      if (l.kind !== 'list' && l.kind !== 'tuple') throw new FunctionError(`cannot read elements from ${friendlyTypeName(typeOf(l))}`);
      const items = l.items;
      const n = asNumber(i);
      if (!Number.isInteger(n)) throw new FunctionError(`invalid index: ${INT64}`);
      if (items.length === 0) throw new FunctionError('cannot use element function with an empty list');
      if (n < 0) throw new FunctionError('cannot use element function with a negative index');
      return items[n % items.length];
    },
  },
  {
    name: 'flatten',
    signature: 'flatten(list)',
    description: 'Takes a list and replaces any elements that are lists with a flattened sequence of the list contents.',
    params: [p('list')],
    call: ([l]) => {
      const out: Value[] = [];
      const walk = (v: Value) => {
        if (isSequence(v)) asItems(v).forEach(walk);
        else out.push(v);
      };
      if (!isSequence(l)) throw new FunctionError('can only flatten lists, sets and tuples');
      asItems(l).forEach(walk);
      return tuple(out);
    },
  },
  {
    name: 'index',
    signature: 'index(list, value)',
    description: "Finds the element index for a given value in a list (Packer 1.14's index; 1.6.6's was the [] operator).",
    params: [p('list'), p('value')],
    returns: T_NUMBER,
    call: ([l, v]) => {
      if (l.kind !== 'list' && l.kind !== 'tuple') throw new FunctionError('argument must be a list or tuple');
      if (l.items.length === 0) throw new FunctionError('cannot search an empty list');
      const at = l.items.findIndex((item) => valuesEqual(item, v));
      if (at < 0) throw new FunctionError('item not found');
      return num(at);
    },
  },
  {
    name: 'keys',
    signature: 'keys(inputMap)',
    description: 'Takes a map and returns a list containing the keys from that map, in lexicographical order.',
    params: [p('inputMap')],
    call: ([m]) => list(T_STRING, sortedKeys(mapLike(m, 0)).map(str)),
  },
  {
    name: 'values',
    signature: 'values(mapping)',
    description: 'Takes a map and returns a list containing the values of the elements in that map, ordered by key.',
    params: [p('mapping')],
    call: ([m]) => {
      const e = mapLike(m, undefined, 'values() requires a map as the first argument');
      const items = sortedKeys(e).map((k) => e[k]);
      return m.kind === 'map' ? list(m.elementType, items) : tuple(items);
    },
  },
  {
    name: 'length',
    signature: 'length(value)',
    description: 'Determines the length of a given list, map, or string.',
    params: [p('value')],
    returns: T_NUMBER,
    call: ([v]) => {
      if (v.kind === 'string') return num(graphemes(v.value).length);
      if (isSequence(v)) return num(asItems(v).length);
      if (v.kind === 'map' || v.kind === 'object') return num(Object.keys(asEntries(v)).length);
      throw new FunctionError('argument must be a string, a collection type, or a structural type');
    },
  },
  {
    name: 'lookup',
    signature: 'lookup(inputMap, key, default)',
    description: 'Retrieves the value of a single element from a map, given its key, or default if there is none.',
    params: [p('inputMap'), p('key', T_STRING), p('default', T_DYNAMIC, true)],
    call: ([m, k, d]) => {
      const e = mapLike(m, 0, 'lookup() requires a map as the first argument');
      const key = asString(k);
      return key in e ? e[key] : d;
    },
  },
  {
    name: 'merge',
    signature: 'merge(maps...)',
    description: 'Takes maps or objects and returns a single map or object that contains all of their elements.',
    params: [],
    variadic: p('maps', T_DYNAMIC, true),
    call: (args) => {
      if (args.length === 0) return nullOf(T_DYNAMIC);
      const out: Record<string, Value> = {};
      args.forEach((a, i) => {
        if (a.kind === 'null') return;
        if (a.kind !== 'map' && a.kind !== 'object') {
          throw new FunctionError(`arguments must be maps or objects, got ${JSON.stringify(friendlyTypeName(typeOf(a)))}`);
        }
        Object.assign(out, mapLike(a, i));
      });
      const allMaps = args.every((a) => a.kind === 'map' || a.kind === 'null');
      return allMaps ? mapOrObject(out) : { kind: 'object', attrs: out };
    },
  },
  {
    name: 'range',
    signature: 'range(params...)',
    description: 'Generates a list of numbers using a start value, a limit value, and a step value.',
    params: [],
    variadic: p('params', T_NUMBER),
    returns: listOf(T_NUMBER),
    call: (args) => {
      if (args.length < 1 || args.length > 3) throw new FunctionError('must have one, two, or three arguments');
      const n = args.map((a) => asNumber(a));
      const [start, end] = n.length === 1 ? [0, n[0]] : [n[0], n[1]];
      const step = n.length === 3 ? n[2] : start > end ? -1 : 1;
      const out: Value[] = [];
      if (step < 0 && start < end) throw new FunctionError('end must be less than start when step is negative', 2);
      if (step > 0 && start > end) throw new FunctionError('end must be greater than start when step is positive', 2);
      for (let v = start, i = 0; step >= 0 ? v < end : v > end; i++, v = start + i * step) {
        if (out.length >= 1024) {
          throw new FunctionError(
            'more than 1024 values were generated; either decrease the difference between start and end or use a smaller step',
          );
        }
        out.push(num(v));
      }
      return list(T_NUMBER, out);
    },
  },
  {
    name: 'reverse',
    signature: 'reverse(list)',
    description: 'Takes a sequence and produces a new sequence of the same length with the elements in reverse order.',
    params: [p('list')],
    call: ([l]) => {
      if (l.kind !== 'list' && l.kind !== 'tuple' && l.kind !== 'set') {
        throw new FunctionError(`can only reverse list or tuple values, not ${friendlyTypeName(typeOf(l))}`, 0);
      }
      const items = [...l.items].reverse();
      return l.kind === 'tuple' ? tuple(items) : list(l.elementType, items);
    },
  },
  {
    name: 'setintersection',
    signature: 'setintersection(first_set, other_sets...)',
    description: 'Takes multiple sets and produces a single set containing only the elements all of them share.',
    params: [p('first_set', setOf(T_DYNAMIC))],
    variadic: p('other_sets', setOf(T_DYNAMIC)),
    call: ([first, ...rest]) => {
      const all = setFrom([...asItems(first), ...rest.flatMap((r) => asItems(r))]);
      const items = asItems(all).filter((v) => [first, ...rest].every((s) => asItems(s).some((o) => looseEqual(o, v))));
      return makeSet(all.kind === 'set' ? all.elementType : T_DYNAMIC, items);
    },
  },
  {
    name: 'setunion',
    signature: 'setunion(first_set, other_sets...)',
    description: 'Takes multiple sets and produces a single set containing the elements from all of them.',
    params: [p('first_set', setOf(T_DYNAMIC))],
    variadic: p('other_sets', setOf(T_DYNAMIC)),
    call: (args) => setFrom(args.flatMap((a) => [...asItems(a)])),
  },
  {
    name: 'setproduct',
    signature: 'setproduct(sets...)',
    description: 'Finds all of the possible combinations of elements from all of the given sets.',
    params: [],
    variadic: p('sets'),
    call: (args) => {
      if (args.length < 2) throw new FunctionError('at least two arguments are required');
      args.forEach((a, i) => {
        if (!isSequence(a)) throw new FunctionError('a set or a list is required', i);
      });
      let rows: Value[][] = [[]];
      for (const a of args) rows = rows.flatMap((r) => asItems(a).map((v) => [...r, v]));
      const out = rows.map((r) => listOrTuple(r));
      return args.every((a) => a.kind === 'set') ? setFrom(out) : listOrTuple(out);
    },
  },
  {
    name: 'slice',
    signature: 'slice(list, start_index, end_index)',
    description: 'Extracts some consecutive elements from within a list (end index exclusive).',
    params: [p('list'), p('start_index', T_NUMBER), p('end_index', T_NUMBER)],
    call: ([l, s, e]) => {
      if (l.kind !== 'list' && l.kind !== 'tuple') throw new FunctionError('must be a list or tuple value', 0);
      const items = l.items;
      if (!Number.isInteger(asNumber(s))) throw new FunctionError(`invalid start index: ${INT64}`, 1);
      if (!Number.isInteger(asNumber(e))) throw new FunctionError(`invalid end index: ${INT64}`, 2);
      const start = asNumber(s);
      const end = asNumber(e);
      if (start < 0) throw new FunctionError('start index must not be less than zero', 1);
      if (end > items.length) throw new FunctionError('end index must not be greater than the length of the list', 2);
      if (start > end) throw new FunctionError('start index must not be greater than end index', 1);
      const part = items.slice(start, end);
      return l.kind === 'tuple' ? tuple(part) : list(l.kind === 'list' ? l.elementType : T_DYNAMIC, part);
    },
  },
  {
    name: 'sort',
    signature: 'sort(list)',
    description: 'Takes a list of strings and returns a new list with those strings sorted lexicographically.',
    params: [p('list', listOf(T_STRING))],
    returns: listOf(T_STRING),
    call: ([l]) => {
      const items = asItems(l);
      const nul = items.findIndex((v) => v.kind === 'null');
      if (nul >= 0) throw new FunctionError(`given list element ${nul} is null; a null string cannot be sorted`);
      return list(
        T_STRING,
        [...items].sort((a, b) => compareKeys(asString(a), asString(b))),
      );
    },
  },
  {
    name: 'zipmap',
    signature: 'zipmap(keys, values)',
    description: 'Constructs a map from a list of keys and a corresponding list of values.',
    params: [p('keys', listOf(T_STRING)), p('values')],
    call: ([k, v]) => {
      const keys = asItems(k);
      const vals = sequence(v, 1, 'a list or tuple');
      if (keys.length !== vals.length) {
        throw new FunctionError(`number of keys (${keys.length}) does not match number of values (${vals.length})`);
      }
      const out: Record<string, Value> = {};
      keys.forEach((key, i) => (out[asString(key)] = vals[i]));
      return v.kind === 'tuple' ? { kind: 'object', attrs: out } : mapOrObject(out);
    },
  },
  // Newer than Packer 1.6.6, from Terraform's library.
  {
    name: 'setsubtract',
    signature: 'setsubtract(a, b)',
    description: 'Returns a new set containing the elements from the first set that are not present in the second set.',
    params: [p('a', setOf(T_DYNAMIC)), p('b', setOf(T_DYNAMIC))],
    since: '1.7.0',
    call: ([a, b]) => setFrom(asItems(a).filter((v) => !asItems(b).some((o) => looseEqual(o, v)))),
  },
  {
    name: 'sum',
    signature: 'sum(list)',
    description: 'Takes a list or set of numbers and returns the sum of those numbers.',
    params: [p('list')],
    returns: T_NUMBER,
    since: 'terraform 0.13',
    call: ([l]) => {
      const items = sequence(l, 0, 'a list or set of numbers');
      if (items.length === 0) throw new FunctionError('cannot sum an empty list');
      return num(items.reduce((acc, v, i) => acc + asNumber(toNumber(v, i)), 0));
    },
  },
  {
    name: 'alltrue',
    signature: 'alltrue(list)',
    description: 'Returns true if all elements in a given collection are true or "true"; true for an empty collection.',
    params: [p('list', listOf(T_BOOL))],
    returns: T_BOOL,
    since: 'terraform 0.14',
    call: ([l]) => bool(asItems(l).every((v) => v.kind === 'bool' && asBool(v))),
  },
  {
    name: 'anytrue',
    signature: 'anytrue(list)',
    description: 'Returns true if any element in a given collection is true or "true"; false for an empty collection.',
    params: [p('list', listOf(T_BOOL))],
    returns: T_BOOL,
    since: 'terraform 0.14',
    call: ([l]) => bool(asItems(l).some((v) => v.kind === 'bool' && asBool(v))),
  },
  {
    name: 'one',
    signature: 'one(list)',
    description: 'Takes a list, set, or tuple with zero or one elements: returns the element, or null if empty.',
    params: [p('list')],
    since: 'terraform 0.15',
    call: ([l]) => {
      const items = sequence(l, 0, 'a list, set, or tuple');
      if (items.length > 1) throw new FunctionError('must be a list, set, or tuple value with either zero or one elements', 0);
      return items.length ? items[0] : nullOf(l.kind === 'list' || l.kind === 'set' ? l.elementType : T_DYNAMIC);
    },
  },
  {
    name: 'transpose',
    signature: 'transpose(values)',
    description: 'Takes a map of lists of strings and swaps the keys and values to produce a new map of lists of strings.',
    params: [p('values', mapOf(listOf(T_STRING)))],
    since: 'terraform',
    call: ([m]) => {
      const out: Record<string, string[]> = {};
      const e = asEntries(m);
      for (const k of sortedKeys(e)) for (const v of asItems(e[k])) (out[asString(v)] ??= []).push(k);
      const entries: Record<string, Value> = {};
      for (const [k, v] of Object.entries(out)) entries[k] = list(T_STRING, v.map(str));
      return { kind: 'map', elementType: listOf(T_STRING), entries };
    },
  },
  {
    name: 'matchkeys',
    signature: 'matchkeys(values, keys, searchset)',
    description: 'Constructs a new list by taking a subset of elements from one list whose indexes match the corresponding indexes of values in another list.',
    params: [p('values', listOf(T_DYNAMIC)), p('keys', listOf(T_DYNAMIC)), p('searchset', listOf(T_DYNAMIC))],
    since: 'terraform',
    call: ([v, k, s]) => {
      const vals = asItems(v);
      const keys = asItems(k);
      if (vals.length !== keys.length) throw new FunctionError('length of keys and values should be equal');
      const out = vals.filter((_, i) => asItems(s).some((x) => looseEqual(x, keys[i])));
      return list(v.kind === 'list' ? v.elementType : T_DYNAMIC, out);
    },
  },
];

/** Set membership after both sides were unified to one element type. */
function looseEqual(a: Value, b: Value): boolean {
  if (valuesEqual(a, b)) return true;
  return (a.kind === 'string' || a.kind === 'number' || a.kind === 'bool') && a.kind !== b.kind
    ? 'value' in b && String(a.value) === String(b.value)
    : false;
}

function toNumber(v: Value, i: number): Value {
  if (v.kind === 'number') return v;
  if (v.kind === 'string' && v.value.trim() !== '' && !Number.isNaN(Number(v.value))) return num(Number(v.value));
  throw new FunctionError(`element ${i}: a number is required`, 0);
}

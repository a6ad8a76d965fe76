/**
 * Converts a value to a wanted type with HCL's (cty's) rules: primitives convert through strings,
 * sequences become lists or sets, objects become maps, and errors read as cty writes them.
 */
import { err, ok, type Result } from '../../common/result';
import { makeSet } from './set';
import { typeString, type Type } from './type';
import { unifyTypes } from './unify';
import { markSensitive, nullOf, typeOf, unknownOf, type Value } from './value';

/** The type as cty names it in messages: "list of string", "map of number", "object". */
export function friendlyTypeName(t: Type): string {
  switch (t.kind) {
    case 'dynamic':
      return 'any single type';
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind} of ${friendlyTypeName(t.element)}`;
    case 'tuple':
    case 'object':
      return t.kind;
    default:
      return typeString(t);
  }
}

/** Writes a number in plain decimal (no exponent), as cty does when a number becomes a string. */
export function numberToString(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  const [mant, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (exp + 1 >= digits.length) out = digits.padEnd(exp + 1, '0');
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? '-' + out : out;
}

/** Parses a string as cty does when converting it to a number; undefined if it is not one. */
export function parseNumber(s: string): number | undefined {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function convert(v: Value, want: Type): Result<Value> {
  const r = convertInner(v, want);
  return r.ok && v.sensitive ? ok(markSensitive(r.value)) : r;
}

function convertInner(v: Value, want: Type): Result<Value> {
  if (want.kind === 'dynamic') return ok(v);
  if (v.kind === 'null') return ok(nullOf(want));
  if (v.kind === 'unknown') return ok(unknownOf(want));
  switch (want.kind) {
    case 'string':
      if (v.kind === 'string') return ok(v);
      if (v.kind === 'number') return ok({ kind: 'string', value: numberToString(v.value) });
      if (v.kind === 'bool') return ok({ kind: 'string', value: v.value ? 'true' : 'false' });
      return err('string required');
    case 'number':
      if (v.kind === 'number') return ok(v);
      if (v.kind === 'string') {
        const n = parseNumber(v.value);
        return n === undefined ? err('a number is required') : ok({ kind: 'number', value: n });
      }
      return err('number required');
    case 'bool':
      if (v.kind === 'bool') return ok(v);
      if (v.kind === 'string') {
        if (v.value === 'true') return ok({ kind: 'bool', value: true });
        if (v.value === 'false') return ok({ kind: 'bool', value: false });
        return err('a bool is required');
      }
      return err('bool required');
    case 'list':
    case 'set': {
      if (v.kind !== 'list' && v.kind !== 'set' && v.kind !== 'tuple') return err(`${friendlyTypeName(want)} required`);
      const items = convertAll(v.items, want.element, want.kind);
      if (!items.ok) return items;
      return {
        ok: true,
        value:
          want.kind === 'list'
            ? { kind: 'list', elementType: items.value.element, items: items.value.values }
            : makeSet(items.value.element, items.value.values),
      };
    }
    case 'map': {
      if (v.kind !== 'map' && v.kind !== 'object') return err(`${friendlyTypeName(want)} required`);
      const src = v.kind === 'map' ? v.entries : v.attrs;
      const keys = Object.keys(src);
      const items = convertAll(
        keys.map((k) => src[k]),
        want.element,
        'map',
        keys.map((k) => JSON.stringify(k)),
      );
      if (!items.ok) return items;
      const entries: Record<string, Value> = {};
      keys.forEach((k, i) => (entries[k] = items.value.values[i]));
      return ok({ kind: 'map', elementType: items.value.element, entries });
    }
    case 'tuple': {
      if (v.kind !== 'list' && v.kind !== 'set' && v.kind !== 'tuple') return err('tuple required');
      if (v.items.length !== want.elements.length) return err(`tuple required`);
      const out: Value[] = [];
      for (let i = 0; i < v.items.length; i++) {
        const r = convert(v.items[i], want.elements[i]);
        if (!r.ok) return err('tuple required');
        out.push(r.value);
      }
      return ok({ kind: 'tuple', items: out });
    }
    case 'object': {
      if (v.kind !== 'map' && v.kind !== 'object') return err('object required');
      const src = v.kind === 'map' ? v.entries : v.attrs;
      const attrs: Record<string, Value> = {};
      for (const [name, t] of Object.entries(want.attributes)) {
        if (!(name in src)) {
          if (want.optional?.includes(name)) {
            attrs[name] = nullOf(t);
            continue;
          }
          return err(`attribute ${JSON.stringify(name)} is required`);
        }
        const r = convert(src[name], t);
        if (!r.ok) return err(`attribute ${JSON.stringify(name)}: ${r.error}`);
        attrs[name] = r.value;
      }
      return ok({ kind: 'object', attrs });
    }
  }
}

interface Converted {
  element: Type;
  values: Value[];
}

/** Converts collection items to one element type; a `dynamic` element type is first narrowed by unification. */
/** `names` label items in messages (`element "a": …`); list items are labelled by index. */
function convertAll(items: readonly Value[], element: Type, kind: 'list' | 'set' | 'map', names?: string[]): Result<Converted> {
  let target = element;
  if (element.kind === 'dynamic') {
    const known = items.filter((i) => !(i.kind === 'null' && i.type.kind === 'dynamic'));
    const u = unifyTypes(known.map(typeOf));
    if (!u) return err(`all ${kind} elements must have the same type`);
    target = u;
  }
  const values: Value[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = convert(items[i], target);
    if (!r.ok) return err(`element ${names ? names[i] : i}: ${r.error}`);
    values.push(r.value);
  }
  return ok({ element: target, values });
}

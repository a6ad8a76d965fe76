/** Equality and identity of values, as cty compares them (types must match; sets compare as sets). */
import { typeEquals } from './type';
import { typeOf, type Value } from './value';

/** True if `a` and `b` have the same type and the same content; two nulls are equal whatever their types. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a.kind === 'null' || b.kind === 'null') return a.kind === b.kind;
  if (!typeEquals(typeOf(a), typeOf(b))) return false;
  return valueKey(a) === valueKey(b);
}

/** A string that is the same for two values exactly when they are equal (type included); used to keep sets unique. */
export function valueKey(v: Value): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'unknown':
      return '?';
    case 'string':
      return JSON.stringify(v.value);
    case 'number':
      return Object.is(v.value, -0) ? '0' : String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'list':
    case 'tuple':
      return `[${v.items.map(valueKey).join(',')}]`;
    case 'set':
      return `<${v.items.map(valueKey).sort().join(',')}>`;
    case 'map':
    case 'object': {
      const e = v.kind === 'map' ? v.entries : v.attrs;
      return `{${Object.keys(e)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${valueKey(e[k])}`)
        .join(',')}}`;
    }
  }
}

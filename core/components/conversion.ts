/**
 * Whether a value fits a field's type under HCL's conversion rules (cty): "10" is a number, 10 is a string,
 * "true" and "1" are bools. Returns cty's reason when conversion is impossible, e.g. `element 0: string required`.
 */
import type { Value } from '../template/values/value';
import type { FieldSpec, FieldType } from './schema';

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function conversionProblem(v: Value, t: FieldType): string | undefined {
  if (v.kind === 'unknown' || v.kind === 'null' || t === 'any') return undefined;
  if (t === 'string' || t === 'duration') {
    return v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' ? undefined : 'string required';
  }
  if (t === 'number') {
    if (v.kind === 'number') return undefined;
    if (v.kind === 'string' && NUMBER_TEXT.test(v.value)) return undefined;
    return 'a number is required';
  }
  if (t === 'bool') {
    if (v.kind === 'bool') return undefined;
    if (v.kind === 'string' && ['true', 'false', '1', '0'].includes(v.value)) return undefined;
    return 'a bool is required';
  }
  if ('list' in t) {
    if (v.kind !== 'list' && v.kind !== 'set' && v.kind !== 'tuple') return `${typeName(t)} required`;
    for (let i = 0; i < v.items.length; i++) {
      const p = conversionProblem(v.items[i], t.list);
      if (p) return `element ${i}: ${p}`;
    }
    return undefined;
  }
  if ('map' in t) {
    const entries = v.kind === 'map' ? v.entries : v.kind === 'object' ? v.attrs : undefined;
    if (!entries) return `${typeName(t)} required`;
    for (const [k, e] of Object.entries(entries)) {
      const p = conversionProblem(e, t.map);
      if (p) return `element ${JSON.stringify(k)}: ${p}`;
    }
    return undefined;
  }
  const attrs = v.kind === 'map' ? v.entries : v.kind === 'object' ? v.attrs : undefined;
  if (!attrs) return 'object required';
  const specs = new Map<string, FieldSpec>(t.object.map((f) => [f.name, f]));
  for (const [k, e] of Object.entries(attrs)) {
    const spec = specs.get(k);
    if (!spec) return `unsupported attribute ${JSON.stringify(k)}`;
    const p = conversionProblem(e, spec.type);
    if (p) return `attribute ${JSON.stringify(k)}: ${p}`;
  }
  return undefined;
}

/** The type as cty names it in messages: "string", "list of string", "map of number". */
export function typeName(t: FieldType): string {
  if (t === 'duration') return 'string';
  if (t === 'any') return 'any';
  if (typeof t === 'string') return t;
  if ('list' in t) return `list of ${typeName(t.list)}`;
  if ('map' in t) return `map of ${typeName(t.map)}`;
  return 'object';
}

/** The value as a string, as cty converts primitives; undefined for anything else. */
export function asString(v: Value): string | undefined {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number' || v.kind === 'bool') return String(v.value);
  return undefined;
}

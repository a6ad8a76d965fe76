/**
 * Whether a legacy JSON template's value fits a field, under the looser rules Packer's JSON decoding (mapstructure,
 * weakly typed) follows: a single value stands for a one-item list, "t" and 1 are bools, "0x10" is a number.
 * Problems are worded as mapstructure words them, e.g. `cannot parse 'pull' as bool: strconv.ParseBool: parsing "yes": invalid syntax`.
 */
import type { Value } from '../template/values/value';
import type { FieldSpec, FieldType } from './schema';

const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
const GO_INT = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/;

export function weakConversionProblem(v: Value, t: FieldType, name: string): string | undefined {
  if (v.kind === 'unknown' || v.kind === 'null' || t === 'any') return undefined;
  if (t === 'string' || t === 'duration') {
    if (v.kind === 'string' || v.kind === 'number' || v.kind === 'bool') return undefined;
    return unconvertible(name, 'string', v);
  }
  if (t === 'bool') {
    if (v.kind === 'bool' || v.kind === 'number') return undefined;
    if (v.kind === 'string') {
      return v.value === '' || GO_BOOLS.includes(v.value)
        ? undefined
        : `cannot parse '${name}' as bool: strconv.ParseBool: parsing ${JSON.stringify(v.value)}: invalid syntax`;
    }
    return unconvertible(name, 'bool', v);
  }
  if (t === 'number') {
    if (v.kind === 'number' || v.kind === 'bool') return undefined;
    if (v.kind === 'string') {
      return v.value === '' || GO_INT.test(v.value)
        ? undefined
        : `cannot parse '${name}' as int: strconv.ParseInt: parsing ${JSON.stringify(v.value)}: invalid syntax`;
    }
    return unconvertible(name, 'int', v);
  }
  if ('list' in t) {
    if (v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple') {
      for (let i = 0; i < v.items.length; i++) {
        const p = weakConversionProblem(v.items[i], t.list, `${name}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    if (v.kind === 'map' || v.kind === 'object') {
      return Object.keys(v.kind === 'map' ? v.entries : v.attrs).length === 0 ? undefined : `'${name}': source data must be an array or slice, got map`;
    }
    // A single value is taken as a list of one.
    return weakConversionProblem(v, t.list, `${name}[0]`);
  }
  if ('map' in t) {
    if (v.kind === 'map' || v.kind === 'object') {
      const entries = v.kind === 'map' ? v.entries : v.attrs;
      for (const [k, e] of Object.entries(entries)) {
        const p = weakConversionProblem(e, t.map, `${name}[${k}]`);
        if (p) return p;
      }
      return undefined;
    }
    if (v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple') {
      // A list of maps is merged into one map.
      for (let i = 0; i < v.items.length; i++) {
        const item = v.items[i];
        if (item.kind !== 'map' && item.kind !== 'object' && item.kind !== 'unknown') return `'${name}[${i}]' expected a map, got '${goKind(item)}'`;
        const p = weakConversionProblem(item, t, `${name}[${i}]`);
        if (p) return p;
      }
      return undefined;
    }
    return `'${name}' expected a map, got '${goKind(v)}'`;
  }
  if (v.kind !== 'map' && v.kind !== 'object') return `'${name}' expected a map, got '${goKind(v)}'`;
  const specs = new Map<string, FieldSpec>(t.object.map((f) => [f.name, f]));
  for (const [k, e] of Object.entries(v.kind === 'map' ? v.entries : v.attrs)) {
    const spec = specs.get(k);
    if (!spec) return `'${name}' has invalid keys: ${k}`;
    const p = weakConversionProblem(e, spec.type, `${name}.${k}`);
    if (p) return p;
  }
  return undefined;
}

function unconvertible(name: string, goType: string, v: Value): string {
  return `'${name}' expected type '${goType}', got unconvertible type '${goTypeName(v)}', value: '${goValue(v)}'`;
}

/** The Go type encoding/json gives a value. */
function goTypeName(v: Value): string {
  switch (v.kind) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'list':
    case 'set':
    case 'tuple':
      return '[]interface {}';
    default:
      return 'map[string]interface {}';
  }
}

function goKind(v: Value): string {
  const t = goTypeName(v);
  return t === '[]interface {}' ? 'slice' : t.startsWith('map') ? 'map' : t;
}

/** The value as Go's %v prints it. */
function goValue(v: Value): string {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return String(v.value);
    case 'list':
    case 'set':
    case 'tuple':
      return `[${v.items.map(goValue).join(' ')}]`;
    case 'map':
    case 'object': {
      const entries = v.kind === 'map' ? v.entries : v.attrs;
      return `map[${Object.keys(entries)
        .sort()
        .map((k) => `${k}:${goValue(entries[k])}`)
        .join(' ')}]`;
    }
    default:
      return '<nil>';
  }
}

/**
 * Between a property's JSON text in a legacy JSON template and the value its form control edits: the JSON counterpart of
 * field-values.ts. Values the form cannot show as such are edited as JSON text.
 */
import type { FormField } from '../../core/contract/types';
import type { FieldValue } from './field-values';

/** The form value of a property from its JSON text; values the form cannot show as such are edited as JSON text. */
export function readJsonField(field: FormField, written: string | undefined): FieldValue {
  if (written === undefined) return { mode: 'unset' };
  let v: unknown;
  try {
    v = JSON.parse(written);
  } catch {
    return { mode: 'expression', text: written };
  }
  const scalar = (x: unknown) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined);
  if ((field.type === 'string' || field.type === 'duration') && typeof v === 'string') return { mode: 'string', value: v };
  if (field.type === 'number' && typeof v === 'number') return { mode: 'number', value: String(v) };
  if (field.type === 'bool' && typeof v === 'boolean') return { mode: 'bool', value: v };
  if (field.type === 'list' && Array.isArray(v) && v.every((x) => scalar(x) !== undefined)) return { mode: 'list', items: v.map((x) => scalar(x)!) };
  if (field.type === 'map' && v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => scalar(x) !== undefined)) {
    return { mode: 'map', entries: Object.entries(v).map(([k, x]) => [k, scalar(x)!]) };
  }
  return { mode: 'expression', text: written };
}

/** The JSON value to write for a form value; undefined means "remove the property". */
export function jsonValueOf(field: FormField, value: FieldValue): unknown {
  const item = (s: string): unknown => (field.itemType === 'number' && s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : field.itemType === 'bool' && (s === 'true' || s === 'false') ? s === 'true' : s);
  switch (value.mode) {
    case 'unset':
      return undefined;
    case 'string':
      return value.value;
    case 'number':
      return value.value.trim() === '' ? undefined : Number.isNaN(Number(value.value)) ? value.value : Number(value.value);
    case 'bool':
      return value.value;
    case 'list':
      return value.items.map(item);
    case 'map':
      return Object.fromEntries(value.entries.map(([k, v]) => [k, item(v)]));
    case 'expression': {
      const t = value.text.trim();
      if (t === '') return undefined;
      try {
        return JSON.parse(t) as unknown;
      } catch {
        // Not JSON: taken as the string it reads as (a Go template such as {{user `x`}} is a string in JSON templates).
        return t;
      }
    }
  }
}

/** Test rows store arguments as JSON; this turns them into the values HCL literals would evaluate to. */
import { T_DYNAMIC } from '../../../core/template/values/type';
import type { Value } from '../../../core/template/values/value';

/** A JSON argument as the HCL literal would evaluate; {"$type": "..."} is a type expression, passed as its text. */
export function literal(v: unknown): Value {
  if (v === null) return { kind: 'null', type: T_DYNAMIC };
  // HCL's parser normalises string literals to NFC, so the console saw them that way.
  if (typeof v === 'string') return { kind: 'string', value: v.normalize('NFC') };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (Array.isArray(v)) return { kind: 'tuple', items: v.map(literal) };
  const o = v as Record<string, unknown>;
  if (typeof o.$type === 'string') return { kind: 'string', value: o.$type };
  return { kind: 'object', attrs: Object.fromEntries(Object.entries(o).map(([k, e]) => [k, literal(e)])) };
}

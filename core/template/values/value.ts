/**
 * HCL values (cty's model). Values are immutable plain objects.
 * `sensitive` is cty's "sensitive" mark: anything computed from a sensitive value carries it,
 * so every output (console, inspect, logs, manifests) can mask it.
 */
import { T_BOOL, T_NUMBER, T_STRING, type Type } from './type';

interface Marks {
  readonly sensitive?: boolean;
}

export type NullValue = Marks & { readonly kind: 'null'; readonly type: Type };
/** A value not known until the build runs (e.g. `build.ID` before the machine exists). */
export type UnknownValue = Marks & { readonly kind: 'unknown'; readonly type: Type };
export type StringValue = Marks & { readonly kind: 'string'; readonly value: string };
export type NumberValue = Marks & { readonly kind: 'number'; readonly value: number };
export type BoolValue = Marks & { readonly kind: 'bool'; readonly value: boolean };
export type ListValue = Marks & { readonly kind: 'list'; readonly elementType: Type; readonly items: readonly Value[] };
/** Items are kept unique and in cty's set order. */
export type SetValue = Marks & { readonly kind: 'set'; readonly elementType: Type; readonly items: readonly Value[] };
export type TupleValue = Marks & { readonly kind: 'tuple'; readonly items: readonly Value[] };
export type MapValue = Marks & { readonly kind: 'map'; readonly elementType: Type; readonly entries: Readonly<Record<string, Value>> };
export type ObjectValue = Marks & { readonly kind: 'object'; readonly attrs: Readonly<Record<string, Value>> };

export type Value =
  | NullValue
  | UnknownValue
  | StringValue
  | NumberValue
  | BoolValue
  | ListValue
  | SetValue
  | TupleValue
  | MapValue
  | ObjectValue;

export const str = (value: string): StringValue => ({ kind: 'string', value });
export const num = (value: number): NumberValue => ({ kind: 'number', value });
export const bool = (value: boolean): BoolValue => ({ kind: 'bool', value });
export const nullOf = (type: Type): NullValue => ({ kind: 'null', type });
export const unknownOf = (type: Type): UnknownValue => ({ kind: 'unknown', type });
export const tuple = (items: Value[]): TupleValue => ({ kind: 'tuple', items });
export const object = (attrs: Record<string, Value>): ObjectValue => ({ kind: 'object', attrs });
export const list = (elementType: Type, items: Value[]): ListValue => ({ kind: 'list', elementType, items });
export const map = (elementType: Type, entries: Record<string, Value>): MapValue => ({ kind: 'map', elementType, entries });

export const TRUE = bool(true);
export const FALSE = bool(false);

/** The value's own type. */
export function typeOf(v: Value): Type {
  switch (v.kind) {
    case 'null':
    case 'unknown':
      return v.type;
    case 'string':
      return T_STRING;
    case 'number':
      return T_NUMBER;
    case 'bool':
      return T_BOOL;
    case 'list':
      return { kind: 'list', element: v.elementType };
    case 'set':
      return { kind: 'set', element: v.elementType };
    case 'map':
      return { kind: 'map', element: v.elementType };
    case 'tuple':
      return { kind: 'tuple', elements: v.items.map(typeOf) };
    case 'object': {
      const attributes: Record<string, Type> = {};
      for (const [k, a] of Object.entries(v.attrs)) attributes[k] = typeOf(a);
      return { kind: 'object', attributes };
    }
  }
}

/** Returns `v` marked sensitive (shallow: the mark sits on this value and is honoured for everything inside it). */
export function markSensitive<V extends Value>(v: V, sensitive = true): V {
  if (!sensitive || v.sensitive) return v;
  return { ...v, sensitive: true };
}

/** True if `v` or anything inside it is sensitive. */
export function isSensitiveDeep(v: Value): boolean {
  if (v.sensitive) return true;
  switch (v.kind) {
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.some(isSensitiveDeep);
    case 'map':
      return Object.values(v.entries).some(isSensitiveDeep);
    case 'object':
      return Object.values(v.attrs).some(isSensitiveDeep);
    default:
      return false;
  }
}

/** True if `v` or anything inside it is unknown. */
export function isUnknownDeep(v: Value): boolean {
  switch (v.kind) {
    case 'unknown':
      return true;
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.some(isUnknownDeep);
    case 'map':
      return Object.values(v.entries).some(isUnknownDeep);
    case 'object':
      return Object.values(v.attrs).some(isUnknownDeep);
    default:
      return false;
  }
}

/** Plain JSON-like data for components and the engine; sensitive marks are dropped here, so callers must record them first. */
export type Plain = null | string | number | boolean | Plain[] | { [k: string]: Plain };

export function toPlain(v: Value): Plain {
  switch (v.kind) {
    case 'null':
    case 'unknown':
      return null;
    case 'string':
    case 'number':
    case 'bool':
      return v.value;
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.map(toPlain);
    case 'map': {
      const out: Record<string, Plain> = {};
      for (const [k, e] of Object.entries(v.entries)) out[k] = toPlain(e);
      return out;
    }
    case 'object': {
      const out: Record<string, Plain> = {};
      for (const [k, e] of Object.entries(v.attrs)) out[k] = toPlain(e);
      return out;
    }
  }
}

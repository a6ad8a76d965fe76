/** Builds ComponentConfigs by hand for tests, with fake ranges: each field sits on its own line. */
import type { ComponentConfig } from '../../core/template/model';
import type { Range } from '../../core/template/source';
import { list, map, object, str, num, bool, tuple, unknownOf, type Value } from '../../core/template/values/value';
import { T_DYNAMIC, T_STRING } from '../../core/template/values/type';

export const FILE = 'test.pkr.hcl';

export function rangeAt(line: number, column: number, length = 5): Range {
  return {
    filename: FILE,
    start: { line, column, byte: line * 100 + column },
    end: { line, column: column + length, byte: line * 100 + column + length },
  };
}

/** The enclosing block's range (line 1). */
export const BLOCK = rangeAt(1, 1, 20);

/** Plain JS to a cty value: strings, numbers, bools, arrays (tuples), objects; `UNKNOWN` stands for an unknown value. */
export const UNKNOWN = Symbol('unknown');
export type Js = string | number | boolean | null | typeof UNKNOWN | Js[] | { [k: string]: Js };

export function toValue(v: Js): Value {
  if (v === UNKNOWN) return unknownOf(T_DYNAMIC);
  if (v === null) return { kind: 'null', type: T_DYNAMIC };
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return bool(v);
  if (Array.isArray(v)) return tuple(v.map(toValue));
  const attrs: Record<string, Value> = {};
  for (const [k, e] of Object.entries(v)) attrs[k] = toValue(e);
  return object(attrs);
}

/** Fields in order get lines 2, 3, …, column 3 (as if indented inside a block starting at line 1). */
export function config(fields: Record<string, Js>, blocks: Record<string, ComponentConfig[]> = {}, firstLine = 2): ComponentConfig {
  const values: Record<string, Value> = {};
  const ranges: Record<string, Range> = {};
  let line = firstLine;
  for (const [k, v] of Object.entries(fields)) {
    values[k] = toValue(v);
    ranges[k] = rangeAt(line++, 3, k.length);
  }
  return { values, ranges, blocks };
}

/** A nested block whose own range starts at `line`; its fields follow on the next lines. */
export function block(line: number, fields: Record<string, Js>): ComponentConfig {
  return { ...config(fields, {}, line + 1), range: rangeAt(line, 3, 10) };
}

export { list, map, str, T_STRING };

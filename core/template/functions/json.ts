/** JSON text of values as cty writes it (keys sorted, `<>&` escaped like Go) and JSON text read back into values. */
import { compareKeys } from '../values/format';
import { numberToString } from '../values/convert';
import { T_DYNAMIC } from '../values/type';
import type { Value } from '../values/value';
import { FunctionError } from './define';

export function jsonQuoteGo(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function jsonText(v: Value): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'unknown':
      throw new FunctionError('value is not known');
    case 'string':
      return jsonQuoteGo(v.value);
    case 'number':
      return numberToString(v.value);
    case 'bool':
      return String(v.value);
    case 'list':
    case 'set':
    case 'tuple':
      return `[${v.items.map(jsonText).join(',')}]`;
    case 'map':
    case 'object': {
      const e = v.kind === 'map' ? v.entries : v.attrs;
      return `{${Object.keys(e)
        .sort(compareKeys)
        .map((k) => `${jsonQuoteGo(k)}:${jsonText(e[k])}`)
        .join(',')}}`;
    }
  }
}

/** Turns parsed JSON into a value: arrays become tuples and objects become objects, as cty infers them. */
export function fromJson(data: unknown): Value {
  if (data === null) return { kind: 'null', type: T_DYNAMIC };
  if (typeof data === 'string') return { kind: 'string', value: data };
  if (typeof data === 'number') return { kind: 'number', value: data };
  if (typeof data === 'boolean') return { kind: 'bool', value: data };
  if (Array.isArray(data)) return { kind: 'tuple', items: data.map(fromJson) };
  const attrs: Record<string, Value> = {};
  for (const [k, e] of Object.entries(data as Record<string, unknown>)) attrs[k] = fromJson(e);
  return { kind: 'object', attrs };
}

/** Parses JSON with messages close to Go's encoding/json. */
export function parseJson(text: string): Value {
  if (text.trim() === '') throw new FunctionError('EOF');
  try {
    return fromJson(JSON.parse(text));
  } catch (e) {
    const msg = (e as Error).message;
    if (/non-whitespace character after JSON/.test(msg)) throw new FunctionError('extraneous data after JSON object');
    const token = /Unexpected token '(.)'/.exec(msg);
    if (token) throw new FunctionError(`invalid character '${token[1]}' looking for beginning of value`);
    const at = /position (\d+)/.exec(msg);
    const pos = at ? Number(at[1]) : text.length;
    if (/Unexpected end|Unterminated/i.test(msg) || text.slice(pos).trim() === '') throw new FunctionError('EOF');
    throw new FunctionError(`invalid character '${text[pos]}' looking for beginning of value`);
  }
}

/** Type conversion functions: convert(value, type) and Terraform's tostring/tolist/… family. */
import { convert } from '../values/convert';
import { listOf, mapOf, setOf, T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING, type Type } from '../values/type';
import type { Value } from '../values/value';
import { asString } from './access';
import { FunctionError, type FunctionDef } from './define';

/** Reads a type expression such as `list(string)` or `object({a=number})`; undefined if it is not one. */
export function parseTypeExpression(text: string): Type | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const word = () => {
    ws();
    const m = /^[A-Za-z_][\w-]*/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw new Error(c);
    i++;
  };
  const type = (): Type => {
    const w = word();
    switch (w) {
      case 'string':
        return T_STRING;
      case 'number':
        return T_NUMBER;
      case 'bool':
        return T_BOOL;
      case 'any':
        return T_DYNAMIC;
      case 'list':
      case 'set':
      case 'map': {
        expect('(');
        const e = type();
        expect(')');
        return w === 'list' ? listOf(e) : w === 'set' ? setOf(e) : mapOf(e);
      }
      case 'tuple': {
        expect('(');
        expect('[');
        const elements: Type[] = [];
        ws();
        while (text[i] !== ']') {
          elements.push(type());
          ws();
          if (text[i] === ',') i++;
          ws();
        }
        i++;
        expect(')');
        return { kind: 'tuple', elements };
      }
      case 'object': {
        expect('(');
        expect('{');
        const attributes: Record<string, Type> = {};
        const optional: string[] = [];
        ws();
        while (text[i] !== '}') {
          const name = word();
          if (!name) throw new Error('name');
          expect('=');
          ws();
          if (text.startsWith('optional(', i)) {
            i += 'optional('.length;
            attributes[name] = type();
            expect(')');
            optional.push(name);
          } else {
            attributes[name] = type();
          }
          ws();
          if (text[i] === ',') i++;
          ws();
        }
        i++;
        expect(')');
        return optional.length ? { kind: 'object', attributes, optional } : { kind: 'object', attributes };
      }
      default:
        throw new Error('type');
    }
  };
  try {
    const t = type();
    ws();
    return i === text.length ? t : undefined;
  } catch {
    return undefined;
  }
}

function converter(name: string, want: Type, description: string): FunctionDef {
  return {
    name,
    signature: `${name}(v)`,
    description,
    params: [{ name: 'v', type: T_DYNAMIC, allowNull: true }],
    returns: want,
    since: 'terraform 0.12',
    call: ([v]) => convertOrThrow(v, want, 0),
  };
}

function convertOrThrow(v: Value, want: Type, argIndex: number): Value {
  const r = convert(v, want);
  if (!r.ok) throw new FunctionError(r.error, argIndex);
  return r.value;
}

export const conversionFunctions: FunctionDef[] = [
  {
    name: 'convert',
    signature: 'convert(value, type)',
    description: 'Converts a value to the given type, e.g. convert(["a"], set(string)).',
    params: [
      { name: 'value', type: T_DYNAMIC, allowNull: true },
      { name: 'type', type: T_STRING, isTypeExpression: true },
    ],
    call: ([v, t]) => {
      const want = parseTypeExpression(asString(t));
      if (!want) throw new FunctionError(`invalid type specification ${JSON.stringify(asString(t))}`, 1);
      return convertOrThrow(v, want, 0);
    },
  },
  converter('tostring', T_STRING, 'Converts its argument to a string value.'),
  converter('tonumber', T_NUMBER, 'Converts its argument to a number value.'),
  converter('tobool', T_BOOL, 'Converts its argument to a boolean value.'),
  converter('tolist', listOf(T_DYNAMIC), 'Converts its argument to a list value.'),
  converter('toset', setOf(T_DYNAMIC), 'Converts its argument to a set value.'),
  converter('tomap', mapOf(T_DYNAMIC), 'Converts its argument to a map value.'),
];

/** Numeric functions. */
import { T_NUMBER, T_STRING, type Type } from '../values/type';
import { num } from '../values/value';
import { asInteger, asNumber, asString } from './access';
import { FunctionError, type FunctionDef } from './define';

const p = (name: string, type: Type = T_NUMBER) => ({ name, type });
const unary = (name: string, description: string, f: (n: number) => number): FunctionDef => ({
  name,
  signature: `${name}(num)`,
  description,
  params: [p('num')],
  returns: T_NUMBER,
  call: ([n]) => num(f(asNumber(n))),
});

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Go's strconv.ParseInt digits: 0-9, then a-z, then (for bases over 36) A-Z; below 37 letters ignore case. */
function parseInteger(text: string, base: number): number | undefined {
  let s = text;
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s === '') return undefined;
  let acc = 0n;
  for (const ch of s) {
    const d = base <= 36 ? DIGITS.indexOf(ch.toLowerCase()) : DIGITS.indexOf(ch);
    if (d < 0 || d >= base) return undefined;
    acc = acc * BigInt(base) + BigInt(d);
  }
  return Number(sign * acc);
}

export const numericFunctions: FunctionDef[] = [
  unary('abs', 'Returns the absolute value of the given number.', (n) => Math.abs(n)),
  unary('ceil', 'Returns the closest whole number that is greater than or equal to the given value.', (n) => Math.ceil(n) || 0),
  unary('floor', 'Returns the closest whole number that is less than or equal to the given value.', (n) => Math.floor(n)),
  unary('signum', 'Determines the sign of a number, returning -1, 0 or 1.', (n) => (n > 0 ? 1 : n < 0 ? -1 : 0)),
  {
    name: 'log',
    signature: 'log(num, base)',
    description: 'Returns the logarithm of a given number in a given base.',
    params: [p('num'), p('base')],
    returns: T_NUMBER,
    call: ([n, b]) => num(Math.log(asNumber(n)) / Math.log(asNumber(b))),
  },
  {
    name: 'pow',
    signature: 'pow(num, power)',
    description: 'Calculates an exponent, by raising its first argument to the power of the second argument.',
    params: [p('num'), p('power')],
    returns: T_NUMBER,
    call: ([n, e]) => num(Math.pow(asNumber(n), asNumber(e))),
  },
  {
    name: 'max',
    signature: 'max(numbers...)',
    description: 'Takes one or more numbers and returns the greatest number from the set.',
    params: [],
    variadic: p('numbers'),
    returns: T_NUMBER,
    call: (args) => {
      if (args.length === 0) throw new FunctionError('must pass at least one number');
      return num(Math.max(...args.map((a) => asNumber(a))));
    },
  },
  {
    name: 'min',
    signature: 'min(numbers...)',
    description: 'Takes one or more numbers and returns the smallest number from the set.',
    params: [],
    variadic: p('numbers'),
    returns: T_NUMBER,
    call: (args) => {
      if (args.length === 0) throw new FunctionError('must pass at least one number');
      return num(Math.min(...args.map((a) => asNumber(a))));
    },
  },
  {
    name: 'parseint',
    signature: 'parseint(number, base)',
    description: 'Parses the given string as a representation of an integer in the specified base (2 to 62).',
    params: [{ name: 'number', type: T_STRING }, p('base')],
    returns: T_NUMBER,
    call: ([s, b]) => {
      const baseNum = asNumber(b);
      if (!Number.isInteger(baseNum) || baseNum < 2 || baseNum > 62) {
        throw new FunctionError('base must be a whole number between 2 and 62 inclusive', 1);
      }
      const base = asInteger(b, 1);
      const text = asString(s);
      const n = parseInteger(text, base);
      if (n === undefined) throw new FunctionError(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`, 0);
      return num(n);
    },
  },
];


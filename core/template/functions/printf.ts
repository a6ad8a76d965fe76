/** The `format` verbs (%s, %d, %05.2f, %[2]v …) as cty implements them on top of Go's fmt. */
import { convert, numberToString } from '../values/convert';
import { T_BOOL, T_NUMBER, T_STRING } from '../values/type';
import type { Value } from '../values/value';
import { FunctionError } from './define';
import { jsonText } from './json';

interface Spec {
  flags: string;
  width?: number;
  precision?: number;
  verb: string;
  /** Byte offset of the `%`, as cty reports it. */
  at: number;
}

/** Formats `args` into `format`; `argBase` is the index of args[0] in the call, for blame. */
export function formatString(format: string, args: readonly Value[], argBase = 1): string {
  let out = '';
  let next = 0;
  let maxUsed = 0;
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    const at = Buffer.byteLength(format.slice(0, i));
    i++;
    if (format[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    let flags = '';
    while (i < format.length && '+-# 0'.includes(format[i])) flags += format[i++];
    const explicit = /^\[(\d+)\]/.exec(format.slice(i));
    if (explicit) {
      next = Number(explicit[1]) - 1;
      i += explicit[0].length;
    }
    const width = /^\d+/.exec(format.slice(i));
    if (width) i += width[0].length;
    let precision: number | undefined;
    if (format[i] === '.') {
      const p = /^\.(\d*)/.exec(format.slice(i)) as RegExpExecArray;
      precision = Number(p[1] || '0');
      i += p[0].length;
    }
    const verb = format[i];
    if (verb === undefined) throw new FunctionError(`unterminated format verb at offset ${at}`);
    i++;
    const spec: Spec = { flags, width: width ? Number(width[0]) : undefined, precision, verb, at };
    const verbText = format.slice(format.lastIndexOf('%', i - 1), i);
    if (next >= args.length) {
      throw new FunctionError(
        `not enough arguments for "${verbText}" at ${at}: need index ${next + 1} but have ${args.length} total`,
      );
    }
    out += formatOne(spec, args[next], verbText);
    next++;
    maxUsed = Math.max(maxUsed, next);
  }
  if (maxUsed < args.length) {
    throw new FunctionError(`too many arguments; only ${maxUsed} used by format string`, argBase + maxUsed);
  }
  return out;
}

function unsupported(verbText: string, at: number, why: string): never {
  throw new FunctionError(`unsupported value for "${verbText}" at ${at}: ${why}`);
}

function formatOne(spec: Spec, arg: Value, verbText: string): string {
  const { verb, at } = spec;
  const want = (t: typeof T_STRING): Value => {
    const r = convert(arg, t);
    if (!r.ok) unsupported(verbText, at, r.error);
    if (r.value.kind === 'null') unsupported(verbText, at, 'null value cannot be formatted');
    if (r.value.kind === 'unknown') unsupported(verbText, at, 'value is not known');
    return r.value;
  };
  switch (verb) {
    case 'v': {
      if (spec.flags.includes('#')) return pad(spec, jsonText(arg));
      if (arg.kind === 'null') return pad(spec, 'null');
      if (arg.kind === 'string') return pad(spec, arg.value);
      if (arg.kind === 'number') return pad(spec, numberToString(arg.value));
      if (arg.kind === 'bool') return pad(spec, String(arg.value));
      return pad(spec, jsonText(arg));
    }
    case 's': {
      const v = want(T_STRING) as { value: string };
      const s = spec.precision !== undefined ? [...v.value].slice(0, spec.precision).join('') : v.value;
      return pad(spec, s);
    }
    case 'q': {
      const v = want(T_STRING) as { value: string };
      return pad(spec, jsonQuote(v.value));
    }
    case 't':
      // cty ignores width for %t.
      return String((want(T_BOOL) as { value: boolean }).value);
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X': {
      const n = (want(T_NUMBER) as { value: number }).value;
      if (!Number.isInteger(n)) unsupported(verbText, at, 'an integer is required');
      const radix = { b: 2, d: 10, o: 8, x: 16, X: 16 }[verb];
      let digits = BigInt(Math.abs(n)).toString(radix);
      if (verb === 'X') digits = digits.toUpperCase();
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
      if (spec.flags.includes('#')) digits = ({ b: '0b', o: '0', x: '0x', X: '0X', d: '' }[verb] ?? '') + digits;
      return padNumber(spec, n < 0, digits);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const n = (want(T_NUMBER) as { value: number }).value;
      let body: string;
      const a = Math.abs(n);
      if (verb === 'f' || verb === 'F') body = toFixedHalfEven(a, spec.precision ?? 6);
      else if (verb === 'e' || verb === 'E') body = goExp(a.toExponential(spec.precision ?? 6));
      else body = goG(a, spec.precision);
      if (verb === 'E' || verb === 'G') body = body.toUpperCase();
      return padNumber(spec, n < 0 || Object.is(n, -0), body);
    }
    default:
      throw new FunctionError(`unsupported format verb '${verb}' in ${JSON.stringify(verbText)} at offset ${at}`);
  }
}

/**
 * Go rounds an exact tie to even (`%.0f` of 2.5 is "2"); JS's toFixed rounds it up. Both round the exact binary
 * value otherwise, so only exact ties need care.
 */
function toFixedHalfEven(a: number, digits: number): string {
  const wide = digits + 30 <= 100 ? a.toFixed(digits + 30) : undefined;
  const plain = a.toFixed(digits);
  if (!wide) return plain;
  const cut = wide.length - 30;
  if (!/^50*$/.test(wide.slice(cut))) return plain;
  const kept = wide.slice(0, cut).replace(/\.$/, '');
  const last = Number(kept.replace('.', '').slice(-1));
  return last % 2 === 0 ? kept : plain;
}

/** JS writes `1.5e+4`; Go writes at least two exponent digits: `1.5e+04`. */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Go's %g: shortest representation, exponent form when the exponent is < -4 or >= the precision. */
function goG(a: number, precision?: number): string {
  if (precision === undefined) {
    const [m, e] = a.toExponential().split('e');
    const exp = Number(e);
    if (exp < -4 || exp >= 6) return goExp(`${m}e${e}`);
    return numberToString(a);
  }
  const p = Math.max(precision, 1);
  const [m, e] = a.toExponential(p - 1).split('e');
  const exp = Number(e);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= p) return goExp(`${trim(m)}e${e}`);
  return trim(a.toFixed(Math.max(p - 1 - exp, 0)));
}

function padNumber(spec: Spec, negative: boolean, digits: string): string {
  const sign = negative ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  const width = spec.width ?? 0;
  if (spec.flags.includes('0') && !spec.flags.includes('-') && sign.length + digits.length < width) {
    return sign + digits.padStart(width - sign.length, '0');
  }
  return pad(spec, sign + digits);
}

function pad(spec: Spec, s: string): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  return spec.flags.includes('-') ? s + ' '.repeat(width - len) : ' '.repeat(width - len) + s;
}

function jsonQuote(s: string): string {
  return JSON.stringify(s);
}

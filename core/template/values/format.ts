/**
 * Prints values the way `packer console` 1.6.6 does: a top-level string raw, everything else in HCL-ish
 * syntax with two-space indents, trailing commas in lists, `"key" = value` in maps, keys sorted.
 */
import { numberToString } from './convert';
import { compareKeys } from './order';

export { compareKeys };
import type { Value } from './value';

/** `packer console` masks secrets with this text (1.6.6 filters its output; we honour sensitive marks). */
export const SENSITIVE_TEXT = '<sensitive>';
export const UNKNOWN_TEXT = '<unknown>';

/** Formats a number as cty does: exact integers in int64 range as digits, anything else like Go's `%g` (shortest). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return numberToString(n);
  return formatFloatG(n);
}

/** Go's strconv.FormatFloat(n, 'g', -1, 64). */
function formatFloatG(n: number): string {
  const [mant, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 6) {
    out = formatE(digits, exp);
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = frac ? `${intPart}.${frac}` : intPart;
  }
  return neg ? '-' + out : out;
}

function formatE(digits: string, exp: number): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/** Go's strconv.Quote: printable characters kept, the rest escaped. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c === 0x20 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch;
    else if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Prints `v` exactly as `packer console` 1.6.6 prints an expression's result. */
export function formatValue(v: Value): string {
  if (v.sensitive) return SENSITIVE_TEXT;
  if (v.kind === 'string') return v.value;
  return formatValueHcl(v);
}

/** Prints `v` as it appears nested inside a collection (strings quoted); used for every level below the top. */
export function formatValueHcl(v: Value, indent = ''): string {
  if (v.sensitive) return v.kind === 'string' ? `"${SENSITIVE_TEXT}"` : SENSITIVE_TEXT;
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'unknown':
      return UNKNOWN_TEXT;
    case 'string':
      return quoteString(v.value);
    case 'number':
      return formatNumber(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'list':
    case 'set':
    case 'tuple': {
      if (v.items.length === 0) return '[]';
      const inner = indent + '  ';
      return `[\n${v.items.map((i) => `${inner}${formatValueHcl(i, inner)},\n`).join('')}${indent}]`;
    }
    case 'map':
    case 'object': {
      const entries = v.kind === 'map' ? v.entries : v.attrs;
      // Packer's console leaves out attributes whose value is null.
      const keys = Object.keys(entries)
        .filter((k) => entries[k].kind !== 'null' || entries[k].sensitive)
        .sort(compareKeys);
      if (keys.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${keys.map((k) => `${inner}${quoteString(k)} = ${formatValueHcl(entries[k], inner)}\n`).join('')}${indent}}`;
    }
  }
}

/**
 * Writes a fixed template byte for byte as `packer fix` prints it: Go's encoding/json (map keys sorted by their UTF-8
 * bytes, HTML-safe escapes, Go's float format) indented by two spaces, after which Packer turns `\u003c` and `\u003e`
 * back into `<` and `>` everywhere in the text (so `&` stays `\u0026`).
 */
import { isObject, type FixValue } from './value';

export function encodeFixedTemplate(v: FixValue): string {
  const text = encode(v, '') + '\n';
  return text.replaceAll('\\u003c', '<').replaceAll('\\u003e', '>');
}

function encode(v: FixValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return goString(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((item) => inner + encode(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (!isObject(v) || v.size === 0) return '{}';
  const keys = [...v.keys()].map(wellFormed).sort(byUtf8);
  const byKey = new Map([...v].map(([k, val]) => [wellFormed(k), val]));
  return `{\n${keys.map((k) => `${inner}${goString(k)}: ${encode(byKey.get(k) ?? null, inner)}`).join(',\n')}\n${indent}}`;
}

/** Go's 'g'-like float format: plain digits from 1e-6 up to 1e21, exponent outside; JavaScript's shortest digits agree. */
function goFloat(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Go decodes a lone UTF-16 surrogate (`"\ud800"`) as U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function goString(s: string): string {
  let out = '"';
  for (const ch of wellFormed(s)) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Code point order, which is the order of UTF-8 bytes (UTF-16 units would put U+E000… before astral characters). */
function byUtf8(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

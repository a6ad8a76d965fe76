/**
 * Writes JSON config values as HCL the way hclwrite does before formatting: one attribute per line,
 * two spaces per nesting level, no alignment (the formatter aligns afterwards).
 */
import type { JsonNode } from '../legacy/json';

const IDENT = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}-]*$/u;

export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

/** A quoted HCL string literal with hclwrite's escapes, including `$${` and `%%{` so nothing is interpolated. */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if ((c === '$' || c === '%') && s[i + 1] === '{') {
      out += c + c + '{';
      i++;
    } else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}

/** A number as cty prints a float64: plain decimal, never exponent notation. */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** The HCL expression for a JSON value, indented for a body at `indent` spaces. */
export function valueText(v: JsonNode, indent: number): string {
  switch (v.kind) {
    case 'string':
      return quote(v.value);
    case 'number':
      return numberText(v.value);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'array':
      return `[${v.items.map((i) => valueText(i, indent)).join(', ')}]`;
    case 'object': {
      if (v.props.length === 0) return '{}';
      const pad = ' '.repeat(indent + 2);
      const lines = sortedProps(v).map((p) => `${pad}${isIdentifier(p.key) ? p.key : quote(p.key)} = ${valueText(p.value, indent + 2)}`);
      return `{\n${lines.join('\n')}\n${' '.repeat(indent)}}`;
    }
  }
}

/** Properties in Go's sorted-string order; a later duplicate replaces an earlier one, as decoding into a map does. */
export function sortedProps<P extends { key: string }>(obj: { props: P[] }): P[] {
  const byKey = new Map<string, P>();
  for (const p of obj.props) byKey.set(p.key, p);
  return [...byKey.values()].sort((a, b) => compareGo(a.key, b.key));
}

/** Byte-wise string order, as Go's sort.Strings. */
export function compareGo(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

export interface BodyItem {
  key: string;
  value: JsonNode;
}

function isPrimitive(v: JsonNode): boolean {
  return v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' || v.kind === 'null';
}

/**
 * A JSON config object as HCL body lines, as Packer 1.6.6's converter lays it out: maps of plain values become
 * attributes, other maps and empty maps become nested blocks, lists of objects become repeated blocks, empty lists vanish.
 * `warn` hears about keys that cannot be written as HCL names.
 */
export function bodyLines(items: BodyItem[], indent: number, warn: (message: string) => void): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  const sorted = [...new Map(items.map((i) => [i.key, i])).values()].sort((a, b) => compareGo(a.key, b.key));
  for (const { key, value } of sorted) {
    if (!isIdentifier(key)) warn(`"${key}" is not a valid HCL name; rename it by hand in the generated file.`);
    if (value.kind === 'object') {
      const allPlain = value.props.length > 0 && value.props.every((p) => isPrimitive(p.value));
      if (allPlain) out.push(`${pad}${key} = ${valueText(value, indent)}`);
      else out.push(...blockLines(key, value, indent, warn));
      continue;
    }
    if (value.kind === 'array') {
      if (value.items.length === 0) continue;
      const complex = value.items.filter((i) => !isPrimitive(i));
      const last = complex[complex.length - 1];
      if (last?.kind === 'object' && value.items.every((i) => i.kind === 'object')) {
        for (const item of value.items) out.push(...blockLines(key, item as Extract<JsonNode, { kind: 'object' }>, indent, warn));
        continue;
      }
    }
    out.push(`${pad}${key} = ${valueText(value, indent)}`);
  }
  return out;
}

function blockLines(key: string, obj: Extract<JsonNode, { kind: 'object' }>, indent: number, warn: (message: string) => void): string[] {
  const pad = ' '.repeat(indent);
  return [`${pad}${key} {`, ...bodyLines(obj.props.map((p) => ({ key: p.key, value: p.value })), indent + 2, warn), `${pad}}`];
}

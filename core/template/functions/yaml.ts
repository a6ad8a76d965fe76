/**
 * yamlencode and yamldecode over the `yaml` library, wrapped where Packer's go-cty-yaml differs (the rows of
 * test/fixtures/functions/console-1.6.6.json; docs/decisions.md lists them):
 * - plain scalars resolve to null, bool, number, timestamp text or string as cty's YAML does (YAML 1.1 booleans
 *   `yes`/`on`/`y`, decimal numbers with `_`, but `0x1F` stays a string, where the library's YAML 1.1 schema reads 31),
 *   so documents are read with the failsafe schema and resolved here;
 * - the library lays out the document; strings and keys are double-quoted with go-yaml's escapes, multi-line text is a
 *   literal block in go-yaml's form, and a bare scalar document ends with `...`;
 * - errors are worded as go-yaml words them for the cases Packer users meet; others keep the library's own message.
 */
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node, type ScalarTag, type YAMLError } from 'yaml';
import { stringifyString, stringTag } from 'yaml/util';
import { numberToString } from '../values/convert';
import { compareKeys } from '../values/format';
import { T_DYNAMIC } from '../values/type';
import type { Value } from '../values/value';
import { FunctionError } from './define';

// ---- encoding -------------------------------------------------------------------------------------------

/** go-yaml writes a literal block only for text whose lines survive one: no CR or tab, no space before a line end. */
function asLiteralBlock(s: string): boolean {
  return s.includes('\n') && !/[\r\t]/.test(s) && !/ \n|[ ]$/.test(s.replace(/\n+$/, ''));
}

/**
 * go-yaml's literal block: indented two spaces even at the top level, and an indentation indicator when the text starts
 * with a space or a newline (the library indents a top-level block by zero and writes that first newline as spaces).
 */
function literalBlock(s: string, indent: string, onChompKeep?: () => void): string {
  const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
  // Text of line breaks only keeps them all, as go-yaml does.
  const keep = trailing > 1 || trailing === s.length;
  if (keep) onChompKeep?.();
  const header = (/^[ \n]/.test(s) ? '|2' : '|') + (trailing === 0 ? '-' : keep ? '+' : '');
  const body = s.replace(/\n$/, '').split('\n');
  return [header, ...body.map((l) => (l ? indent + l : ''))].join('\n');
}

/** go-yaml's short escapes; other characters it will not write raw become \\xXX, \\uXXXX or \\UXXXXXXXX. */
const GO_ESCAPES: Record<number, string> = { 0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0x2028: 'L', 0x2029: 'P' };

/** go-yaml's printable set: it writes astral characters (emoji) escaped, and line breaks always. */
function writtenRaw(c: number): boolean {
  const printable = (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
  return printable && c !== 0x22 && c !== 0x5c && c !== 0x2028 && c !== 0x2029;
}

/**
 * go-yaml's double-quoted scalar. The library's escapes differ: it leaves DEL, C1 controls and U+2028 raw and escapes
 * a space before a line break.
 */
function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (writtenRaw(c)) out += ch;
    else {
      const hex = c.toString(16).toUpperCase();
      out += '\\' + (GO_ESCAPES[c] ?? (c <= 0xff ? `x${hex.padStart(2, '0')}` : c <= 0xffff ? `u${hex.padStart(4, '0')}` : `U${hex.padStart(8, '0')}`));
    }
  }
  return out + '"';
}

/** The failsafe schema's string tag, writing quoted strings and literal blocks as go-yaml does. */
const goYamlString: ScalarTag = {
  ...stringTag,
  stringify: (item, ctx, onComment, onChompKeep) => {
    if (!isScalar(item)) return stringifyString(item, ctx, onComment, onChompKeep);
    if (item.type === 'BLOCK_LITERAL') return literalBlock(String(item.value), ctx.indent || '  ', onChompKeep);
    if (item.type === 'QUOTE_DOUBLE') return doubleQuoted(String(item.value));
    return stringifyString(item, ctx, onComment, onChompKeep);
  },
};

function plain(text: string): Scalar {
  const node = new Scalar(text);
  node.type = 'PLAIN';
  return node;
}

function toNode(v: Value): Node {
  switch (v.kind) {
    case 'null':
      return plain('null');
    case 'unknown':
      throw new FunctionError('cannot serialize unknown values');
    case 'bool':
      return plain(String(v.value));
    case 'number':
      return plain(numberToString(v.value));
    case 'string': {
      const node = new Scalar(v.value);
      node.type = asLiteralBlock(v.value) ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
      return node;
    }
    case 'list':
    case 'set':
    case 'tuple': {
      const seq = new YAMLSeq<Node>();
      for (const item of v.items) seq.items.push(toNode(item));
      if (v.items.length === 0) seq.flow = true;
      return seq;
    }
    case 'map':
    case 'object': {
      const entries = v.kind === 'map' ? v.entries : v.attrs;
      const map = new YAMLMap<Scalar, Node>();
      const keys = Object.keys(entries).sort(compareKeys);
      for (const k of keys) {
        const key = new Scalar(k);
        key.type = 'QUOTE_DOUBLE';
        map.items.push(new Pair(key, toNode(entries[k])));
      }
      if (keys.length === 0) map.flow = true;
      return map;
    }
  }
}

export function yamlEncode(v: Value): string {
  // The failsafe schema has no implicit types, so a plain scalar is written exactly as given.
  const doc = new Document(null, { schema: 'failsafe', version: '1.1', customTags: (tags) => tags.map((tag) => (tag === stringTag ? goYamlString : tag)) });
  doc.contents = toNode(v);
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: false });
  // A bare plain scalar document is closed with `...`, as go-yaml's emitter does.
  return isScalar(doc.contents) && doc.contents.type === 'PLAIN' ? text + '...\n' : text;
}

// ---- decoding -------------------------------------------------------------------------------------------

const NULLS = new Set(['~', 'null', 'Null', 'NULL', '']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const STR_TAG = 'tag:yaml.org,2002:str';
/** Explicit tags go-cty-yaml accepts on a scalar: the value is resolved as if it had none. */
const RESOLVED_TAGS = new Set(['int', 'float', 'bool', 'null'].map((t) => `tag:yaml.org,2002:${t}`));

/** A plain scalar resolved to null, bool, number or string, as go-cty-yaml resolves it. */
function resolvePlain(s: string): Value {
  if (NULLS.has(s)) return { kind: 'null', type: T_DYNAMIC };
  if (TRUES.has(s)) return { kind: 'bool', value: true };
  if (FALSES.has(s)) return { kind: 'bool', value: false };
  const clean = s.replace(/_/g, '');
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(clean)) return { kind: 'number', value: Number(clean) };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return { kind: 'number', value: s.startsWith('-') ? -Infinity : Infinity };
  if (/^\.(nan|NaN|NAN)$/.test(s)) return { kind: 'number', value: NaN };
  const time = timestamp(s);
  return { kind: 'string', value: time ?? s };
}

/**
 * go-yaml's YAML 1.1 timestamps (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10`), which
 * go-cty-yaml turns into RFC 3339 text without fractions; anything else, or an impossible date, stays as written.
 */
function timestamp(s: string): string | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(Z|[-+]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  const [hour, minute, second] = (m[4] ? [m[4], m[5], m[6]] : [m[8] ?? '0', m[9] ?? '0', m[10] ?? '0']).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  const zone = !m[7] || m[7] === 'Z' || /^[-+]00:00$/.test(m[7]) ? 'Z' : m[7];
  return `${m[1]}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${zone}`;
}

/** A plain key is resolved like any scalar (`on:` is the key "true"), then written as a string. */
function keyText(v: Value): string {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') return numberToString(v.value);
  if (v.kind === 'bool') return String(v.value);
  return 'null';
}

/** A parsed document with what its error messages need. */
interface Parsed {
  doc: Document;
  source: string;
  lines: LineCounter;
}

/** Where parse errors are: line and column from one. */
function parseAt(p: Parsed, offset: number): string {
  const { line, col } = p.lines.linePos(offset);
  return `on line ${line}, column ${col}`;
}

/** go-cty-yaml's position for errors found while converting: its line counts from zero, and line zero is not named. */
function convertError(p: Parsed, offset: number, what: string): FunctionError {
  const { line, col } = p.lines.linePos(offset);
  return new FunctionError(line > 1 ? `on line ${line - 1}, column ${col}: ${what}` : what);
}

/** Converts the parsed document; `open` holds the aliased nodes being converted, so an alias to its own ancestor fails. */
function toValue(p: Parsed, node: unknown, open = new Set<unknown>()): Value {
  if (isAlias(node)) {
    const target = node.resolve(p.doc);
    if (!target) throw new FunctionError(`reference to undefined anchor "${node.source}"`);
    if (open.has(target)) throw new FunctionError(`cannot refer to anchor "${node.source}" from inside its own definition`);
    open.add(target);
    const v = toValue(p, target, open);
    open.delete(target);
    return v;
  }
  if (isScalar(node)) {
    const text = String(node.value ?? '');
    if (node.tag === STR_TAG) return { kind: 'string', value: text };
    if (node.tag && !RESOLVED_TAGS.has(node.tag)) {
      // The library places a node where its value starts; go-cty-yaml names where its tag starts.
      const before = p.source.slice(0, node.range?.[0] ?? 0);
      throw convertError(p, before.length - (/!\S*\s*$/.exec(before)?.[0].length ?? 0), `unsupported tag "${node.tag}"`);
    }
    if (node.type !== 'PLAIN' && !node.tag) return { kind: 'string', value: text };
    const v = resolvePlain(text);
    // cty has no NaN.
    if (v.kind === 'number' && Number.isNaN(v.value)) throw convertError(p, node.range?.[0] ?? 0, 'floating point NaN is not supported');
    return v;
  }
  const inner = (n: unknown) => toValue(p, n, open);
  if (isSeq(node)) {
    open.add(node);
    const items = node.items.map(inner);
    open.delete(node);
    return { kind: 'tuple', items };
  }
  if (isMap(node)) {
    open.add(node);
    const attrs: Record<string, Value> = {};
    for (const pair of node.items) {
      const key = inner(pair.key);
      attrs[isScalar(pair.key) && pair.key.type !== 'PLAIN' ? (key.kind === 'string' ? key.value : '') : keyText(key)] = inner(pair.value);
    }
    open.delete(node);
    return { kind: 'object', attrs };
  }
  return { kind: 'null', type: T_DYNAMIC };
}

/** The collection that was open where `offset` is: go-yaml reports a parse error at the start of that context. */
function openCollection(node: unknown, offset: number): Node | undefined {
  if (!(isMap(node) || isSeq(node)) || !node.range || node.range[0] > offset) return undefined;
  for (const item of node.items) {
    const child = isMap(node) && 'value' in (item as object) ? (item as { value: unknown }).value : item;
    const inner = openCollection(child, offset);
    if (inner) return inner;
  }
  return node;
}

/** go-yaml's wording of an error, where Packer users meet it; undefined keeps the library's own message. */
function goYamlError(p: Parsed, e: YAMLError): string | undefined {
  const at = (offset: number) => parseAt(p, offset);
  const context = openCollection(p.doc.contents, e.pos[0]);
  switch (e.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'mapping values are not allowed in this context';
    case 'MULTIPLE_DOCS':
      return 'unexpected extra content after value';
    case 'TAB_AS_INDENT':
      return `${at(e.pos[0])}: found character that cannot start any token`;
    case 'MULTILINE_IMPLICIT_KEY':
    case 'UNEXPECTED_TOKEN':
      if (e.pos[0] >= (p.doc.contents?.range?.[1] ?? 0)) return 'did not find expected <document start>';
      if (isMap(context) && !context.flow) return `${at(context.range?.[0] ?? 0)}: did not find expected key`;
      return undefined;
    case 'MISSING_CHAR':
      // An unclosed quote runs to the end of the text, where go-yaml's scanner stops.
      if (e.message.startsWith('Missing closing')) return 'found unexpected end of stream';
      if ((isMap(context) || isSeq(context)) && context.flow && e.pos[0] >= (p.doc.contents?.range?.[1] ?? 0)) return `${at(context.range?.[0] ?? 0)}: did not find expected node content`;
      return undefined;
    default:
      return undefined;
  }
}

export function yamlDecode(src: string): Value {
  if (src.trim() === '') throw new FunctionError('on line 1, column 1: missing start of document');
  const lines = new LineCounter();
  const doc = parseDocument(src, { schema: 'failsafe', version: '1.1', lineCounter: lines, uniqueKeys: false });
  const parsed: Parsed = { doc, source: src, lines };
  const [first] = doc.errors;
  // The library's message ends with a colon and an excerpt of the source; the first line says what and where.
  if (first) throw new FunctionError(goYamlError(parsed, first) ?? first.message.split('\n')[0].replace(/:$/, ''));
  return toValue(parsed, doc.contents);
}

/**
 * Parses a legacy template's JSON into a tree whose every node knows its place in the file,
 * rejecting what Go's encoding/json rejects (comments, trailing commas), in its words, and duplicate keys, as Packer does.
 */
import { parseTree, type Node } from 'jsonc-parser';
import { findGoJsonSyntaxError, type GoJsonContext, type GoJsonReader } from './go-json-syntax';
import { error, LineIndex, type Diagnostic, type Range } from '../source';

export type JsonNode =
  | { kind: 'object'; props: JsonProp[]; range: Range; offset: number }
  | { kind: 'array'; items: JsonNode[]; range: Range; offset: number }
  /** `raw` is the literal as written, quotes included, so positions inside the string can be mapped back. */
  | { kind: 'string'; value: string; raw: string; range: Range; offset: number }
  | { kind: 'number'; value: number; range: Range; offset: number }
  | { kind: 'bool'; value: boolean; range: Range; offset: number }
  | { kind: 'null'; range: Range; offset: number };

export interface JsonProp {
  key: string;
  keyRange: Range;
  value: JsonNode;
  /** From the key's first quote to the end of the value. */
  range: Range;
}

export interface JsonDocument {
  root?: JsonNode;
  lines: LineIndex;
  filename: string;
}

/** What each of Go's scanner messages means, in plain words, for the diagnostic's detail. */
const GO_CONTEXT_DETAILS: Record<GoJsonContext, string> = {
  'looking for beginning of value': 'A value is expected here: a string in double quotes, a number, true, false, null, an object or an array. JSON allows no trailing comma after the last item.',
  'looking for beginning of object key string': 'A property name in double quotes is expected here. JSON allows no trailing comma after the last property.',
  'after object key': 'A colon ":" must separate a property name from its value.',
  'after object key:value pair': 'A comma "," must separate properties, and "}" close the object.',
  'after array element': 'A comma "," must separate items, and "]" close the array.',
  'after top-level value': 'A template is one JSON object; nothing may follow its closing "}".',
  'in string literal': 'Control characters such as a raw newline or tab must be escaped inside JSON strings.',
  'in string escape code': 'Valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX.',
  'in \\u hexadecimal character escape': 'A \\u escape needs four hex digits.',
  'in numeric literal': 'JSON numbers are written like 42, -1.5 or 1e3.',
  'after decimal point in numeric literal': 'JSON numbers are written like 42, -1.5 or 1e3: a digit must follow the decimal point.',
  'in exponent of numeric literal': 'JSON numbers are written like 42, -1.5 or 1e3: a digit must follow the exponent.',
  'in literal true': 'true, false and null are written in lower case, in full; a string needs double quotes.',
  'in literal false': 'true, false and null are written in lower case, in full; a string needs double quotes.',
  'in literal null': 'true, false and null are written in lower case, in full; a string needs double quotes.',
  'exceeded max depth': 'Objects and arrays may be nested at most 10000 deep.',
};
const COMMENT_DETAIL = 'JSON templates cannot hold comments; use a root-level key starting with "_" instead.';
const END_DETAIL = 'The file ends before the JSON is complete: an object, array or string is not closed.';

/** How Packer reads this JSON: with which of Go's readers, and the words it puts before Go's message. */
export interface JsonReading {
  reader: GoJsonReader;
  prefix: string;
}

/** A legacy template, read by the plugin SDK's template.ParseFile. */
export const TEMPLATE_READING: JsonReading = { reader: 'unmarshal', prefix: 'Error parsing JSON: ' };

/**
 * Parses `text`; on a syntax error returns the first error only, in Packer's words for it (`reading.prefix` and Go's
 * message), placed at the character Go stopped at.
 */
export function parseJson(text: string, filename: string, reading: JsonReading = TEMPLATE_READING): { doc: JsonDocument; diagnostics: Diagnostic[] } {
  const lines = new LineIndex(text);
  const doc: JsonDocument = { lines, filename };
  const syntax = findGoJsonSyntaxError(text, reading.reader);
  if (syntax) {
    const detail = syntax.kind === 'unexpected end' ? END_DETAIL : syntax.char === "'/'" ? COMMENT_DETAIL : GO_CONTEXT_DETAILS[syntax.context];
    // Point at one character at least, but never past the end of the file.
    const end = Math.min(syntax.at + (syntax.at < text.length && (text.codePointAt(syntax.at) ?? 0) > 0xffff ? 2 : 1), text.length);
    return { doc, diagnostics: [error(`${reading.prefix}${syntax.message}`, detail, lines.range(filename, syntax.at, end))] };
  }
  // Go reads it, so jsonc-parser (strict: no comments, no trailing commas) does too; it gives the tree its offsets. What
  // follows the first value (which only a decoder accepts) is left out of the tree, as the decoder leaves it unread.
  const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!tree) return { doc, diagnostics: [error(`${reading.prefix}unexpected end of JSON input`, END_DETAIL, lines.range(filename, 0, 0))] };
  const diagnostics: Diagnostic[] = [];
  doc.root = convert(tree, text, lines, filename, diagnostics);
  return { doc, diagnostics };
}

function convert(n: Node, text: string, lines: LineIndex, filename: string, diags: Diagnostic[]): JsonNode {
  const range = lines.range(filename, n.offset, n.offset + n.length);
  const offset = n.offset;
  switch (n.type) {
    case 'object': {
      const props: JsonProp[] = [];
      const seen = new Set<string>();
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        if (!k || !v) continue;
        const key = String(k.value);
        const keyRange = lines.range(filename, k.offset, k.offset + k.length);
        if (seen.has(key)) {
          diags.push(error(`template has duplicate field: ${key}`, 'Packer rejects a key written twice in one object; keep one.', keyRange));
        }
        seen.add(key);
        props.push({ key, keyRange, value: convert(v, text, lines, filename, diags), range: lines.range(filename, k.offset, v.offset + v.length) });
      }
      return { kind: 'object', props, range, offset };
    }
    case 'array':
      return { kind: 'array', items: (n.children ?? []).map((c) => convert(c, text, lines, filename, diags)), range, offset };
    case 'string':
      return { kind: 'string', value: String(n.value), raw: text.slice(n.offset, n.offset + n.length), range, offset };
    case 'number':
      return { kind: 'number', value: Number(n.value), range, offset };
    case 'boolean':
      return { kind: 'bool', value: Boolean(n.value), range, offset };
    default:
      return { kind: 'null', range, offset };
  }
}

/** For each index into a JSON string's decoded value, the text offset of the character it came from (plus one past the end). */
export function decodedOffsets(node: { raw: string; offset: number }): number[] {
  const out: number[] = [];
  const raw = node.raw;
  let i = 1;
  while (i < raw.length - 1) {
    const at = node.offset + i;
    if (raw[i] === '\\') {
      if (raw[i + 1] === 'u') {
        // Each \uXXXX decodes to one UTF-16 unit, so a surrogate pair's halves map to their own escapes.
        out.push(at);
        i += 6;
      } else {
        out.push(at);
        i += 2;
      }
    } else {
      out.push(at);
      i += 1;
    }
  }
  out.push(node.offset + raw.length - 1);
  return out;
}

/** The range within the file of characters [start, end) of a JSON string's decoded value. */
export function rangeInString(doc: JsonDocument, node: { raw: string; offset: number }, start: number, end: number): Range {
  const offs = decodedOffsets(node);
  const s = offs[Math.min(start, offs.length - 1)];
  const e = offs[Math.min(Math.max(end, start), offs.length - 1)];
  return doc.lines.range(doc.filename, s, Math.max(e, s));
}

export function prop(obj: JsonNode, key: string): JsonProp | undefined {
  return obj.kind === 'object' ? obj.props.find((p) => p.key === key) : undefined;
}

/** JSON's own name for a node's kind, as users know it. */
export function kindName(n: JsonNode): string {
  switch (n.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'bool':
      return 'a boolean';
    case 'null':
      return 'null';
  }
}

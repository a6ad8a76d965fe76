/**
 * Parses a legacy template's JSON into a tree whose every node knows its place in the file,
 * rejecting what Go's encoding/json rejects (comments, trailing commas) and duplicate keys, as Packer does.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
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

const PARSE_MESSAGES: Record<number, [string, string]> = {
  1: ['Invalid symbol', 'This character cannot start a JSON value. Strings need double quotes.'],
  2: ['Invalid number', 'JSON numbers are written like 42, -1.5 or 1e3.'],
  3: ['Missing property name', 'A property name in double quotes is expected here. JSON allows no trailing comma after the last property.'],
  4: ['Missing value', 'A value is expected here. JSON allows no trailing comma after the last item.'],
  5: ['Missing colon', 'A colon ":" must separate a property name from its value.'],
  6: ['Missing comma', 'A comma "," must separate items and properties.'],
  7: ['Missing closing brace', 'This object is not closed with "}".'],
  8: ['Missing closing bracket', 'This array is not closed with "]".'],
  9: ['Unexpected content after the template', 'A template is one JSON object; nothing may follow its closing "}".'],
  10: ['Comments are not allowed', 'JSON templates cannot hold comments; use a root-level key starting with "_" instead.'],
  11: ['Unterminated comment', 'JSON templates cannot hold comments.'],
  12: ['Unterminated string', 'This string has no closing double quote.'],
  13: ['Unterminated number', 'This number is cut short.'],
  14: ['Invalid unicode escape', 'A \\u escape needs four hex digits.'],
  15: ['Invalid escape sequence', 'Valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX.'],
  16: ['Invalid character in string', 'Control characters such as a raw newline or tab must be escaped inside JSON strings.'],
};

/** Parses `text`; on a syntax error returns the first error only, as Go's decoder stops at it. */
export function parseJson(text: string, filename: string): { doc: JsonDocument; diagnostics: Diagnostic[] } {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const doc: JsonDocument = { lines, filename };
  if (errors.length > 0) {
    const e = errors[0];
    const [summary, detail] = PARSE_MESSAGES[e.error] ?? ['Invalid JSON', 'The file is not valid JSON.'];
    // Point at one character at least, but never past the end of the file.
    const start = Math.min(e.offset, text.length);
    const end = Math.min(e.offset + Math.max(e.length, 1), text.length);
    return { doc, diagnostics: [error(summary, detail, lines.range(filename, start, end))] };
  }
  if (!tree) {
    return { doc, diagnostics: [error('Empty template', 'A legacy template is a JSON object with at least a "builders" list.', lines.range(filename, 0, 0))] };
  }
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

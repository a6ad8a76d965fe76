/**
 * HCL's JSON syntax (`*.pkr.json`). A JSON object cannot say whether a property is an argument or a block
 * until a schema is applied, so a JSON body lists every property as an attribute and remembers its JSON
 * node; `content()` in body.ts turns properties named as schema blocks into blocks.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex, type Diagnostic, type Pos, type Range } from '../source';
import type { Attribute, Body, Expr, HclFile, ObjectItem } from './ast';
import { parseHclExpression, parseHclTemplate } from './parser';

/** Where a JSON body came from, so content() can re-read its properties against a schema. */
export interface JsonBodySource {
  /** The JSON value holding the body: normally an object, an array of objects for repeated content, or anything (an error later). */
  node: Node;
  file: JsonFileContext;
  /** Property names already taken by partialContent(); the remaining body hides them. */
  hidden: ReadonlySet<string>;
}

export interface JsonFileContext {
  filename: string;
  index: LineIndex;
  /** Expressions already built per JSON node, so each string's template is parsed (and reported) once. */
  exprs: WeakMap<Node, Expr>;
  diagnostics: Diagnostic[];
}

const jsonBodies = new WeakMap<Body, JsonBodySource>();

/** The JSON node behind a JSON-syntax body, or undefined for native bodies. */
export function jsonSourceOf(body: Body): JsonBodySource | undefined {
  return jsonBodies.get(body);
}

const PARSE_MESSAGES: Record<string, [string, string]> = {
  InvalidSymbol: ['Invalid JSON token', 'This character is not valid in JSON.'],
  InvalidNumberFormat: ['Invalid JSON number', 'This number is not written in JSON number syntax.'],
  PropertyNameExpected: ['Invalid JSON object property name', 'A JSON object property name must be a string in double quotes.'],
  ValueExpected: ['Missing JSON value', 'A JSON value must start with a brace, a bracket, a number, a string, or a keyword.'],
  ColonExpected: ['Missing property value colon', 'JSON uses a colon as its name/value delimiter, not an equals sign.'],
  CommaExpected: ['Missing attribute seperator comma', 'A comma must appear between each property definition in an object.'],
  CloseBraceExpected: ['Unclosed JSON object', 'No closing brace was found for this JSON object.'],
  CloseBracketExpected: ['Unclosed JSON array', 'No closing bracket was found for this JSON array.'],
  EndOfFileExpected: ['Extraneous data after value', 'Extra characters appear after the JSON value.'],
  InvalidCommentToken: ['Invalid JSON token', 'Comments are not allowed in JSON.'],
  UnexpectedEndOfComment: ['Invalid JSON token', 'Comments are not allowed in JSON.'],
  UnexpectedEndOfString: ['Unterminated string', 'No closing quote was found for this JSON string.'],
  UnexpectedEndOfNumber: ['Invalid JSON number', 'This number is not written in JSON number syntax.'],
  InvalidUnicode: ['Invalid escape sequence', 'The \\u escape sequence must be followed by four hexadecimal digits.'],
  InvalidEscapeCharacter: ['Invalid escape sequence', 'This is not a valid JSON escape sequence.'],
  InvalidCharacter: ['Invalid character', 'This character is not allowed in a JSON string.'],
};

/** Parses a `*.pkr.json` file. Every property of every object becomes an attribute until content() says otherwise. */
export function parseHclJson(text: string, filename: string): HclFile {
  const index = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  for (const e of errors) {
    const [summary, detail] = PARSE_MESSAGES[printParseErrorCode(e.error)] ?? ['Syntax error', 'This is not valid JSON.'];
    diagnostics.push({ severity: 'error', summary, detail, range: index.range(filename, e.offset, Math.min(text.length, e.offset + Math.max(e.length, 1))) });
  }
  const file: JsonFileContext = { filename, index, exprs: new WeakMap(), diagnostics };
  const node: Node = root ?? { type: 'object', offset: 0, length: text.length, children: [] };
  if (root && root.type !== 'object' && errors.length === 0) {
    diagnostics.push({ severity: 'error', summary: 'Root value must be object', detail: 'The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.', range: nodeRange(file, root) });
  }
  const body = jsonBody(node, file, new Set());
  return { filename, text, body, diagnostics };
}

/** Builds the Body for a JSON value, listing its properties (of an object, or of each object in an array) as attributes. */
export function jsonBody(node: Node, file: JsonFileContext, hidden: ReadonlySet<string>): Body {
  const attributes: Attribute[] = [];
  for (const prop of jsonProperties(node)) {
    if (prop.name === '//' || hidden.has(prop.name)) continue;
    attributes.push(jsonAttribute(prop, file));
  }
  const body: Body = { syntax: 'json', attributes, blocks: [], range: nodeRange(file, node) };
  jsonBodies.set(body, { node, file, hidden });
  return body;
}

export interface JsonProperty {
  name: string;
  /** The property's key node (a string). */
  key: Node;
  value: Node;
}

/** The properties of an object, or of every object in an array (HCL's collectDeepAttrs); other values have none. */
export function jsonProperties(node: Node): JsonProperty[] {
  const out: JsonProperty[] = [];
  const fromObject = (obj: Node): void => {
    for (const prop of obj.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      out.push({ name: String(key.value), key, value });
    }
  };
  if (node.type === 'object') fromObject(node);
  else if (node.type === 'array') for (const el of node.children ?? []) if (el.type === 'object') fromObject(el);
  return out;
}

export function jsonAttribute(prop: JsonProperty, file: JsonFileContext): Attribute {
  const nameRange = nodeRange(file, prop.key);
  const expr = jsonExpr(prop.value, file);
  return { name: prop.name, nameRange, expr, range: { filename: file.filename, start: nameRange.start, end: expr.range.end } };
}

export function nodeRange(file: JsonFileContext, node: Node): Range {
  return file.index.range(file.filename, node.offset, node.offset + node.length);
}

/** One character at `offset`, e.g. an object's opening or closing brace. */
export function charRange(file: JsonFileContext, offset: number): Range {
  return file.index.range(file.filename, offset, offset + 1);
}

/** A JSON value as an expression: strings are templates (so "${var.x}" works), objects' keys too. */
export function jsonExpr(node: Node, file: JsonFileContext): Expr {
  const cached = file.exprs.get(node);
  if (cached) return cached;
  const range = nodeRange(file, node);
  let expr: Expr;
  switch (node.type) {
    case 'string':
      expr = jsonTemplate(String(node.value), range, file);
      break;
    case 'number':
    case 'boolean':
      expr = { kind: 'literal', value: node.value as number | boolean, range };
      break;
    case 'null':
      expr = { kind: 'literal', value: null, range };
      break;
    case 'array':
      expr = { kind: 'tuple', items: (node.children ?? []).map((c) => jsonExpr(c, file)), range };
      break;
    case 'object': {
      const items: ObjectItem[] = [];
      for (const prop of jsonProperties(node)) {
        const keyRange = nodeRange(file, prop.key);
        const key = jsonTemplate(prop.name, keyRange, file);
        const value = jsonExpr(prop.value, file);
        items.push({ key, bareKey: false, value, range: { filename: file.filename, start: keyRange.start, end: value.range.end } });
      }
      expr = { kind: 'object', items, range };
      break;
    }
    default:
      expr = { kind: 'invalid', range };
  }
  file.exprs.set(node, expr);
  return expr;
}

const jsonStrings = new WeakMap<Expr, { value: string; start: Pos; filename: string }>();

/**
 * Where HCL wants a static expression rather than a value (a variable's `type`, a keyword, a traversal), a JSON
 * string holds that expression's source, e.g. "list(string)". Returns it parsed as a native expression, or
 * undefined when `expr` did not come from a JSON string.
 */
export function jsonStringAsExpression(expr: Expr): { expr: Expr; diagnostics: Diagnostic[] } | undefined {
  const src = jsonStrings.get(expr);
  if (!src) return undefined;
  return parseHclExpression(src.value, src.filename, src.start);
}

/** Parses a JSON string's decoded text as a template; positions inside are approximate when the JSON had escapes, as in HCL. */
function jsonTemplate(value: string, range: Range, file: JsonFileContext): Expr {
  const start: Pos = { line: range.start.line, column: range.start.column + 1, byte: range.start.byte + 1 };
  let result: Expr;
  if (value.indexOf('${') < 0 && value.indexOf('%{') < 0) {
    result = { kind: 'template', parts: [{ kind: 'literal', value, range: innerRange(range) }], range };
  } else {
    const { expr, diagnostics } = parseHclTemplate(value, file.filename, start);
    file.diagnostics.push(...diagnostics);
    result = { ...expr, range };
  }
  jsonStrings.set(result, { value, start, filename: file.filename });
  return result;
}

function innerRange(range: Range): Range {
  if (range.start.line !== range.end.line || range.end.byte - range.start.byte < 2) return range;
  return {
    filename: range.filename,
    start: { line: range.start.line, column: range.start.column + 1, byte: range.start.byte + 1 },
    end: { line: range.end.line, column: range.end.column - 1, byte: range.end.byte - 1 },
  };
}

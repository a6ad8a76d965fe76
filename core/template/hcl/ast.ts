/**
 * The syntax tree of an HCL file, shared by the native syntax and the JSON variant.
 * Every node keeps its source range so the editor, the graph and diagnostics can point back at the text.
 */
import type { Diagnostic, Range } from '../source';

export type BinaryOperator =
  | '||' | '&&'
  | '==' | '!='
  | '<' | '<=' | '>' | '>='
  | '+' | '-'
  | '*' | '/' | '%';

export type UnaryOperator = '-' | '!';

interface Node {
  range: Range;
}

/** A number, bool or null written literally. Strings are always templates. */
export interface LiteralExpr extends Node {
  kind: 'literal';
  value: number | boolean | null;
}

/** `"..."`, a heredoc, or a JSON string. A template of exactly one interpolation and nothing else yields that value unconverted. */
export interface TemplateExpr extends Node {
  kind: 'template';
  parts: TemplatePart[];
  /** True for heredocs (`<<EOT`), which the formatter must not touch. */
  heredoc?: boolean;
}

export type TemplatePart =
  | { kind: 'literal'; value: string; range: Range }
  | { kind: 'interp'; expr: Expr; range: Range }
  | { kind: 'if'; cond: Expr; then: TemplatePart[]; else?: TemplatePart[]; range: Range }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[]; range: Range };

/** A bare name: `var`, `local`, `source`, `path`, a for-expression's iterator. */
export interface VariableExpr extends Node {
  kind: 'variable';
  name: string;
}

/** `obj.name` (also the legacy index form `list.0`, with name "0"). */
export interface GetAttrExpr extends Node {
  kind: 'getattr';
  object: Expr;
  name: string;
  nameRange: Range;
}

/** `obj[key]` */
export interface IndexExpr extends Node {
  kind: 'index';
  object: Expr;
  key: Expr;
}

/** `src[*].a.b` (full) or `src.*.a.b` (attribute-only); `each` is evaluated per element with `anon` as the element. */
export interface SplatExpr extends Node {
  kind: 'splat';
  source: Expr;
  each: Expr;
  full: boolean;
}

/** The element inside a splat's `each`. */
export interface AnonSymbolExpr extends Node {
  kind: 'anon';
}

export interface FunctionCallExpr extends Node {
  kind: 'call';
  name: string;
  nameRange: Range;
  args: Expr[];
  /** `f(a, b...)`: the last argument is expanded into several. */
  expandFinal: boolean;
}

export interface ConditionalExpr extends Node {
  kind: 'conditional';
  cond: Expr;
  then: Expr;
  else: Expr;
}

export interface BinaryExpr extends Node {
  kind: 'binary';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
}

export interface UnaryExpr extends Node {
  kind: 'unary';
  op: UnaryOperator;
  operand: Expr;
}

export interface TupleExpr extends Node {
  kind: 'tuple';
  items: Expr[];
}

export interface ObjectItem {
  /** A bare identifier key is `{kind:'template'}` with one literal part and `bareKey: true`; `(expr)` keys are the expression. */
  key: Expr;
  bareKey: boolean;
  value: Expr;
  range: Range;
}

export interface ObjectExpr extends Node {
  kind: 'object';
  items: ObjectItem[];
}

/** `[for k, v in coll : expr if cond]` or `{for k, v in coll : kexpr => vexpr... if cond}` */
export interface ForExpr extends Node {
  kind: 'for';
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  /** Present for object for-expressions. */
  keyExpr?: Expr;
  valueExpr: Expr;
  cond?: Expr;
  /** `...` after the value: group values with the same key into lists. */
  group: boolean;
}

export interface ParensExpr extends Node {
  kind: 'parens';
  expr: Expr;
}

/** What the parser leaves where an expression could not be read; evaluation yields an unknown value with no further error. */
export interface InvalidExpr extends Node {
  kind: 'invalid';
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | VariableExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | AnonSymbolExpr
  | FunctionCallExpr
  | ConditionalExpr
  | BinaryExpr
  | UnaryExpr
  | TupleExpr
  | ObjectExpr
  | ForExpr
  | ParensExpr
  | InvalidExpr;

export interface Attribute {
  name: string;
  nameRange: Range;
  expr: Expr;
  /** From the name to the end of the expression. */
  range: Range;
}

export interface Block {
  type: string;
  typeRange: Range;
  labels: string[];
  labelRanges: Range[];
  body: Body;
  /** From the type to the closing brace. */
  range: Range;
  openBraceRange: Range;
  closeBraceRange: Range;
}

/**
 * A block's (or file's) contents in source order.
 * JSON-syntax bodies cannot tell an attribute from a block without a schema, so read them through
 * `content(body, schema)` in body.ts rather than `attributes`/`blocks` directly.
 */
export interface Body {
  syntax: 'native' | 'json';
  attributes: Attribute[];
  blocks: Block[];
  range: Range;
}

export interface HclFile {
  filename: string;
  text: string;
  body: Body;
  /** Syntax errors; the body still holds everything that could be read. */
  diagnostics: Diagnostic[];
}

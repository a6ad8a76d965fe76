/**
 * The parser for HCL's native syntax: bodies (attributes and blocks) and expressions, with HCL's
 * precedence, diagnostics wording and ranges. After a syntax error it skips to the end of the line
 * at the same nesting level and carries on, so one mistake never hides the rest of the file.
 */
import type { Diagnostic, Pos, Range } from '../source';
import { didYouMean } from '../suggest';
import type { Attribute, BinaryOperator, Block, Body, Expr, HclFile, ObjectItem, TemplateExpr } from './ast';
import { lexHcl, lexHclTemplate, type LexResult } from './lexer';
import { Peeker } from './peeker';
import { decodeLiteral, parseTemplateParts, span } from './template';
import type { Token, TokenType } from './tokens';

// The JSON variant lives in its own module; it is re-exported so callers find both file parsers in one place.
export { parseHclJson } from './json-syntax';

/** Binary operators from the loosest to the tightest binding, as in HCL. */
const BINARY_LEVELS: Partial<Record<TokenType, BinaryOperator>>[] = [
  { Or: '||' },
  { And: '&&' },
  { EqualOp: '==', NotEqual: '!=' },
  { GreaterThan: '>', GreaterThanEq: '>=', LessThan: '<', LessThanEq: '<=' },
  { Plus: '+', Minus: '-' },
  { Star: '*', Slash: '/', Percent: '%' },
];

const OPPOSITE: Partial<Record<TokenType, TokenType>> = {
  OBrace: 'CBrace', OBrack: 'CBrack', OParen: 'CParen', OQuote: 'CQuote', OHeredoc: 'CHeredoc',
  CBrace: 'OBrace', CBrack: 'OBrack', CParen: 'OParen', CQuote: 'OQuote', CHeredoc: 'OHeredoc',
  TemplateInterp: 'TemplateSeqEnd', TemplateControl: 'TemplateSeqEnd', TemplateSeqEnd: 'TemplateInterp',
};

/** Parses a configuration file (`*.pkr.hcl`, `*.pkrvars.hcl`). Syntax errors are in `diagnostics`; the body holds everything readable. */
export function parseHcl(text: string, filename: string): HclFile {
  const lexed = lexHcl(text, filename);
  const parser = new Parser(lexed, filename);
  const startRange: Range = { filename, start: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } };
  const body = parser.parseBody('EOF', startRange);
  const eof = lexed.tokens[lexed.tokens.length - 1].range;
  body.range = { filename, start: startRange.start, end: eof.end };
  return { filename, text, body, diagnostics: [...lexed.diagnostics, ...parser.diags] };
}

/** Parses a standalone expression, as `bakehouse console` and `-var` values need. Newlines are insignificant. */
export function parseHclExpression(text: string, filename: string, start?: Pos): { expr: Expr; diagnostics: Diagnostic[] } {
  const lexed = lexHcl(text, filename, start);
  const parser = new Parser(lexed, filename);
  parser.peeker.pushIncludeNewlines(false);
  const expr = parser.parseExpression();
  const next = parser.peeker.peek();
  if (next.type !== 'EOF' && !parser.recovery) {
    parser.error('Extra characters after expression', 'An expression was successfully parsed, but extra characters were found after it.', next.range);
  }
  return { expr, diagnostics: [...lexed.diagnostics, ...parser.diags] };
}

/** Parses a bare template (no surrounding quotes): templatefile() contents and JSON-syntax strings. */
export function parseHclTemplate(text: string, filename: string, startPos?: Pos): { expr: TemplateExpr; diagnostics: Diagnostic[] } {
  const lexed = lexHclTemplate(text, filename, startPos);
  const parser = new Parser(lexed, filename);
  const tpl = parseTemplateParts(parser, 'EOF', false);
  const first = lexed.tokens[0].range.start;
  const last = lexed.tokens[lexed.tokens.length - 1].range.end;
  const expr: TemplateExpr = { kind: 'template', parts: tpl.parts, range: { filename, start: first, end: last } };
  return { expr, diagnostics: [...lexed.diagnostics, ...parser.diags] };
}

export class Parser {
  readonly peeker: Peeker;
  readonly diags: Diagnostic[] = [];
  /** Set once recovery has skipped tokens; HCL then stays quiet about follow-on errors in the same item. */
  recovery = false;

  constructor(lexed: LexResult, readonly filename: string) {
    this.peeker = new Peeker(lexed.tokens, lexed.quotedNewlines);
  }

  error(summary: string, detail: string, range: Range): void {
    this.diags.push({ severity: 'error', summary, detail, range });
  }

  suggestKeyword(given: string, candidates: string[]): string {
    return didYouMean(given, candidates);
  }

  // ---- bodies ----

  parseBody(end: 'EOF' | 'CBrace', startRange: Range): Body {
    const p = this.peeker;
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    let endRange = startRange;
    for (;;) {
      const next = p.peek();
      if (next.type === end) {
        endRange = next.range;
        p.read();
        break;
      }
      if (next.type === 'Newline') {
        p.read();
        continue;
      }
      if (next.type === 'Ident') {
        // A new item starts on a fresh line, so its errors are worth reporting even after an earlier one
        // (HCL stays quiet for the rest of the file instead).
        this.recovery = false;
        const item = this.parseBodyItem();
        if (item && 'type' in item) blocks.push(item);
        else if (item) attributes.push(item);
        continue;
      }
      const bad = p.read();
      if (this.recovery) {
        // Leftovers of a line that already has an error, e.g. the `{` of a block header split over two lines,
        // or the end of a file whose innermost unclosed block was already reported.
        if (bad.type === 'EOF') {
          endRange = p.prevRange();
          break;
        }
      } else if (bad.type === 'OQuote') {
        this.error('Invalid argument name', 'Argument names must not be quoted.', bad.range);
      } else if (bad.type === 'EOF') {
        if (end === 'CBrace') {
          this.error('Unclosed configuration block', 'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', startRange);
        } else {
          this.error('Unclosed configuration body', 'Found end of file before the end of this configuration body.', startRange);
        }
        this.recovery = true;
        endRange = p.prevRange();
        break;
      } else {
        this.error('Argument or block definition required', 'An argument or block definition is required here.', bad.range);
      }
      // HCL gives up on the whole body here; skipping just this line keeps the rest of the file.
      this.recoverAfterBodyItem(bad);
    }
    return { syntax: 'native', attributes, blocks, range: span(startRange, endRange) };
  }

  private parseBodyItem(): Attribute | Block | undefined {
    const p = this.peeker;
    const ident = p.read();
    const next = p.peek();
    switch (next.type) {
      case 'Equal':
        return this.finishAttribute(ident, false);
      case 'OQuote':
      case 'OBrace':
      case 'Ident':
        return this.finishBlock(ident);
      default:
        this.recoverAfterBodyItem();
        this.error('Argument or block definition required', 'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.', ident.range);
        return undefined;
    }
  }

  private finishAttribute(ident: Token, singleLine: boolean): Attribute {
    const p = this.peeker;
    p.read(); // =
    const before = this.diags.length;
    const expr = this.parseExpression();
    const endRange = p.prevRange();
    if (this.recovery && this.diags.length > before) {
      this.recoverAfterBodyItem();
    } else if (!singleLine) {
      const end = p.peek();
      if (end.type !== 'Newline' && end.type !== 'EOF') {
        if (!this.recovery) {
          if (end.type === 'Comma') {
            this.error('Unexpected comma after argument', 'Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.', end.range);
          } else {
            this.error('Missing newline after argument', 'An argument definition must end with a newline.', end.range);
          }
        }
        this.recoverAfterBodyItem();
      } else {
        p.read();
      }
    }
    return { name: ident.text, nameRange: ident.range, expr, range: span(ident.range, endRange) };
  }

  private finishBlock(ident: Token): Block {
    const p = this.peeker;
    const labels: string[] = [];
    const labelRanges: Range[] = [];
    let oBrace: Token | undefined;
    while (!oBrace) {
      const tok = p.peek();
      if (tok.type === 'OBrace') {
        oBrace = p.read();
      } else if (tok.type === 'OQuote') {
        const label = this.parseQuotedStringLiteral();
        labels.push(label.value);
        labelRanges.push(label.range);
      } else if (tok.type === 'Ident') {
        p.read();
        labels.push(tok.text);
        labelRanges.push(tok.range);
      } else {
        if (tok.type === 'Equal') {
          this.error('Invalid block definition', 'The equals sign "=" indicates an argument definition, and must not be used when defining a block.', tok.range);
        } else if (tok.type === 'Newline') {
          this.error('Invalid block definition', 'A block definition must have block content delimited by "{" and "}", starting on the same line as the block header.', tok.range);
        } else if (!this.recovery) {
          this.error('Invalid block definition', 'Either a quoted string block label or an opening brace ("{") is expected here.', tok.range);
        }
        this.recoverAfterBodyItem();
        const endRange = labelRanges.length > 0 ? labelRanges[labelRanges.length - 1] : ident.range;
        return {
          type: ident.text, typeRange: ident.range, labels, labelRanges,
          body: { syntax: 'native', attributes: [], blocks: [], range: ident.range },
          range: span(ident.range, endRange), openBraceRange: ident.range, closeBraceRange: endRange,
        };
      }
    }

    let body: Body;
    const first = p.peek().type;
    if (first === 'Newline' || first === 'EOF' || first === 'CBrace') {
      body = this.parseBody('CBrace', oBrace.range);
    } else {
      body = this.parseSingleAttrBody(oBrace.range);
      const after = p.peek();
      if (after.type === 'CBrace') {
        p.read();
      } else {
        if (after.type === 'Comma') {
          this.error('Invalid single-argument block definition', 'Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.', after.range);
        } else if (after.type === 'Newline') {
          this.error('Invalid single-argument block definition', 'An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block\'s closing brace immediately after the argument definition.', after.range);
        } else if (!this.recovery) {
          if (after.type === 'EOF') {
            this.error('Unclosed configuration block', 'There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', oBrace.range);
          } else {
            this.error('Invalid single-argument block definition', 'A single-line block definition must end with a closing brace immediately after its single argument definition.', after.range);
          }
        }
        this.recover('CBrace');
      }
    }
    const cBraceRange = p.prevRange();
    const eol = p.peek();
    if (eol.type === 'Newline' || eol.type === 'EOF') {
      p.read();
    } else {
      if (!this.recovery) this.error('Missing newline after block definition', 'A block definition must end with a newline.', eol.range);
      this.recoverAfterBodyItem();
    }
    return {
      type: ident.text, typeRange: ident.range, labels, labelRanges, body,
      range: span(ident.range, cBraceRange), openBraceRange: oBrace.range, closeBraceRange: cBraceRange,
    };
  }

  /** `name { arg = value }` on one line. */
  private parseSingleAttrBody(openRange: Range): Body {
    const p = this.peeker;
    const empty = (): Body => ({ syntax: 'native', attributes: [], blocks: [], range: openRange });
    const ident = p.read();
    if (ident.type !== 'Ident') {
      this.recoverAfterBodyItem(ident);
      this.error('Argument or block definition required', 'An argument or block definition is required here.', ident.range);
      return empty();
    }
    const next = p.peek();
    if (next.type === 'Equal') {
      const attr = this.finishAttribute(ident, true);
      return { syntax: 'native', attributes: [attr], blocks: [], range: attr.range };
    }
    this.recoverAfterBodyItem();
    if (next.type === 'OQuote' || next.type === 'OBrace' || next.type === 'Ident') {
      this.error('Argument definition required', `A single-line block definition can contain only a single argument. If you meant to define argument "${ident.text}", use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.`, span(ident.range, next.range));
    } else {
      this.error('Argument or block definition required', 'An argument or block definition is required here. To set an argument, use the equals sign "=" to introduce the argument value.', ident.range);
    }
    return empty();
  }

  /** A block label: a quoted string with no template sequences. */
  private parseQuotedStringLiteral(): { value: string; range: Range } {
    const p = this.peeker;
    const oQuote = p.read();
    let value = '';
    let endRange = oQuote.range;
    for (;;) {
      const peeked = p.peek();
      if (p.isQuotedNewline(peeked)) {
        if (!this.recovery) this.error('Unterminated template string', 'No closing marker was found for the string.', peeked.range);
        this.recovery = true;
        break;
      }
      const tok = p.read();
      if (tok.type === 'CQuote') {
        endRange = tok.range;
        break;
      }
      if (tok.type === 'QuotedLit') {
        value += decodeLiteral(tok, true, this.diags);
        endRange = tok.range;
        continue;
      }
      if (tok.type === 'TemplateInterp' || tok.type === 'TemplateControl') {
        const which = tok.type === 'TemplateControl' ? '%' : '$';
        this.error('Invalid string literal', `Template sequences are not allowed in this string. To include a literal "${which}", double it (as "${which}${which}") to escape it.`, tok.range);
        value += `${which}{ ... }`;
        endRange = this.recover('TemplateSeqEnd').range;
        continue;
      }
      if (tok.type === 'EOF') {
        this.error('Unterminated string literal', 'Unable to find the closing quote mark before the end of the file.', tok.range);
        endRange = tok.range;
        break;
      }
      this.error('Invalid string literal', 'This item is not valid in a string literal.', tok.range);
      this.recover('CQuote');
      endRange = tok.range;
      break;
    }
    return { value, range: span(oQuote.range, endRange) };
  }

  // ---- recovery ----

  /** Skips to the token after `end`, counting nested brackets of the same kind. */
  recover(end: TokenType): Token {
    const p = this.peeker;
    const start = OPPOSITE[end];
    this.recovery = true;
    let nest = 0;
    for (;;) {
      // A string cut short by a newline closes every template sequence on its line, so stop there.
      if ((end === 'TemplateSeqEnd' || end === 'CQuote') && p.isQuotedNewline(p.peek())) return p.peek();
      const tok = p.read();
      let ty = tok.type;
      if (end === 'TemplateSeqEnd' && ty === 'TemplateControl') ty = 'TemplateInterp';
      if (ty === start) nest++;
      else if (ty === end) {
        if (nest < 1) return tok;
        nest--;
      } else if (ty === 'EOF') return tok;
    }
  }

  /** Skips to the end of the current line, ignoring newlines inside brackets, strings and template sequences. */
  recoverAfterBodyItem(first?: Token): void {
    const p = this.peeker;
    this.recovery = true;
    const open: TokenType[] = [];
    let tok = first ?? p.read();
    for (;;) {
      switch (tok.type) {
        case 'Newline':
          if (open.length === 0) return;
          break;
        case 'EOF':
          return;
        case 'OBrace': case 'OBrack': case 'OParen': case 'OQuote': case 'OHeredoc': case 'TemplateInterp': case 'TemplateControl':
          open.push(tok.type);
          break;
        case 'CBrace': case 'CBrack': case 'CParen': case 'CQuote': case 'CHeredoc': {
          const opener = OPPOSITE[tok.type];
          while (open.length > 0 && open[open.length - 1] !== opener) open.pop();
          if (open.length > 0) open.pop();
          break;
        }
        case 'TemplateSeqEnd':
          while (open.length > 0 && open[open.length - 1] !== 'TemplateInterp' && open[open.length - 1] !== 'TemplateControl') open.pop();
          if (open.length > 0) open.pop();
          break;
        default:
          break;
      }
      // A quoted string cut short by a newline ends the line too.
      if (p.isQuotedNewline(p.peek()) && open[open.length - 1] === 'OQuote') open.pop();
      tok = p.read();
    }
  }

  // ---- expressions ----

  parseExpression(): Expr {
    return this.parseConditional();
  }

  private parseConditional(): Expr {
    const p = this.peeker;
    const before = this.diags.length;
    const cond = this.parseBinary(0);
    if (this.recovery && this.diags.length > before) return cond;
    if (p.peek().type !== 'Question') return cond;
    p.read();
    const beforeTrue = this.diags.length;
    const thenExpr = this.parseExpression();
    if (this.recovery && this.diags.length > beforeTrue) return cond;
    const colon = p.peek();
    if (colon.type !== 'Colon') {
      this.error('Missing false expression in conditional', 'The conditional operator (...?...:...) requires a false expression, delimited by a colon.', colon.range);
      return cond;
    }
    p.read();
    const beforeFalse = this.diags.length;
    const elseExpr = this.parseExpression();
    if (this.recovery && this.diags.length > beforeFalse) return cond;
    return { kind: 'conditional', cond, then: thenExpr, else: elseExpr, range: span(cond.range, elseExpr.range) };
  }

  private parseBinary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.parseWithTraversals();
    const p = this.peeker;
    const ops = BINARY_LEVELS[level];
    const before = this.diags.length;
    let lhs = this.parseBinary(level + 1);
    if (this.recovery && this.diags.length > before) return lhs;
    for (;;) {
      const op = ops[p.peek().type];
      if (!op) return lhs;
      p.read();
      const beforeRhs = this.diags.length;
      const rhs = this.parseBinary(level + 1);
      if (this.recovery && this.diags.length > beforeRhs) return lhs;
      lhs = { kind: 'binary', op, left: lhs, right: rhs, range: span(lhs.range, rhs.range) };
    }
  }

  private parseWithTraversals(): Expr {
    return this.parseTraversals(this.parseTerm());
  }

  private parseTraversals(from: Expr): Expr {
    const p = this.peeker;
    let ret = from;
    for (;;) {
      const next = p.peek();
      if (next.type === 'Dot') {
        const dot = p.read();
        const attr = p.peek();
        if (attr.type === 'Ident') {
          p.read();
          ret = { kind: 'getattr', object: ret, name: attr.text, nameRange: attr.range, range: span(from.range, attr.range) };
        } else if (attr.type === 'NumberLit') {
          p.read();
          ret = this.legacyIndex(ret, attr, from.range, false);
        } else if (attr.type === 'Star') {
          ret = this.attrSplat(ret, dot, from.range);
        } else {
          this.error('Invalid attribute name', 'An attribute name is required after a dot.', attr.range);
          this.recovery = true;
          return { kind: 'invalid', range: span(from.range, dot.range) };
        }
      } else if (next.type === 'OBrack') {
        const open = p.read();
        if (p.peek().type === 'Star') {
          p.read();
          let close = p.read();
          if (close.type !== 'CBrack' && !this.recovery) {
            this.error('Missing close bracket on splat index', 'The star for a full splat operator must be immediately followed by a closing bracket ("]").', close.range);
            close = this.recover('CBrack');
          }
          const anon: Expr = { kind: 'anon', range: span(open.range, close.range) };
          const each = this.parseTraversals(anon);
          ret = { kind: 'splat', source: ret, each, full: true, range: span(from.range, each.range) };
        } else {
          p.pushIncludeNewlines(false);
          const before = this.diags.length;
          const key = this.parseExpression();
          let close: Token;
          if (this.recovery && this.diags.length > before) {
            close = this.recover('CBrack');
          } else {
            close = p.read();
            if (close.type !== 'CBrack' && !this.recovery) {
              this.error('Missing close bracket on index', 'The index operator must end with a closing bracket ("]").', close.range);
              close = this.recover('CBrack');
            }
          }
          p.popIncludeNewlines();
          ret = { kind: 'index', object: ret, key, range: span(from.range, close.range) };
        }
      } else {
        return ret;
      }
    }
  }

  /** `list.0`, HCL's legacy index form, kept as a getattr named "0". */
  private legacyIndex(object: Expr, num: Token, fromRange: Range, inSplat: boolean): Expr {
    const dotAt = num.text.indexOf('.');
    if (dotAt >= 0) {
      const first = num.text.slice(0, dotAt);
      const second = num.text.slice(dotAt + 1);
      this.error('Invalid legacy index syntax', inSplat
        ? `When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [${first}][${second}].`
        : `When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [${first}][${second}].`, num.range);
      return { kind: 'invalid', range: span(fromRange, num.range) };
    }
    return { kind: 'getattr', object, name: num.text, nameRange: num.range, range: span(fromRange, num.range) };
  }

  /** `src.*.a.b`: only attribute (and legacy index) steps follow the star. */
  private attrSplat(source: Expr, dot: Token, fromRange: Range): Expr {
    const p = this.peeker;
    const marker = p.read();
    const anon: Expr = { kind: 'anon', range: span(dot.range, marker.range) };
    let each: Expr = anon;
    let last = marker.range;
    while (p.peek().type === 'Dot') {
      p.read();
      const tok = p.peek();
      if (tok.type === 'NumberLit') {
        p.read();
        each = this.legacyIndex(each, tok, anon.range, true);
        last = tok.range;
        continue;
      }
      if (tok.type !== 'Ident') {
        if (!this.recovery) {
          if (tok.type === 'Star') this.error('Nested splat expression not allowed', 'A splat expression (*) cannot be used inside another attribute-only splat expression.', tok.range);
          else this.error('Invalid attribute name', 'An attribute name is required after a dot.', tok.range);
        }
        this.recovery = true;
        break;
      }
      p.read();
      each = { kind: 'getattr', object: each, name: tok.text, nameRange: tok.range, range: span(anon.range, tok.range) };
      last = tok.range;
    }
    return { kind: 'splat', source, each, full: false, range: span(fromRange, last) };
  }

  private parseTerm(): Expr {
    const p = this.peeker;
    const start = p.peek();
    switch (start.type) {
      case 'OParen': {
        const open = p.read();
        p.pushIncludeNewlines(false);
        const before = this.diags.length;
        const expr = this.parseExpression();
        if (this.diags.length > before) {
          this.recover('CParen');
          p.popIncludeNewlines();
          return expr;
        }
        const close = p.peek();
        if (close.type !== 'CParen') {
          this.error('Unbalanced parentheses', 'Expected a closing parenthesis to terminate the expression.', close.range);
          this.recovery = true;
        }
        const cParen = p.read();
        p.popIncludeNewlines();
        return { kind: 'parens', expr, range: span(open.range, cParen.range) };
      }
      case 'NumberLit': {
        p.read();
        const value = Number(start.text);
        if (!Number.isFinite(value)) {
          this.error('Invalid number literal', 'Failed to recognize the value of this number literal.', start.range);
          return { kind: 'invalid', range: start.range };
        }
        return { kind: 'literal', value, range: start.range };
      }
      case 'Ident': {
        p.read();
        if (p.peek().type === 'OParen') return this.finishCall(start);
        if (start.text === 'true') return { kind: 'literal', value: true, range: start.range };
        if (start.text === 'false') return { kind: 'literal', value: false, range: start.range };
        if (start.text === 'null') return { kind: 'literal', value: null, range: start.range };
        return { kind: 'variable', name: start.text, range: start.range };
      }
      case 'OQuote':
      case 'OHeredoc': {
        const open = p.read();
        const heredoc = open.type === 'OHeredoc';
        const tpl = parseTemplateParts(this, heredoc ? 'CHeredoc' : 'CQuote', heredoc && open.text.startsWith('<<-'));
        const expr: TemplateExpr = { kind: 'template', parts: tpl.parts, range: span(open.range, tpl.range) };
        if (heredoc) expr.heredoc = true;
        return expr;
      }
      case 'Minus':
      case 'Bang': {
        p.read();
        const operand = this.parseWithTraversals();
        return { kind: 'unary', op: start.type === 'Minus' ? '-' : '!', operand, range: span(start.range, operand.range) };
      }
      case 'OBrack':
        return this.parseTuple();
      case 'OBrace':
        return this.parseObject();
      default:
        if (!this.recovery) {
          if (start.type === 'EOF') this.error('Missing expression', 'Expected the start of an expression, but found the end of the file.', start.range);
          else this.error('Invalid expression', 'Expected the start of an expression, but found an invalid expression token.', start.range);
        }
        this.recovery = true;
        return { kind: 'invalid', range: start.range };
    }
  }

  private finishCall(name: Token): Expr {
    const p = this.peeker;
    const open = p.read();
    const args: Expr[] = [];
    let expandFinal = false;
    let close: Token | undefined;
    p.pushIncludeNewlines(false);
    for (;;) {
      if (p.peek().type === 'CParen') {
        close = p.read();
        break;
      }
      const before = this.diags.length;
      const arg = this.parseExpression();
      args.push(arg);
      if (this.recovery && this.diags.length > before) {
        const rec = this.recover('CParen');
        if (rec.type === 'CParen') close = rec;
        break;
      }
      const sep = p.read();
      if (sep.type === 'CParen') {
        close = sep;
        break;
      }
      if (sep.type === 'Ellipsis') {
        expandFinal = true;
        if (p.peek().type !== 'CParen') {
          if (!this.recovery) this.error('Missing closing parenthesis', 'An expanded function argument (with ...) must be immediately followed by closing parentheses.', sep.range);
          close = this.recover('CParen');
        } else {
          close = p.read();
        }
        break;
      }
      if (sep.type !== 'Comma') {
        if (sep.type === 'EOF') {
          this.error('Unterminated function call', 'There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.', span(name.range, open.range));
        } else {
          this.error('Missing argument separator', 'A comma is required to separate each function argument from the next.', sep.range);
        }
        close = this.recover('CParen');
        break;
      }
      if (p.peek().type === 'CParen') {
        close = p.read();
        break;
      }
    }
    p.popIncludeNewlines();
    const end = close && close.type !== 'EOF' ? close.range : p.prevRange();
    return { kind: 'call', name: name.text, nameRange: name.range, args, expandFinal, range: span(name.range, end) };
  }

  private isKeyword(tok: Token, word: string): boolean {
    return tok.type === 'Ident' && tok.text === word;
  }

  private parseTuple(): Expr {
    const p = this.peeker;
    const open = p.read();
    p.pushIncludeNewlines(false);
    try {
      if (this.isKeyword(p.peek(), 'for')) return this.finishFor(open);
      const items: Expr[] = [];
      let close: Token;
      for (;;) {
        if (p.peek().type === 'CBrack') {
          close = p.read();
          break;
        }
        const before = this.diags.length;
        items.push(this.parseExpression());
        if (this.recovery && this.diags.length > before) {
          close = this.recover('CBrack');
          break;
        }
        const next = p.peek();
        if (next.type === 'CBrack') {
          close = p.read();
          break;
        }
        if (next.type !== 'Comma') {
          if (!this.recovery) {
            if (next.type === 'EOF') this.error('Unterminated tuple constructor expression', 'There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.', open.range);
            else this.error('Missing item separator', 'Expected a comma to mark the beginning of the next item.', next.range);
          }
          close = this.recover('CBrack');
          break;
        }
        p.read();
      }
      return { kind: 'tuple', items, range: span(open.range, close.range) };
    } finally {
      p.popIncludeNewlines();
    }
  }

  private parseObject(): Expr {
    const p = this.peeker;
    const open = p.read();
    p.pushIncludeNewlines(false);
    const isFor = this.isKeyword(p.peek(), 'for');
    p.popIncludeNewlines();
    if (isFor) return this.finishFor(open);

    p.pushIncludeNewlines(true);
    const items: ObjectItem[] = [];
    let close: Token;
    try {
      for (;;) {
        const next = p.peek();
        if (next.type === 'Newline') {
          p.read();
          continue;
        }
        if (next.type === 'CBrace') {
          close = p.read();
          break;
        }
        const before = this.diags.length;
        const key = this.parseExpression();
        if (this.recovery && this.diags.length > before) {
          close = this.recover('CBrace');
          break;
        }
        const sep = p.peek();
        if (sep.type !== 'Equal' && sep.type !== 'Colon') {
          if (!this.recovery) {
            if (sep.type === 'Newline' || sep.type === 'Comma') {
              this.error('Missing attribute value', 'Expected an attribute value, introduced by an equals sign ("=").', sep.range);
            } else if (sep.type === 'Ident') {
              this.error('Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.', sep.range);
            } else if (sep.type === 'EOF') {
              this.error('Unterminated object constructor expression', 'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', open.range);
            } else {
              this.error('Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value.', sep.range);
            }
          }
          close = this.recover('CBrace');
          break;
        }
        p.read();
        const beforeValue = this.diags.length;
        const value = this.parseExpression();
        items.push(objectItem(key, value));
        if (this.recovery && this.diags.length > beforeValue) {
          close = this.recover('CBrace');
          break;
        }
        const after = p.peek();
        if (after.type === 'CBrace') {
          close = p.read();
          break;
        }
        if (after.type !== 'Comma' && after.type !== 'Newline') {
          if (!this.recovery) {
            if (after.type === 'EOF') this.error('Unterminated object constructor expression', 'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', open.range);
            else this.error('Missing attribute separator', 'Expected a newline or comma to mark the beginning of the next attribute.', after.range);
          }
          close = this.recover('CBrace');
          break;
        }
        p.read();
      }
    } finally {
      p.popIncludeNewlines();
    }
    return { kind: 'object', items, range: span(open.range, close.range) };
  }

  private finishFor(open: Token): Expr {
    const p = this.peeker;
    p.pushIncludeNewlines(false);
    try {
      p.read(); // for
      const makeObj = open.type === 'OBrace';
      const closeType: TokenType = makeObj ? 'CBrace' : 'CBrack';
      const fail = (detail: string | undefined): Expr => {
        if (detail && !this.recovery) this.error("Invalid 'for' expression", detail, p.nextRange());
        const close = this.recover(closeType);
        return { kind: 'invalid', range: span(open.range, close.range) };
      };
      if (p.peek().type !== 'Ident') return fail("For expression requires variable name after 'for'.");
      let valueVar = p.read().text;
      let keyVar: string | undefined;
      if (p.peek().type === 'Comma') {
        keyVar = valueVar;
        p.read();
        if (p.peek().type !== 'Ident') return fail('For expression requires value variable name after comma.');
        valueVar = p.read().text;
      }
      if (!this.isKeyword(p.peek(), 'in')) return fail("For expression requires the 'in' keyword after its name declarations.");
      p.read();
      let before = this.diags.length;
      const collection = this.parseExpression();
      if (this.recovery && this.diags.length > before) return fail(undefined);
      if (p.peek().type !== 'Colon') return fail('For expression requires a colon after the collection expression.');
      p.read();
      before = this.diags.length;
      let valueExpr = this.parseExpression();
      let keyExpr: Expr | undefined;
      if (p.peek().type === 'FatArrow') {
        p.read();
        keyExpr = valueExpr;
        valueExpr = this.parseExpression();
      }
      if (this.recovery && this.diags.length > before) return fail(undefined);
      let group = false;
      let ellipsis: Token | undefined;
      if (p.peek().type === 'Ellipsis') {
        ellipsis = p.read();
        group = true;
      }
      let cond: Expr | undefined;
      if (this.isKeyword(p.peek(), 'if')) {
        p.read();
        before = this.diags.length;
        cond = this.parseExpression();
        if (this.recovery && this.diags.length > before) return fail(undefined);
      }
      let close: Token;
      if (p.peek().type === closeType) {
        close = p.read();
      } else {
        if (!this.recovery) this.error("Invalid 'for' expression", 'Extra characters after the end of the \'for\' expression.', p.nextRange());
        close = this.recover(closeType);
      }
      if (!makeObj) {
        if (keyExpr) this.error("Invalid 'for' expression", 'Key expression is not valid when building a tuple.', keyExpr.range);
        if (group && ellipsis) this.error("Invalid 'for' expression", 'Grouping ellipsis (...) cannot be used when building a tuple.', ellipsis.range);
      } else if (!keyExpr) {
        this.error("Invalid 'for' expression", 'Key expression is required when building an object.', valueExpr.range);
      }
      return { kind: 'for', keyVar, valueVar, collection, keyExpr, valueExpr, cond, group, range: span(open.range, close.range) };
    } finally {
      p.popIncludeNewlines();
    }
  }
}

/** A bare identifier key (`{ name = 1 }`) means the string "name", not a variable. */
function objectItem(key: Expr, value: Expr): ObjectItem {
  const range = span(key.range, value.range);
  if (key.kind === 'variable') {
    return { key: { kind: 'template', parts: [{ kind: 'literal', value: key.name, range: key.range }], range: key.range }, bareKey: true, value, range };
  }
  return { key, bareKey: false, value, range };
}

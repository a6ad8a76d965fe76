/**
 * The parser for HCL's native syntax: bodies (attributes and blocks), with HCL's diagnostics wording
 * and ranges; expressions are in expression.ts and string templates in template.ts. After a syntax error
 * it skips to the end of the line at the same nesting level and carries on, so one mistake never hides
 * the rest of the file.
 */
import type { Diagnostic, Pos, Range } from '../source';
import { didYouMean } from '../suggest';
import type { Attribute, Block, Body, Expr, HclFile, TemplateExpr } from './ast';
import { parseExpression } from './expression';
import { lexHcl, lexHclTemplate, type LexResult } from './lexer';
import { Peeker } from './peeker';
import { decodeLiteral, parseTemplateParts, span } from './template';
import type { Token, TokenType } from './tokens';

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

  parseExpression(): Expr {
    return parseExpression(this);
  }
}

/**
 * String templates: quoted strings, heredocs and bare templates. Parsing happens in two passes as in HCL:
 * first a flat list of literals, interpolations and directive markers (with `~` strip markers and `<<-`
 * indentation already applied), then a tree of if/for directives.
 */
import { utf8Width, type Diagnostic, type Pos, type Range } from '../source';
import type { Expr, TemplatePart } from './ast';
import type { Token, TokenType } from './tokens';
import type { Parser } from './parser';

type Flat =
  | { t: 'lit'; value: string; range: Range }
  | { t: 'interp'; expr: Expr; range: Range }
  | { t: 'if'; cond: Expr; range: Range }
  | { t: 'for'; keyVar?: string; valueVar: string; collection: Expr; range: Range }
  | { t: 'else' | 'endif' | 'endfor'; range: Range }
  | { t: 'end'; range: Range };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** From the first token inside the template to its closing marker. */
  range: Range;
}

const KEYWORDS = ['if', 'for', 'else', 'endif', 'endfor'];

/** Reads template tokens up to `end` (CQuote, CHeredoc or EOF) and builds the template's parts. */
export function parseTemplateParts(p: Parser, end: TokenType, flushHeredoc: boolean): ParsedTemplate {
  const peeker = p.peeker;
  const flat: Flat[] = [];
  const startRange = peeker.nextRange();
  let endRange: Range = startRange;
  let ltrimNext = false;
  let nextCanTrimPrev = false;

  for (;;) {
    const peeked = peeker.peek();
    if (peeker.isQuotedNewline(peeked)) {
      // Leave the newline for the attribute to end on (HCL would instead swallow the rest of the file).
      if (!p.recovery) p.error('Unterminated template string', 'No closing marker was found for the string.', peeked.range);
      p.recovery = true;
      endRange = { filename: peeked.range.filename, start: peeked.range.start, end: peeked.range.start };
      break;
    }
    const next = peeker.read();
    if (next.type === end) {
      endRange = next.range;
      break;
    }
    const ltrim = ltrimNext;
    ltrimNext = false;
    const canTrimPrev = nextCanTrimPrev;
    nextCanTrimPrev = false;

    switch (next.type) {
      case 'StringLit':
      case 'QuotedLit': {
        let value = decodeLiteral(next, next.type === 'QuotedLit', p.diags);
        if (ltrim) value = value.replace(/^\s+/u, '');
        flat.push({ t: 'lit', value, range: next.range });
        nextCanTrimPrev = true;
        break;
      }
      case 'TemplateInterp': {
        if (canTrimPrev && next.text.length === 3) trimPrevious(flat);
        peeker.pushIncludeNewlines(false);
        const expr = p.parseExpression();
        const close = peeker.peek();
        if (close.type !== 'TemplateSeqEnd') {
          if (!p.recovery) {
            if (close.type === 'EOF') {
              p.error('Unclosed template interpolation sequence', 'There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.', startRange);
            } else if (close.type === 'Colon') {
              p.error('Extra characters after interpolation expression', 'Template interpolation doesn\'t expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with "$${" instead of just "${".', close.range);
            } else if ((close.type === 'CQuote' || close.type === 'OQuote') && end === 'CQuote') {
              p.error('Unclosed template interpolation sequence', 'There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.', startRange);
            } else {
              p.error('Extra characters after interpolation expression', 'Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with "$${" instead of just "${".', close.range);
            }
          }
          p.recover('TemplateSeqEnd');
        } else {
          peeker.read();
          if (close.text.length === 2) ltrimNext = true;
        }
        peeker.popIncludeNewlines();
        flat.push({ t: 'interp', expr, range: span(next.range, peeker.prevRange()) });
        break;
      }
      case 'TemplateControl': {
        if (canTrimPrev && next.text.length === 3) trimPrevious(flat);
        peeker.pushIncludeNewlines(false);
        const marker = parseDirective(p, next);
        if (marker) {
          flat.push(marker);
          const close = peeker.peek();
          if (close.type !== 'TemplateSeqEnd') {
            if (!p.recovery) p.error(`Extra characters in ${marker.t} marker`, 'Expected a closing brace to end the sequence, but found extra characters.', close.range);
            p.recover('TemplateSeqEnd');
          } else {
            peeker.read();
            if (close.text.length === 2) ltrimNext = true;
          }
        }
        peeker.popIncludeNewlines();
        break;
      }
      default: {
        if (!p.recovery) p.error('Unterminated template string', 'No closing marker was found for the string.', next.range);
        const final = next.type === 'EOF' ? next : p.recover(end);
        endRange = final.range;
        p.recovery = true;
        return finish(p, flat, startRange, endRange, flushHeredoc);
      }
    }
  }
  return finish(p, flat, startRange, endRange, flushHeredoc);
}

function finish(p: Parser, flat: Flat[], startRange: Range, endRange: Range, flushHeredoc: boolean): ParsedTemplate {
  if (flat.length === 0) {
    flat.push({ t: 'lit', value: '', range: { filename: startRange.filename, start: startRange.start, end: startRange.start } });
  }
  if (flushHeredoc) flushIndentation(flat);
  const melded = meldLiterals(flat);
  melded.push({ t: 'end', range: endRange });
  const builder = new TreeBuilder(melded, p.diags);
  return { parts: builder.root(), range: span(startRange, endRange) };
}

/** Parses the keyword and arguments of a `%{ … }` directive; on error recovers to the sequence end and returns undefined. */
function parseDirective(p: Parser, open: Token): Flat | undefined {
  const peeker = p.peeker;
  const kw = peeker.peek();
  const bail = (summary: string, detail: string, range: Range): undefined => {
    if (!p.recovery) p.error(summary, detail, range);
    p.recover('TemplateSeqEnd');
    return undefined;
  };
  if (kw.type !== 'Ident') {
    return bail('Invalid template directive', 'A template directive keyword ("if", "for", etc) is expected at the beginning of a %{ sequence.', kw.range);
  }
  peeker.read();
  switch (kw.text) {
    case 'if': {
      const cond = p.parseExpression();
      return { t: 'if', cond, range: span(open.range, peeker.nextRange()) };
    }
    case 'else':
    case 'endif':
    case 'endfor':
      return { t: kw.text, range: span(open.range, peeker.nextRange()) };
    case 'for': {
      if (peeker.peek().type !== 'Ident') return bail("Invalid 'for' directive", "For directive requires variable name after 'for'.", peeker.nextRange());
      let valueVar = peeker.read().text;
      let keyVar: string | undefined;
      if (peeker.peek().type === 'Comma') {
        keyVar = valueVar;
        peeker.read();
        if (peeker.peek().type !== 'Ident') return bail("Invalid 'for' directive", 'For directive requires value variable name after comma.', peeker.nextRange());
        valueVar = peeker.read().text;
      }
      const inTok = peeker.peek();
      if (inTok.type !== 'Ident' || inTok.text !== 'in') return bail("Invalid 'for' directive", "For directive requires 'in' keyword after names.", inTok.range);
      peeker.read();
      const collection = p.parseExpression();
      return { t: 'for', keyVar, valueVar, collection, range: span(open.range, peeker.nextRange()) };
    }
    default: {
      const hint = p.suggestKeyword(kw.text, KEYWORDS);
      return bail('Invalid template control keyword', `"${kw.text}" is not a valid template control keyword.${hint}`, kw.range);
    }
  }
}

function trimPrevious(flat: Flat[]): void {
  const prev = flat[flat.length - 1];
  if (prev && prev.t === 'lit') prev.value = prev.value.replace(/\s+$/u, '');
}

/** `<<-`: removes the smallest indentation found on any non-blank line from every line (measured before interpolation). */
function flushIndentation(flat: Flat[]): void {
  let minSpaces = Infinity;
  let newline = true;
  const adjust: { t: 'lit'; value: string; range: Range }[] = [];
  for (const part of flat) {
    if (newline) {
      newline = false;
      if (part.t === 'lit') {
        const trimmed = part.value.replace(/^\s+/u, '');
        if (!(trimmed.length === 0 && part.value.endsWith('\n'))) {
          const spaces = [...part.value.slice(0, part.value.length - trimmed.length)].length;
          adjust.push(part);
          if (spaces < minSpaces) minSpaces = spaces;
        }
      } else if (part.t !== 'end') {
        minSpaces = 0;
      }
    }
    if (part.t === 'lit' && part.value.endsWith('\n')) newline = true;
  }
  if (minSpaces === Infinity || minSpaces === 0) return;
  for (const lit of adjust) {
    const chars = [...lit.value];
    const removed = chars.slice(0, minSpaces).join('');
    lit.value = chars.slice(minSpaces).join('');
    lit.range = {
      filename: lit.range.filename,
      start: { line: lit.range.start.line, column: lit.range.start.column + minSpaces, byte: lit.range.start.byte + Buffer.byteLength(removed, 'utf8') },
      end: lit.range.end,
    };
  }
}

function meldLiterals(flat: Flat[]): Flat[] {
  const out: Flat[] = [];
  for (const part of flat) {
    const prev = out[out.length - 1];
    if (part.t === 'lit' && prev && prev.t === 'lit') {
      out[out.length - 1] = { t: 'lit', value: prev.value + part.value, range: span(prev.range, part.range) };
    } else {
      out.push(part.t === 'lit' ? { ...part } : part);
    }
  }
  return out;
}

/** Turns the flat list into nested if/for parts, reporting unbalanced directives as HCL does. */
class TreeBuilder {
  private pos = 0;
  constructor(private readonly flat: Flat[], private readonly diags: Diagnostic[]) {}

  private peek(): Flat {
    return this.flat[this.pos];
  }
  private read(): Flat {
    const f = this.flat[this.pos];
    if (f.t !== 'end') this.pos++;
    return f;
  }
  private error(summary: string, detail: string, range: Range): void {
    this.diags.push({ severity: 'error', summary, detail, range });
  }

  root(): TemplatePart[] {
    const parts: TemplatePart[] = [];
    while (this.peek().t !== 'end') parts.push(this.part());
    return parts;
  }

  private part(): TemplatePart {
    const f = this.read();
    switch (f.t) {
      case 'lit': return { kind: 'literal', value: f.value, range: f.range };
      case 'interp': return { kind: 'interp', expr: f.expr, range: f.range };
      case 'if': return this.ifPart(f);
      case 'for': return this.forPart(f);
      case 'end':
        this.error('Unexpected end of template', 'The control directives within this template are unbalanced.', f.range);
        return invalidPart(f.range);
      default:
        this.error(`Unexpected ${f.t} directive`, 'The control directives within this template are unbalanced.', f.range);
        return invalidPart(f.range);
    }
  }

  private ifPart(open: Extract<Flat, { t: 'if' }>): TemplatePart {
    const thenParts: TemplatePart[] = [];
    let elseParts: TemplatePart[] | undefined;
    for (;;) {
      const next = this.peek();
      if (next.t === 'end') {
        this.error('Unexpected end of template', `The if directive at ${rangeString(open.range)} is missing its corresponding endif directive.`, next.range);
        return invalidPart(next.range);
      }
      if (next.t === 'else' || next.t === 'endif' || next.t === 'endfor') {
        this.read();
        if (next.t === 'else' && !elseParts) {
          elseParts = [];
          continue;
        }
        if (next.t === 'endif') return { kind: 'if', cond: open.cond, then: thenParts, else: elseParts, range: span(open.range, next.range) };
        if (next.t === 'else') this.error('Unexpected else directive', `Already in the else clause for the if started at ${rangeString(open.range)}.`, next.range);
        else this.error(`Unexpected ${next.t} directive`, `Expecting an endif directive for the if started at ${rangeString(open.range)}.`, next.range);
        return invalidPart(next.range);
      }
      (elseParts ?? thenParts).push(this.part());
    }
  }

  private forPart(open: Extract<Flat, { t: 'for' }>): TemplatePart {
    const body: TemplatePart[] = [];
    for (;;) {
      const next = this.peek();
      if (next.t === 'end') {
        this.error('Unexpected end of template', `The for directive at ${rangeString(open.range)} is missing its corresponding endfor directive.`, next.range);
        return invalidPart(next.range);
      }
      if (next.t === 'else' || next.t === 'endif' || next.t === 'endfor') {
        this.read();
        if (next.t === 'endfor') {
          return { kind: 'for', keyVar: open.keyVar, valueVar: open.valueVar, collection: open.collection, body, range: span(open.range, next.range) };
        }
        if (next.t === 'else') this.error('Unexpected else directive', 'An else clause is not expected for a for directive.', next.range);
        else this.error(`Unexpected ${next.t} directive`, `Expecting an endfor directive corresponding to the for directive at ${rangeString(open.range)}.`, next.range);
        return invalidPart(next.range);
      }
      body.push(this.part());
    }
  }
}

function invalidPart(range: Range): TemplatePart {
  return { kind: 'interp', expr: { kind: 'invalid', range }, range };
}

/** HCL's Range.String(): `file:line,col-col` or `file:line,col-line,col`. */
export function rangeString(r: Range): string {
  if (r.start.line === r.end.line) return `${r.filename}:${r.start.line},${r.start.column}-${r.end.column}`;
  return `${r.filename}:${r.start.line},${r.start.column}-${r.end.line},${r.end.column}`;
}

export function span(a: Range, b: Range): Range {
  const start = a.start.byte <= b.start.byte ? a.start : b.start;
  const end = a.end.byte >= b.end.byte ? a.end : b.end;
  return { filename: a.filename, start, end };
}

/** Position of offset `to` inside a token, walking from the token's start. */
function posIn(tok: Token, index: number): Pos {
  let { line, column, byte } = tok.range.start;
  const text = tok.text;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      column = 1;
    } else {
      column++;
    }
    byte += utf8Width(text, i);
  }
  return { line, column, byte };
}

/** Decodes a literal token: `$${` and `%%{` always, backslash escapes only in quoted strings. */
export function decodeLiteral(tok: Token, quoted: boolean, diags: Diagnostic[]): string {
  const text = tok.text;
  if (text.indexOf('\\') < 0 && text.indexOf('{') < 0) return text;
  let out = '';
  let i = 0;
  const bad = (from: number, to: number, detail: string): void => {
    diags.push({ severity: 'error', summary: 'Invalid escape sequence', detail, range: { filename: tok.range.filename, start: posIn(tok, from), end: posIn(tok, to) } });
  };
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out += c + '{';
      i += 3;
      continue;
    }
    if (c === '\\' && quoted) {
      const sel = text[i + 1];
      if (sel === undefined || sel === '\n' || sel === '\r') {
        bad(i, i + 1, 'Backslash must be followed by an escape sequence selector character.');
        out += '\\';
        i++;
        continue;
      }
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (sel in simple) {
        out += simple[sel];
        i += 2;
        continue;
      }
      if (sel === 'u' || sel === 'U') {
        const want = sel === 'u' ? 4 : 8;
        let j = i + 2;
        while (j < text.length && j < i + 2 + want && /[0-9a-fA-F]/.test(text[j])) j++;
        if (j - (i + 2) !== want) {
          bad(i, j, sel === 'u' ? 'The \\u escape sequence must be followed by four hexadecimal digits.' : 'The \\U escape sequence must be followed by eight hexadecimal digits.');
          out += text.slice(i, j);
          i = j;
          continue;
        }
        const cp = parseInt(text.slice(i + 2, j), 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          bad(i, j, `Cannot encode character U+${cp.toString(16).padStart(4, '0')} in UTF-8.`);
        } else {
          out += String.fromCodePoint(cp);
        }
        i = j;
        continue;
      }
      const selCp = String.fromCodePoint(text.codePointAt(i + 1) ?? 0);
      bad(i, i + 1 + selCp.length, `The symbol ${JSON.stringify(selCp)} is not a valid escape sequence selector.`);
      out += selCp;
      i += 1 + selCp.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * The scanner for HCL's native syntax. It keeps every byte of the input in some token (whitespace
 * between tokens excepted, which offsets recover) so the formatter can rebuild the file exactly.
 * It follows hclsyntax's scanner: modes for the main language, quoted templates, heredocs and bare templates.
 */
import { utf8Width, type Diagnostic, type Pos, type Range } from '../source';
import type { Token, TokenType } from './tokens';

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
  /** Newline tokens that ended a quoted string early (HCL's TokenQuotedNewline); the parser must never skip them. */
  quotedNewlines: Set<Token>;
}

/** Lexes a whole configuration file (or a standalone expression). */
export function lexHcl(text: string, filename: string, start?: Pos): LexResult {
  return new Lexer(text, filename, start ?? { line: 1, column: 1, byte: 0 }, 'main').run();
}

/** Lexes a bare template such as a templatefile() file or a JSON string: literal text with `${…}` and `%{…}`. */
export function lexHclTemplate(text: string, filename: string, start?: Pos): LexResult {
  return new Lexer(text, filename, start ?? { line: 1, column: 1, byte: 0 }, 'bare').run();
}

type Frame =
  | { mode: 'main' }
  | { mode: 'quoted' }
  | { mode: 'heredoc'; marker: string; startOfLine: boolean }
  | { mode: 'bare' };

/** Turns UTF-16 offsets into positions by walking forward once, so lexing stays linear even for non-ASCII text. */
export class PosCursor {
  private offset = 0;
  private line: number;
  private column: number;
  private byte: number;
  constructor(private readonly text: string, private readonly start: Pos) {
    this.line = start.line;
    this.column = start.column;
    this.byte = start.byte;
  }
  private last: Pos | undefined;
  /** Positions are shared between adjacent tokens; treat them as read-only. */
  at(offset: number): Pos {
    if (offset === this.offset && this.last) return this.last;
    if (offset < this.offset) {
      this.offset = 0;
      this.line = this.start.line;
      this.column = this.start.column;
      this.byte = this.start.byte;
    }
    const text = this.text;
    for (let i = this.offset; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.line++;
        this.column = 1;
        this.byte++;
        continue;
      }
      // A low surrogate completes the character its high surrogate already counted (columns count characters).
      if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800)) this.column++;
      this.byte += utf8Width(text, i);
    }
    this.offset = offset;
    this.last = { line: this.line, column: this.column, byte: this.byte };
    return this.last;
  }
}

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}-]/u;

function isAsciiIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SINGLE: Record<string, TokenType> = {
  '[': 'OBrack', ']': 'CBrack', '(': 'OParen', ')': 'CParen', '.': 'Dot', ',': 'Comma',
  '*': 'Star', '/': 'Slash', '%': 'Percent', '+': 'Plus', '-': 'Minus', '=': 'Equal',
  '<': 'LessThan', '>': 'GreaterThan', '!': 'Bang', '?': 'Question', ':': 'Colon',
};

const DOUBLE: Record<string, TokenType> = {
  '==': 'EqualOp', '!=': 'NotEqual', '>=': 'GreaterThanEq', '<=': 'LessThanEq',
  '&&': 'And', '||': 'Or', '=>': 'FatArrow',
};

const HEREDOC_START = /<<(-?)([\p{ID_Start}_][\p{ID_Continue}-]*)\r?\n/uy;

class Lexer {
  private readonly tokens: Token[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly quotedNewlines = new Set<Token>();
  private readonly cursor: PosCursor;
  private readonly stack: Frame[];
  private braces = 0;
  private readonly retBraces: number[] = [];
  private told = { bitwise: 0, semicolon: 0, backtick: 0, apostrophe: 0 };

  constructor(private readonly text: string, private readonly filename: string, start: Pos, mode: 'main' | 'bare') {
    this.cursor = new PosCursor(text, start);
    this.stack = [mode === 'main' ? { mode: 'main' } : { mode: 'bare' }];
  }

  run(): LexResult {
    const text = this.text;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (i < text.length) {
      const frame = this.stack[this.stack.length - 1];
      switch (frame.mode) {
        case 'main': i = this.scanMain(i); break;
        case 'quoted': i = this.scanQuoted(i); break;
        case 'heredoc': i = this.scanHeredoc(i, frame); break;
        case 'bare': i = this.scanBare(i); break;
      }
    }
    this.emit('EOF', text.length, text.length);
    return { tokens: this.tokens, diagnostics: this.diagnostics, quotedNewlines: this.quotedNewlines };
  }

  private emit(type: TokenType, start: number, end: number): Token {
    const range: Range = { filename: this.filename, start: this.cursor.at(start), end: this.cursor.at(end) };
    const tok: Token = { type, text: this.text.slice(start, end), range, start, end };
    this.tokens.push(tok);
    return tok;
  }

  private report(tok: Token, summary: string, detail: string): void {
    this.diagnostics.push({ severity: 'error', summary, detail, range: tok.range });
  }

  private beginSequence(type: 'TemplateInterp' | 'TemplateControl', i: number): number {
    const len = this.text.charCodeAt(i + 2) === 126 /* ~ */ ? 3 : 2;
    this.emit(type, i, i + len);
    this.braces++;
    this.retBraces.push(this.braces);
    const top = this.stack[this.stack.length - 1];
    if (top.mode === 'heredoc') top.startOfLine = false;
    this.stack.push({ mode: 'main' });
    return i + len;
  }

  private closeBrace(i: number, len: number): number {
    const rb = this.retBraces;
    if (rb.length > 0 && rb[rb.length - 1] === this.braces) {
      this.emit('TemplateSeqEnd', i, i + len);
      rb.pop();
      this.braces--;
      this.stack.pop();
    } else {
      // A `~}` closing an ordinary brace is still a sequence end, so the parser can point at the mistake.
      this.emit(len === 2 ? 'TemplateSeqEnd' : 'CBrace', i, i + len);
      this.braces--;
    }
    return i + len;
  }

  private scanMain(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      return j;
    }
    if (c === 10) {
      this.emit('Newline', i, i + 1);
      return i + 1;
    }
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      this.emit('Newline', i, i + 2);
      return i + 2;
    }
    if (isDigit(c)) return this.scanNumber(i);
    if (isAsciiIdentStart(c) || (c > 127 && ID_START.test(codePointAt(text, i)))) return this.scanIdent(i);
    const c2 = text.charCodeAt(i + 1);
    if (c === 35 /* # */ || (c === 47 && c2 === 47)) return this.scanLineComment(i);
    if (c === 47 && c2 === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close >= 0) {
        this.emit('Comment', i, close + 2);
        return close + 2;
      }
      // HCL's scanner falls back to a plain `/` when a block comment never ends.
    }
    if (c === 34 /* " */) {
      this.emit('OQuote', i, i + 1);
      this.stack.push({ mode: 'quoted' });
      return i + 1;
    }
    if (c === 123 /* { */) {
      this.emit('OBrace', i, i + 1);
      this.braces++;
      return i + 1;
    }
    if (c === 125 /* } */) return this.closeBrace(i, 1);
    if (c === 126 /* ~ */ && c2 === 125) return this.closeBrace(i, 2);
    if (c === 60 /* < */ && c2 === 60) {
      HEREDOC_START.lastIndex = i;
      const m = HEREDOC_START.exec(text);
      if (m) {
        const end = i + m[0].length;
        this.emit('OHeredoc', i, end);
        this.stack.push({ mode: 'heredoc', marker: m[2], startOfLine: true });
        return end;
      }
    }
    if (c === 46 && c2 === 46 && text.charCodeAt(i + 2) === 46) {
      this.emit('Ellipsis', i, i + 3);
      return i + 3;
    }
    const two = DOUBLE[text.slice(i, i + 2)];
    if (two) {
      this.emit(two, i, i + 2);
      return i + 2;
    }
    const ch = text[i];
    const one = SINGLE[ch];
    if (one) {
      this.emit(one, i, i + 1);
      return i + 1;
    }
    return this.scanInvalid(i);
  }

  private scanInvalid(i: number): number {
    const text = this.text;
    const cp = codePointAt(text, i);
    const tok = this.emit('Invalid', i, i + cp.length);
    switch (cp) {
      case '&': case '|': case '^': case '~':
        if (this.told.bitwise++ < 4) {
          const hint = cp === '&' ? ' Did you mean boolean AND ("&&")?' : cp === '|' ? ' Did you mean boolean OR ("||")?' : cp === '~' ? ' Did you mean boolean NOT ("!")?' : '';
          this.report(tok, 'Unsupported operator', `Bitwise operators are not supported.${hint}`);
        }
        break;
      case ';':
        if (this.told.semicolon++ < 1) {
          this.report(tok, 'Invalid character', 'The ";" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.');
        }
        break;
      case '`':
        if (this.told.backtick % 2 === 0) {
          this.report(tok, 'Invalid character', 'The "`" character is not valid. To create a multi-line string, use the "heredoc" syntax, like "<<EOT".');
        }
        if (this.told.backtick <= 2) this.told.backtick++;
        break;
      case "'":
        if (this.told.apostrophe % 2 === 0) {
          this.report(tok, 'Invalid character', 'Single quotes are not valid. Use double quotes (") to enclose strings.');
        }
        if (this.told.apostrophe <= 2) this.told.apostrophe++;
        break;
      default:
        this.report(tok, 'Invalid character', 'This character is not used within the language.');
    }
    return i + cp.length;
  }

  private scanNumber(i: number): number {
    const text = this.text;
    let j = i + 1;
    for (;;) {
      const c = text.charCodeAt(j);
      if (isDigit(c) || c === 46) {
        j++;
      } else if (c === 101 || c === 69) {
        let k = j + 1;
        const s = text.charCodeAt(k);
        if (s === 43 || s === 45) k++;
        if (!isDigit(text.charCodeAt(k))) break;
        j = k + 1;
      } else {
        break;
      }
    }
    while (text.charCodeAt(j - 1) === 46) j--;
    this.emit('NumberLit', i, j);
    return j;
  }

  private scanIdent(i: number): number {
    const text = this.text;
    let j = i + codePointAt(text, i).length;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (isAsciiIdentStart(c) || isDigit(c) || c === 45) j++;
      else if (c > 127) {
        const cp = codePointAt(text, j);
        if (!ID_CONTINUE.test(cp)) break;
        j += cp.length;
      } else break;
    }
    this.emit('Ident', i, j);
    return j;
  }

  private scanLineComment(i: number): number {
    const nl = this.text.indexOf('\n', i);
    const end = nl < 0 ? this.text.length : nl + 1;
    this.emit('Comment', i, end);
    return end;
  }

  /** Finds where a template literal run ends: at `${`, `%{` (but not `$${`, `%%{`), at a stop character, or at the end. */
  private literalEnd(i: number, quoted: boolean, stopAtNewline: boolean): number {
    const text = this.text;
    let j = i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 36 /* $ */ || c === 37 /* % */) {
        const n = text.charCodeAt(j + 1);
        if (n === 123) break;
        if (n === c && text.charCodeAt(j + 2) === 123) {
          j += 3;
          continue;
        }
        j++;
        continue;
      }
      if (c === 10) {
        if (stopAtNewline) return j + 1;
        if (quoted) break;
      }
      if (quoted) {
        if (c === 13 || c === 34) break;
        if (c === 92 /* \ */ && j + 1 < text.length && text.charCodeAt(j + 1) !== 10 && text.charCodeAt(j + 1) !== 13) {
          j += 2;
          continue;
        }
      }
      j++;
    }
    return j;
  }

  private scanQuoted(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    const c2 = text.charCodeAt(i + 1);
    if (c === 36 && c2 === 123) return this.beginSequence('TemplateInterp', i);
    if (c === 37 && c2 === 123) return this.beginSequence('TemplateControl', i);
    if (c === 34) {
      this.emit('CQuote', i, i + 1);
      this.stack.pop();
      return i + 1;
    }
    if (c === 10 || c === 13) {
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j++;
      // HCL stays inside the string after a newline and so loses the rest of the file; ending the string
      // here lets the parser report "Unterminated template string" and carry on with the next line.
      const tok = this.emit('Newline', i, j);
      this.quotedNewlines.add(tok);
      this.unwindQuoted();
      this.report(tok, 'Invalid multi-line string', 'Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" multi-line template syntax.');
      return j;
    }
    let end = this.literalEnd(i, true, false);
    if (end === i) end = i + 1; // a lone backslash before a newline
    this.emit('QuotedLit', i, end);
    return end;
  }

  /** Leaves the broken string and any single-line strings and sequences it was nested in (`"${ "abc` ends both). */
  private unwindQuoted(): void {
    this.stack.pop();
    while (this.stack.length > 2 && this.stack[this.stack.length - 1].mode === 'main' && this.stack[this.stack.length - 2].mode === 'quoted') {
      this.stack.pop();
      this.stack.pop();
      const ret = this.retBraces.pop();
      if (ret !== undefined) this.braces = ret - 1;
    }
  }

  private scanHeredoc(i: number, frame: { marker: string; startOfLine: boolean }): number {
    const text = this.text;
    if (frame.startOfLine) {
      const nl = text.indexOf('\n', i);
      if (nl >= 0) {
        const lineEnd = text.charCodeAt(nl - 1) === 13 && nl - 1 >= i ? nl - 1 : nl;
        if (lineEnd - i >= frame.marker.length && lineEnd - i <= frame.marker.length + 200 && text.slice(i, lineEnd).trim() === frame.marker) {
          this.emit('CHeredoc', i, lineEnd);
          this.emit('Newline', lineEnd, nl + 1);
          this.stack.pop();
          return nl + 1;
        }
      }
    }
    const c = text.charCodeAt(i);
    const c2 = text.charCodeAt(i + 1);
    if (c === 36 && c2 === 123) return this.beginSequence('TemplateInterp', i);
    if (c === 37 && c2 === 123) return this.beginSequence('TemplateControl', i);
    const end = this.literalEnd(i, false, true);
    frame.startOfLine = text.charCodeAt(end - 1) === 10;
    this.emit('StringLit', i, end);
    return end;
  }

  private scanBare(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    const c2 = text.charCodeAt(i + 1);
    if (c === 36 && c2 === 123) return this.beginSequence('TemplateInterp', i);
    if (c === 37 && c2 === 123) return this.beginSequence('TemplateControl', i);
    const end = this.literalEnd(i, false, true);
    this.emit('StringLit', i, end);
    return end;
  }
}

function codePointAt(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) return text.slice(i, i + 2);
  return text[i];
}

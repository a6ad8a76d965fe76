import type { Diagnostic, Pos, Range, Severity } from '../common/diagnostic';

export type { Diagnostic, Pos, Range, Severity };

export function error(summary: string, detail?: string, range?: Range): Diagnostic {
  return { severity: 'error', summary, detail, range };
}

export function warning(summary: string, detail?: string, range?: Range): Diagnostic {
  return { severity: 'warning', summary, detail, range };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Spans two ranges of the same file, from the start of `a` to the end of `b`. */
export function spanRanges(a: Range, b: Range): Range {
  return { filename: a.filename, start: a.start, end: b.end };
}

/** UTF-8 bytes taken by the UTF-16 unit at `i`, counted as Buffer.byteLength does (a lone surrogate is 3). */
export function utf8Width(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 2 : 3;
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = text.charCodeAt(i - 1);
    return prev >= 0xd800 && prev <= 0xdbff ? 2 : 3;
  }
  return 3;
}

/** Maps byte offsets of a text to line/column positions (columns count characters, as HCL counts grapheme-ish units). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  /** UTF-8 byte offset of each line start, so `pos` never re-measures the text before the line. */
  private readonly lineStartBytes: number[] = [0];
  private readonly ascii: boolean;
  constructor(readonly text: string) {
    let ascii = true;
    let byte = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      byte += utf8Width(text, i);
      if (c === 10) {
        this.lineStarts.push(i + 1);
        this.lineStartBytes.push(byte);
      } else if (c > 127) ascii = false;
    }
    this.ascii = ascii;
  }
  /** `offset` is a UTF-16 index into the text. `byte` in the result is the UTF-8 byte offset. */
  pos(offset: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lineStarts[lo];
    const byte = this.ascii ? offset : this.lineStartBytes[lo] + utf8Length(this.text, lineStart, offset);
    // HCL counts columns in characters, so a character outside the BMP (two UTF-16 units) is one column.
    const column = this.ascii ? offset - lineStart + 1 : codePoints(this.text, lineStart, offset) + 1;
    return { line: lo + 1, column, byte };
  }
  range(filename: string, startOffset: number, endOffset: number): Range {
    return { filename, start: this.pos(startOffset), end: this.pos(endOffset) };
  }
}

/** UTF-8 byte length of text[from, to), without Node's Buffer so this module also runs in the browser. */
function utf8Length(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += utf8Width(text, i);
  return n;
}

function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > from && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

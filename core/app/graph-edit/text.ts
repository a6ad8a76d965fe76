/**
 * Offsets and whole lines of a template's text, for the graph's edits. Nothing here reads HCL or JSON: where a block or
 * an attribute lies comes from the parsers (hcl.ts, json.ts); this only turns their positions into offsets and lines.
 */
import type { Pos, TextEdit } from '../../contract/types';

/** The UTF-16 offset of a 1-based line and column; columns count characters (code points), as the HCL parser does. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const end = lineEnd(text, offset);
  for (let c = 1; c < column && offset < end; c++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < end ? 2 : 1;
  }
  return offset;
}

export const offsetAt = (text: string, pos: Pos): number => offsetOf(text, pos.line, pos.column);

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where the line holding `offset` ends, before its newline (and before a CR of a CRLF file). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > offset && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Just past the newline ending the line that holds `offset` (the text's end on the last line). */
export function nextLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

export const isBlankLine = (text: string, from: number): boolean => from < text.length && text.slice(from, lineEnd(text, from)).trim() === '';

/** The file's line ending, so inserted lines match the lines around them. */
export const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

/** The whole lines from the line of `start` to the line of `end - 1`: from a line start to just past a newline. */
export function wholeLines(text: string, start: number, end: number): { start: number; end: number } {
  const from = lineStart(text, start);
  return { start: from, end: nextLine(text, Math.max(end - 1, from)) };
}

export function indentOf(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))?.[0] ?? '';
}

/** Indents every non-empty line of `block` (written with `\n`) and writes it with the file's line ending. */
export function indentBlock(block: string, indent: string, eol = '\n'): string {
  return block
    .split(/\r?\n/)
    .map((l) => (l.length > 0 ? indent + l : l))
    .join(eol);
}

/** Moves lines indented by `from` to `to`; blank lines become empty. */
export function reindent(lines: string, from: string, to: string): string {
  return lines
    .split('\n')
    .map((l) => (l.trim() === '' ? l.replace(/^[ \t]+/, '') : to + (l.startsWith(from) ? l.slice(from.length) : l.trimStart())))
    .join('\n');
}

export function trimBlankLines(s: string): string {
  return s.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/\n(?:[ \t]*\r?\n)+$/, '\n');
}

/** The smallest single edit turning `before` into `after`: one edit is one step on the editor's undo stack. */
export function diffEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { start, end: before.length - end, text: after.slice(start, after.length - end) };
}

/** Applies edits (non-overlapping) to a text, as the editor does on its model; for tests and the CLI. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

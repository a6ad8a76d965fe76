/**
 * The three passes of canonical formatting: indentation by bracket nesting, spacing between tokens,
 * and vertical alignment of `=` and trailing comments across consecutive lines. Only spaces change.
 */
import { bracketChange, cellColumns, type Cell, type FormatLine } from './cells';
import { NONE, spaceBetween } from './spacing';

export function layOut(lines: FormatLine[]): void {
  indent(lines);
  for (const line of lines) {
    spaceCell(line.lead);
    if (line.assign) {
      line.assign[0].spaces = 1;
      spaceCell(line.assign);
    }
  }
  align(lines, (l) => l.assign, (l) => cellColumns(l.lead));
  align(lines, (l) => l.comment, (l) => cellColumns(l.lead) + cellColumns(l.assign));
}

/**
 * Lines that open more brackets than they close push one indent level, remembering how many they opened;
 * lines that close brackets pop levels until that many are closed, so lopsided lines never drift.
 */
function indent(lines: FormatLine[]): void {
  const levels: number[] = [];
  for (const line of lines) {
    const first = line.lead[0];
    if (!first) continue;
    if (first.token.type === 'Newline') {
      first.spaces = 0;
      continue;
    }
    let net = 0;
    for (const t of line.lead) {
      net += bracketChange(t.token.type);
      // A heredoc's interpolations are balanced within it; its body is template text, not nesting.
      if (t.token.type === 'OHeredoc') break;
    }
    for (const t of line.assign ?? []) net += bracketChange(t.token.type);

    if (net > 0) {
      first.spaces = 2 * levels.length;
      levels.push(net);
      continue;
    }
    let closed = -net;
    while (closed > 0 && levels.length > 0) {
      const top = levels[levels.length - 1];
      if (closed >= top) {
        levels.pop();
        closed -= top;
      } else {
        levels[levels.length - 1] = top - closed;
        closed = 0;
      }
    }
    first.spaces = 2 * levels.length;
  }
}

function spaceCell(cell: Cell): void {
  for (let i = 0; i + 1 < cell.length; i++) {
    const before = i > 0 ? cell[i - 1].token : NONE;
    cell[i + 1].spaces = spaceBetween(cell[i].token, before, cell[i + 1].token) ? 1 : 0;
  }
}

/** Pads the first token of `cellOf` on each run of consecutive lines that have that cell, so they start in one column. */
function align(lines: FormatLine[], cellOf: (l: FormatLine) => Cell | undefined, widthBefore: (l: FormatLine) => number): void {
  let start = 0;
  while (start < lines.length) {
    if (!cellOf(lines[start])) {
      start++;
      continue;
    }
    let end = start;
    let widest = 0;
    while (end < lines.length && cellOf(lines[end])) {
      widest = Math.max(widest, widthBefore(lines[end]));
      end++;
    }
    for (let i = start; i < end; i++) {
      const cell = cellOf(lines[i]) as Cell;
      cell[0].spaces = widest - widthBefore(lines[i]) + 1;
    }
    start = end;
  }
}

/**
 * Splits a token stream into the formatter's lines, each cut into up to three cells
 * (lead, assign, comment) whose first tokens get aligned with neighbouring lines.
 */
import type { Token, TokenType } from '../tokens';

/** A token plus the number of spaces written before it: the only thing formatting may change. */
export interface SpacedToken {
  token: Token;
  spaces: number;
}

export type Cell = SpacedToken[];

export interface FormatLine {
  /** Everything up to the assignment or trailing comment; always present (empty only for a final empty line). */
  lead: Cell;
  /** From `=` to the end of a one-line attribute value. */
  assign?: Cell;
  /** A single-line comment ending a line that also holds code. */
  comment?: Cell;
}

/** +1 for tokens that open a nesting level, -1 for those that close one. */
export function bracketChange(type: TokenType): number {
  switch (type) {
    case 'OBrace': case 'OBrack': case 'OParen': case 'TemplateInterp': case 'TemplateControl':
      return 1;
    case 'CBrace': case 'CBrack': case 'CParen': case 'TemplateSeqEnd':
      return -1;
    default:
      return 0;
  }
}

/** `#` and `//` comments swallow the newline that ends them, so they end a line too. */
function endsLine(token: Token): boolean {
  return token.type === 'Newline' || (token.type === 'Comment' && token.text.endsWith('\n'));
}

function netBrackets(cell: Cell): number {
  let net = 0;
  for (const t of cell) net += bracketChange(t.token.type);
  return net;
}

export function splitLines(tokens: SpacedToken[]): FormatLine[] {
  const lines: FormatLine[] = [];
  let current: Cell = [];
  for (const t of tokens) {
    if (t.token.type === 'EOF') break;
    current.push(t);
    if (endsLine(t.token)) {
      lines.push({ lead: current });
      current = [];
    }
  }
  lines.push({ lead: current });
  for (const line of lines) cutCells(line);
  return lines;
}

function cutCells(line: FormatLine): void {
  const lead = line.lead;
  if (lead.length > 1 && lead[lead.length - 1].token.type === 'Comment') {
    line.comment = lead.slice(-1);
    line.lead = lead.slice(0, -1);
  }
  const eq = line.lead.findIndex((t, i) => i > 0 && t.token.type === 'Equal');
  // A value that leaves brackets open continues on later lines, so it is not aligned as a one-line attribute.
  if (eq > 0 && netBrackets(line.lead.slice(eq)) === 0) {
    line.assign = line.lead.slice(eq);
    line.lead = line.lead.slice(0, eq);
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function textColumns(text: string): number {
  if (/^[\x00-\x7f]*$/.test(text)) return text.length - (text.match(/\r\n/g)?.length ?? 0);
  let n = 0;
  for (const _ of graphemes.segment(text)) n++;
  return n;
}

/** How wide a cell is when written: its spaces plus one column per user-perceived character. */
export function cellColumns(cell: Cell | undefined): number {
  let n = 0;
  for (const t of cell ?? []) n += t.spaces + textColumns(t.token.text);
  return n;
}

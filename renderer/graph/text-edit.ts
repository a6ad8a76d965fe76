/**
 * The one path by which the graph and the forms change the template: small edits on the text (insert a block after
 * another, delete a block, swap two blocks, replace an attribute's value) that leave comments and formatting elsewhere
 * untouched. Edits are plain data so the editor can apply them on its model, which puts them on the undo stack.
 */
import type { Range } from '../../core/contract/types';

/** Replace text[start, end) with `text`; offsets are UTF-16 indexes into the file's text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The offset of a 1-based line and column (columns count characters). */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + column - 1, lineEnd(text, offset));
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
}

/** The whole lines a block occupies: from the start of its first line to just after the newline ending its last. */
export function blockLines(text: string, range: Range): { start: number; end: number } {
  const start = lineStart(text, offsetOf(text, range.start.line, range.start.column));
  // A range's end is just past the closing brace; step back one so a brace at the end of a line stays on that line.
  const endOffset = Math.max(offsetOf(text, range.end.line, range.end.column) - 1, start);
  const end = lineEnd(text, endOffset);
  return { start, end: Math.min(end + 1, text.length) };
}

function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

function indentBlock(block: string, indent: string): string {
  return block
    .split('\n')
    .map((l) => (l.length > 0 ? indent + l : l))
    .join('\n');
}

/** Inserts `block` (unindented, no trailing newline) after the block at `range`, at its indentation, separated by a blank line. */
export function insertBlockAfter(text: string, range: Range, block: string): TextEdit {
  const { start, end } = blockLines(text, range);
  const indent = indentOf(text, start);
  const needsNewline = end === text.length && !text.endsWith('\n');
  return { start: end, end, text: `${needsNewline ? '\n' : ''}\n${indentBlock(block, indent)}\n` };
}

/** Inserts `block` as the last item inside the block whose braces enclose `offsetInside`, before its closing brace. */
export function insertBlockAtEndOf(text: string, closeBrace: number, block: string): TextEdit {
  const closeLine = lineStart(text, closeBrace);
  const indent = indentOf(text, closeLine) + '  ';
  return { start: closeLine, end: closeLine, text: `\n${indentBlock(block, indent)}\n` };
}

/** Deletes the block's lines and one blank line next to it, so no double gap is left behind. */
export function deleteBlock(text: string, range: Range): TextEdit {
  let { start, end } = blockLines(text, range);
  const isBlank = (from: number) => text.slice(from, lineEnd(text, from)).trim() === '';
  if (end < text.length && isBlank(end)) end = Math.min(lineEnd(text, end) + 1, text.length);
  else if (start > 0) {
    const prev = lineStart(text, start - 1);
    if (isBlank(prev)) start = prev;
  }
  return { start, end, text: '' };
}

/** Swaps two blocks (first before second in the text), keeping whatever lies between them (comments, blank lines). */
export function swapBlocks(text: string, first: Range, second: Range): TextEdit {
  const a = blockLines(text, first);
  const b = blockLines(text, second);
  const aText = text.slice(a.start, a.end);
  const bText = text.slice(b.start, b.end);
  const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  const between = text.slice(a.end, b.start);
  const last = b.end === text.length && !text.endsWith('\n') ? aText.replace(/\n$/, '') : withNewline(aText);
  return { start: a.start, end: b.end, text: withNewline(bText) + between + last };
}

/** An attribute written directly in a block: its name and where its expression lies. */
export interface WrittenAttribute {
  name: string;
  start: number;
  end: number;
  value: string;
}

/** The attributes written directly in the block at `range` (not in nested blocks), in order; undefined when it is not `{ ... }`-shaped. */
export function blockAttributes(text: string, range: Range): WrittenAttribute[] | undefined {
  const from = offsetOf(text, range.start.line, range.start.column);
  const to = offsetOf(text, range.end.line, range.end.column);
  const open = findOpenBrace(text, from, to);
  if (open < 0) return undefined;
  const out: WrittenAttribute[] = [];
  let depth = 0;
  let i = open + 1;
  let atLineStart = true;
  while (i < to) {
    const c = text[i];
    if (c === '\n') {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (atLineStart && depth === 0) {
      const m = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?!=)[ \t]*/.exec(text.slice(i, lineEnd(text, i)));
      if (m) {
        const start = i + m[0].length;
        const end = expressionEnd(text, start);
        out.push({ name: m[1], start, end, value: text.slice(start, end) });
        i = Math.max(end, i + 1);
        atLineStart = false;
        continue;
      }
    }
    atLineStart = false;
    const skipped = skipToken(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      if (depth === 0) break;
      depth--;
    }
    i++;
  }
  return out;
}

/**
 * Replaces the value of attribute `name` written directly in the block at `range` (not in nested blocks); when the block
 * has no such attribute it is added as the block's first line. Returns undefined when the block is not `{ ... }`-shaped.
 */
export function replaceAttributeValue(text: string, range: Range, name: string, value: string): TextEdit | undefined {
  const written = blockAttributes(text, range);
  if (!written) return undefined;
  const found = written.find((a) => a.name === name);
  if (found) return { start: found.start, end: found.end, text: value };
  // Not written yet: add it as the block's first attribute.
  const open = findOpenBrace(text, offsetOf(text, range.start.line, range.start.column), offsetOf(text, range.end.line, range.end.column));
  const indent = indentOf(text, open) + '  ';
  const after = lineEnd(text, open);
  return { start: after, end: after, text: `\n${indent}${name} = ${value}` };
}

/** Removes attribute `name` (its whole line) from the block at `range`; undefined when it is not written there. */
export function removeAttribute(text: string, range: Range, name: string): TextEdit | undefined {
  const found = blockAttributes(text, range)?.find((a) => a.name === name);
  if (!found) return undefined;
  const start = lineStart(text, found.start);
  // Only when the attribute is alone on its lines (no comment after it) is the whole line removed.
  const end = lineEnd(text, found.end);
  if (text.slice(found.end, end).trim() !== '') return undefined;
  return { start, end: Math.min(end + 1, text.length), text: '' };
}

function findOpenBrace(text: string, from: number, to: number): number {
  for (let i = from; i < to; ) {
    const skipped = skipToken(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (text[i] === '{') return i;
    i++;
  }
  return -1;
}

/** The closing brace matching the brace at `open`, skipping strings, heredocs and comments; -1 when unbalanced. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; ) {
    const skipped = skipToken(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** Where an attribute's expression ends: the end of its line, unless brackets or a heredoc carry it further. */
function expressionEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' && depth === 0) break;
    if (depth === 0 && (text.startsWith('#', i) || text.startsWith('//', i))) break;
    const skipped = skipToken(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    i++;
  }
  let end = i;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t' || text[end - 1] === '\r')) end--;
  return end;
}

/** Skips a string, heredoc or comment starting at i; returns i when none starts there. */
function skipToken(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    let j = i + 1;
    let interp = 0;
    while (j < text.length) {
      const d = text[j];
      if (d === '\\') j += 2;
      else if ((d === '$' || d === '%') && text[j + 1] === '{') {
        interp++;
        j += 2;
      } else if (d === '}' && interp > 0) {
        interp--;
        j++;
      } else if (d === '"' && interp === 0) return j + 1;
      else if (d === '\n' && interp === 0) return j;
      else j++;
    }
    return j;
  }
  if (c === '#' || (c === '/' && text[i + 1] === '/')) return lineEnd(text, i);
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (c === '<' && text[i + 1] === '<') {
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n/.exec(text.slice(i, i + 200));
    if (m) {
      const marker = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?=\\n|$)`, 'g');
      marker.lastIndex = i + m[0].length - 1;
      const found = marker.exec(text);
      return found ? found.index + found[0].length : text.length;
    }
  }
  return i;
}

/** The `build { ... }` blocks in a file: where each opens and closes (for inserting the first provisioner). */
export function buildBlocks(text: string): Array<{ open: number; close: number }> {
  const out: Array<{ open: number; close: number }> = [];
  const re = /^[ \t]*build[ \t]*\{/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(text, open);
    if (close > 0) out.push({ open, close });
  }
  return out;
}

/** Applies edits (non-overlapping) to a text; for tests and for files not open in the editor. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Starter blocks for provisioners added from the graph. */
export const PROVISIONER_TEMPLATES: Record<string, string> = {
  shell: 'provisioner "shell" {\n  inline = ["echo hello"]\n}',
  file: 'provisioner "file" {\n  source      = "files/"\n  destination = "/tmp/"\n}',
  'shell-local': 'provisioner "shell-local" {\n  inline = ["echo done"]\n}',
  breakpoint: 'provisioner "breakpoint" {\n  note = "inspect the machine"\n}',
};

/**
 * Post-processor chains. In a build, a `post-processors { ... }` block is a chain (each gets the previous one's artifact)
 * and a standalone `post-processor` block gets the build's artifact. Connecting and splitting rewrite only the blocks
 * involved, and come back as one edit so undo restores the exact text.
 */
interface WrittenBlock {
  /** The header's first word: `post-processor`, `post-processors`, `provisioner`… */
  name: string;
  /** Start of the header's line and just past the newline after the closing brace. */
  start: number;
  end: number;
  open: number;
  close: number;
}

/** The blocks written directly between the braces at `open` and `close`. */
function blocksWithin(text: string, open: number, close: number): WrittenBlock[] {
  const out: WrittenBlock[] = [];
  for (let i = open + 1; i < close; ) {
    const skipped = skipToken(text, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    if (text[i] === '{') {
      const end = matchingBrace(text, i);
      if (end < 0) break;
      const start = lineStart(text, i);
      const header = text.slice(start, i).trim();
      // `x = { ... }` is an attribute's map, not a block.
      if (!header.includes('=')) out.push({ name: /^[A-Za-z_][A-Za-z0-9_-]*/.exec(header)?.[0] ?? '', start, end: Math.min(lineEnd(text, end) + 1, text.length), open: i, close: end });
      i = end + 1;
      continue;
    }
    i++;
  }
  return out;
}

interface PlacedPostProcessor {
  block: WrittenBlock;
  /** The `post-processors` block it is chained in, with its items; undefined for a standalone block. */
  chain?: { block: WrittenBlock; items: WrittenBlock[] };
  index: number;
  build: { open: number; close: number };
}

/** Where the post-processor block starting at `range` sits: in which build, standalone or in which chain. */
function placePostProcessor(text: string, range: Range): PlacedPostProcessor | undefined {
  const at = lineStart(text, offsetOf(text, range.start.line, range.start.column));
  for (const build of buildBlocks(text)) {
    if (at < build.open || at > build.close) continue;
    for (const b of blocksWithin(text, build.open, build.close)) {
      if (b.name === 'post-processor' && b.start === at) return { block: b, index: 0, build };
      if (b.name === 'post-processors' && at > b.open && at < b.close) {
        const items = blocksWithin(text, b.open, b.close).filter((x) => x.name === 'post-processor');
        const index = items.findIndex((x) => x.start === at);
        if (index >= 0) return { block: items[index], chain: { block: b, items }, index, build };
      }
    }
  }
  return undefined;
}

function reindent(lines: string, from: string, to: string): string {
  return lines
    .split('\n')
    .map((l) => (l.trim() === '' ? l.trim() : to + (l.startsWith(from) ? l.slice(from.length) : l.trimStart())))
    .join('\n');
}

function trimBlankLines(s: string): string {
  return s.replace(/^(?:[ \t]*\n)+/, '').replace(/\n(?:[ \t]*\n)+$/, '\n');
}

/** The smallest single edit turning `before` into `after`. */
export function diffEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { start, end: before.length - end, text: after.slice(start, after.length - end) };
}

/**
 * Moves the post-processor at `target` into the chain of the one at `source`, right after it: two standalone blocks
 * become one `post-processors` chain, or the target joins the source's chain. Undefined when the two are not in the
 * same build, are the same block, or the target already follows the source.
 */
export function chainPostProcessor(text: string, source: Range, target: Range): TextEdit | undefined {
  const s = placePostProcessor(text, source);
  const t = placePostProcessor(text, target);
  if (!s || !t || s.build.open !== t.build.open || s.block.start === t.block.start) return undefined;
  if (s.chain && t.chain && s.chain.block.start === t.chain.block.start && t.index === s.index + 1) return undefined;
  const targetIndent = indentOf(text, t.block.start);
  const targetLines = text.slice(t.block.start, t.block.end).replace(/\n?$/, '\n');
  // Where the target leaves: its lines, and one blank line beside them so no double gap is left.
  let removeStart = t.block.start;
  let removeEnd = t.block.end;
  const isBlank = (from: number) => from < text.length && text.slice(from, lineEnd(text, from)).trim() === '';
  if (isBlank(removeEnd)) removeEnd = Math.min(lineEnd(text, removeEnd) + 1, text.length);
  else if (removeStart > 0 && isBlank(lineStart(text, removeStart - 1))) removeStart = lineStart(text, removeStart - 1);
  let replacement: string;
  const sourceLines = text.slice(s.block.start, s.block.end).replace(/\n?$/, '\n');
  const indent = indentOf(text, s.block.start);
  if (s.chain) replacement = sourceLines + reindent(targetLines, targetIndent, indent).replace(/\n$/, '') + '\n';
  else {
    const inner = indent + '  ';
    replacement = `${indent}post-processors {\n${reindent(sourceLines, indent, inner).replace(/\n$/, '')}\n${reindent(targetLines, targetIndent, inner).replace(/\n$/, '')}\n${indent}}\n`;
  }
  // A blank line taken from beside the target may be the one separating the source from what follows; keep it there.
  const after =
    removeStart >= s.block.end
      ? text.slice(0, s.block.start) + replacement + text.slice(s.block.end, removeStart) + text.slice(removeEnd)
      : text.slice(0, removeStart) + text.slice(removeEnd, s.block.start) + replacement + text.slice(s.block.end);
  return diffEdit(text, after);
}

/**
 * Cuts the chain between the post-processor at `from` and the one right after it at `to`: the tail becomes its own
 * chain, and a part left with a single post-processor becomes a standalone block. Undefined when `to` does not follow
 * `from` in a chain.
 */
export function splitPostProcessorChain(text: string, from: Range, to: Range): TextEdit | undefined {
  const a = placePostProcessor(text, from);
  const b = placePostProcessor(text, to);
  if (!a?.chain || !b?.chain || a.chain.block.start !== b.chain.block.start || b.index !== a.index + 1) return undefined;
  const chain = a.chain.block;
  const indent = indentOf(text, chain.start);
  const itemIndent = indentOf(text, a.chain.items[0].start);
  const header = text.slice(chain.start, lineEnd(text, chain.open) + 1);
  const innerStart = header.length + chain.start;
  const closeLine = lineStart(text, chain.close);
  const closing = text.slice(closeLine, chain.end).replace(/\n?$/, '\n');
  const headInner = text.slice(innerStart, a.block.end);
  const tailInner = text.slice(a.block.end, closeLine);
  const headCount = a.index + 1;
  const tailCount = a.chain.items.length - headCount;
  const head = headCount > 1 ? header + headInner + closing : reindent(trimBlankLines(headInner), itemIndent, indent);
  const tail = tailCount > 1 ? `${indent}post-processors {\n${trimBlankLines(tailInner)}${closing}` : reindent(trimBlankLines(tailInner), itemIndent, indent);
  const after = text.slice(0, chain.start) + head + '\n' + tail + text.slice(chain.end);
  return diffEdit(text, after);
}

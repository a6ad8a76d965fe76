/**
 * The graph's edits of HCL native syntax (`*.pkr.hcl`), computed from the parser's tree: where a block, its braces and
 * its attributes lie is what `core/template/hcl` read, so strings, heredocs, comments and template directives are never
 * scanned a second time. The edits themselves are small and line-shaped (insert a block after another, delete one, swap
 * two, replace an attribute's value) and leave comments and formatting elsewhere untouched.
 */
import type { Range, TextEdit, WrittenAttribute } from '../../contract/types';
import type { Block, Body } from '../../template/hcl/ast';
import { parsedHcl } from '../parsed-hcl';
import {
  diffEdit,
  eolOf,
  indentBlock,
  indentOf,
  isBlankLine,
  lineEnd,
  lineStart,
  nextLine,
  offsetAt,
  reindent,
  trimBlankLines,
  wholeLines,
} from './text';

/** Starter blocks for provisioners added from the graph (see STARTER_PROVISIONERS). */
export const PROVISIONER_BLOCKS: Record<string, string> = {
  shell: 'provisioner "shell" {\n  inline = ["echo hello"]\n}',
  file: 'provisioner "file" {\n  source      = "files/"\n  destination = "/tmp/"\n}',
  'shell-local': 'provisioner "shell-local" {\n  inline = ["echo done"]\n}',
  breakpoint: 'provisioner "breakpoint" {\n  note = "inspect the machine"\n}',
};

export const provisionerBlock = (type: string): string => PROVISIONER_BLOCKS[type] ?? `provisioner "${type}" {\n}`;

/** A block as the text holds it: offsets of its header, braces and end. */
interface WrittenBlock {
  block: Block;
  /** Where the header starts, and just past the closing brace. */
  start: number;
  end: number;
  open: number;
  close: number;
}

function written(text: string, block: Block): WrittenBlock | undefined {
  const open = offsetAt(text, block.openBraceRange.start);
  // A block the parser gave up on before its `{` has no body to edit.
  if (text[open] !== '{') return undefined;
  return { block, start: offsetAt(text, block.range.start), end: offsetAt(text, block.range.end), open, close: offsetAt(text, block.closeBraceRange.start) };
}

/** The lines a block occupies: from its header's line start to just past the newline after its closing brace. */
const linesOf = (text: string, b: WrittenBlock) => wholeLines(text, b.start, b.end);

const startsAt = (block: Block, range: Range) => block.range.start.line === range.start.line && block.range.start.column === range.start.column;

function findIn(body: Body, range: Range): Block | undefined {
  for (const b of body.blocks) {
    if (startsAt(b, range)) return b;
    const inner = findIn(b.body, range);
    if (inner) return inner;
  }
  return undefined;
}

/** The block whose header starts where `range` starts (a graph node's range), as the parser reads the text. */
function blockAt(text: string, range: Range): WrittenBlock | undefined {
  const block = findIn(parsedHcl(text, range.filename).body, range);
  return block ? written(text, block) : undefined;
}

/** Inserts `block` (unindented, lines joined by `\n`, no trailing newline) after the block at `range`, separated by a blank line. */
export function insertBlockAfter(text: string, range: Range, block: string): TextEdit | undefined {
  const found = blockAt(text, range);
  if (!found) return undefined;
  const { end } = linesOf(text, found);
  const eol = eolOf(text);
  const needsNewline = end === text.length && !text.endsWith('\n');
  return { start: end, end, text: `${needsNewline ? eol : ''}${eol}${indentBlock(block, indentOf(text, found.start), eol)}${eol}` };
}

/** The top-level `build { ... }` blocks of a file, in text order. */
export function buildBlocks(text: string, filename: string): Array<{ open: number; close: number }> {
  return parsedHcl(text, filename)
    .body.blocks.filter((b) => b.type === 'build')
    .flatMap((b) => {
      const w = written(text, b);
      return w ? [{ open: w.open, close: w.close }] : [];
    });
}

/** Inserts `block` as the last item of the first build block of the file; undefined when the file has none. */
export function insertBlockInBuild(text: string, filename: string, block: string): TextEdit | undefined {
  const [build] = buildBlocks(text, filename);
  if (!build) return undefined;
  const eol = eolOf(text);
  const indent = indentOf(text, build.open);
  const closeLine = lineStart(text, build.close);
  // `build {}` on one line: the block goes between the braces, each on its own line.
  if (closeLine <= build.open) return { start: build.open + 1, end: build.close, text: `${eol}${indentBlock(block, indent + '  ', eol)}${eol}${indent}` };
  return { start: closeLine, end: closeLine, text: `${eol}${indentBlock(block, indentOf(text, closeLine) + '  ', eol)}${eol}` };
}

/** Deletes the block's lines and one blank line next to it, so no double gap is left behind. */
export function deleteBlock(text: string, range: Range): TextEdit | undefined {
  const found = blockAt(text, range);
  if (!found) return undefined;
  let { start, end } = linesOf(text, found);
  if (isBlankLine(text, end)) end = nextLine(text, end);
  else if (start > 0 && isBlankLine(text, lineStart(text, start - 1))) start = lineStart(text, start - 1);
  return { start, end, text: '' };
}

/** Swaps two blocks (first before second in the text), keeping whatever lies between them (comments, blank lines). */
export function swapBlocks(text: string, first: Range, second: Range): TextEdit | undefined {
  const fa = blockAt(text, first);
  const fb = blockAt(text, second);
  if (!fa || !fb || fa.start >= fb.start) return undefined;
  const a = linesOf(text, fa);
  const b = linesOf(text, fb);
  if (a.end > b.start) return undefined;
  const eol = eolOf(text);
  const withNewline = (s: string) => (s.endsWith('\n') ? s : s + eol);
  const aText = text.slice(a.start, a.end);
  const bText = text.slice(b.start, b.end);
  const last = b.end === text.length && !text.endsWith('\n') ? aText.replace(/\r?\n$/, '') : withNewline(aText);
  return { start: a.start, end: b.end, text: withNewline(bText) + text.slice(a.end, b.start) + last };
}

/** The attributes written directly in the block at `range` (not in nested blocks), in order; undefined when there is no such block. */
export function blockAttributes(text: string, range: Range): WrittenAttribute[] | undefined {
  const found = blockAt(text, range);
  if (!found) return undefined;
  return found.block.body.attributes.map((a) => {
    const start = offsetAt(text, a.expr.range.start);
    const end = offsetAt(text, a.expr.range.end);
    return { name: a.name, start, end, value: text.slice(start, end) };
  });
}

/** `{ name = value }` written on one line: its attribute (if any) and the block's indentation. */
const isOneLine = (text: string, b: WrittenBlock) => lineStart(text, b.close) <= b.open;

/** Rewrites a one-line block's body as lines between its braces (HCL allows one attribute on a one-line block, no more). */
function openUp(text: string, b: WrittenBlock, lines: string[]): TextEdit {
  const eol = eolOf(text);
  const indent = indentOf(text, b.start);
  const body = lines.map((l) => `${indent}  ${l}${eol}`).join('');
  return { start: b.open + 1, end: b.close, text: lines.length > 0 ? `${eol}${body}${indent}` : '' };
}

/**
 * Replaces the value of attribute `name` written directly in the block at `range` (not in nested blocks); when the block
 * has no such attribute it is added as the block's first line. Undefined when there is no such block.
 */
export function replaceAttributeValue(text: string, range: Range, name: string, value: string): TextEdit | undefined {
  const found = blockAt(text, range);
  if (!found) return undefined;
  const attr = blockAttributes(text, range)?.find((a) => a.name === name);
  if (attr) return { start: attr.start, end: attr.end, text: value };
  if (isOneLine(text, found)) {
    const existing = text.slice(found.open + 1, found.close).trim();
    return openUp(text, found, [`${name} = ${value}`, ...(existing ? [existing] : [])]);
  }
  const first = found.block.body.attributes[0] ?? found.block.body.blocks[0];
  const indent = first ? indentOf(text, offsetAt(text, first.range.start)) : indentOf(text, found.start) + '  ';
  const after = lineEnd(text, found.open);
  return { start: after, end: after, text: `${eolOf(text)}${indent}${name} = ${value}` };
}

/**
 * Removes attribute `name` (its whole line) from the block at `range`. Undefined when it is not written there, or when
 * something else shares its line (a comment after it): that is edited in the text.
 */
export function removeAttribute(text: string, range: Range, name: string): TextEdit | undefined {
  const found = blockAt(text, range);
  const attr = found?.block.body.attributes.find((a) => a.name === name);
  if (!found || !attr) return undefined;
  if (isOneLine(text, found)) return openUp(text, found, []);
  const nameAt = offsetAt(text, attr.range.start);
  const exprEnd = offsetAt(text, attr.expr.range.end);
  const start = lineStart(text, nameAt);
  if (text.slice(start, nameAt).trim() !== '' || text.slice(exprEnd, lineEnd(text, exprEnd)).trim() !== '') return undefined;
  return { start, end: nextLine(text, exprEnd), text: '' };
}

/**
 * Post-processor chains. In a build, a `post-processors { ... }` block is a chain (each gets the previous one's artifact)
 * and a standalone `post-processor` block gets the build's artifact. Connecting and splitting rewrite only the blocks
 * involved, and come back as one edit so undo restores the exact text.
 */
interface PlacedPostProcessor {
  block: LineBlock;
  /** The `post-processors` block it is chained in, with its items; undefined for a standalone block. */
  chain?: { block: LineBlock; items: LineBlock[] };
  index: number;
  build: Block;
}

/** A block by whole lines: from its header's line start to just past the newline after its closing brace. */
interface LineBlock {
  start: number;
  end: number;
  open: number;
  close: number;
}

function lineBlock(text: string, block: Block): LineBlock | undefined {
  const w = written(text, block);
  return w ? { start: lineStart(text, w.start), end: nextLine(text, w.close), open: w.open, close: w.close } : undefined;
}

/** Where the post-processor block starting at `range` sits: in which build, standalone or in which chain. */
function placePostProcessor(text: string, body: Body, range: Range): PlacedPostProcessor | undefined {
  for (const build of body.blocks.filter((b) => b.type === 'build')) {
    for (const b of build.body.blocks) {
      if (b.type === 'post-processor' && startsAt(b, range)) {
        const block = lineBlock(text, b);
        return block && { block, index: 0, build };
      }
      if (b.type !== 'post-processors') continue;
      const inChain = b.body.blocks.filter((x) => x.type === 'post-processor');
      const index = inChain.findIndex((x) => startsAt(x, range));
      if (index < 0) continue;
      const chain = lineBlock(text, b);
      const items = inChain.map((x) => lineBlock(text, x));
      if (!chain || items.some((x) => x === undefined)) return undefined;
      return { block: items[index]!, chain: { block: chain, items: items as LineBlock[] }, index, build };
    }
  }
  return undefined;
}

/** A block's lines, ending with a line ending even on the file's last line. */
const endLines = (s: string, eol: string) => (s.endsWith('\n') ? s : s + eol);
const dropLastEol = (s: string) => s.replace(/\r?\n$/, '');

/**
 * Moves the post-processor at `target` into the chain of the one at `source`, right after it: two standalone blocks
 * become one `post-processors` chain, or the target joins the source's chain. Undefined when the two are not in the
 * same build, are the same block, or the target already follows the source.
 */
export function chainPostProcessor(text: string, source: Range, target: Range): TextEdit | undefined {
  const body = parsedHcl(text, source.filename).body;
  const s = placePostProcessor(text, body, source);
  const t = placePostProcessor(text, body, target);
  if (!s || !t || s.build !== t.build || s.block.start === t.block.start) return undefined;
  if (s.chain && t.chain && s.chain.block.start === t.chain.block.start && t.index === s.index + 1) return undefined;
  const eol = eolOf(text);
  const targetIndent = indentOf(text, t.block.start);
  const targetLines = endLines(text.slice(t.block.start, t.block.end), eol);
  // Where the target leaves: its lines, and one blank line beside them so no double gap is left.
  let removeStart = t.block.start;
  let removeEnd = t.block.end;
  if (isBlankLine(text, removeEnd)) removeEnd = nextLine(text, removeEnd);
  else if (removeStart > 0 && isBlankLine(text, lineStart(text, removeStart - 1))) removeStart = lineStart(text, removeStart - 1);
  const sourceLines = endLines(text.slice(s.block.start, s.block.end), eol);
  const indent = indentOf(text, s.block.start);
  let replacement: string;
  if (s.chain) replacement = sourceLines + dropLastEol(reindent(targetLines, targetIndent, indent)) + eol;
  else {
    const inner = indent + '  ';
    replacement = `${indent}post-processors {${eol}${dropLastEol(reindent(sourceLines, indent, inner))}${eol}${dropLastEol(reindent(targetLines, targetIndent, inner))}${eol}${indent}}${eol}`;
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
  const body = parsedHcl(text, from.filename).body;
  const a = placePostProcessor(text, body, from);
  const b = placePostProcessor(text, body, to);
  if (!a?.chain || !b?.chain || a.chain.block.start !== b.chain.block.start || b.index !== a.index + 1) return undefined;
  const eol = eolOf(text);
  const chain = a.chain.block;
  const indent = indentOf(text, chain.start);
  const itemIndent = indentOf(text, a.chain.items[0].start);
  const innerStart = nextLine(text, chain.open);
  const header = text.slice(chain.start, innerStart);
  const closeLine = lineStart(text, chain.close);
  const closing = endLines(text.slice(closeLine, chain.end), eol);
  const headInner = text.slice(innerStart, a.block.end);
  const tailInner = text.slice(a.block.end, closeLine);
  const headCount = a.index + 1;
  const tailCount = a.chain.items.length - headCount;
  const head = headCount > 1 ? header + headInner + closing : reindent(trimBlankLines(headInner), itemIndent, indent);
  const tail = tailCount > 1 ? `${indent}post-processors {${eol}${trimBlankLines(tailInner)}${closing}` : reindent(trimBlankLines(tailInner), itemIndent, indent);
  const after = text.slice(0, chain.start) + head + eol + tail + text.slice(chain.end);
  return diffEdit(text, after);
}

/**
 * The graph's edits of legacy JSON templates. A JSON template is edited the same way as an HCL one — one small edit on
 * the text, applied on the editor's model so undo covers it — but through jsonc-parser's `modify`, which rewrites only
 * the value it changes and keeps the rest of the file's layout. Node ranges (core/app/graph.ts) are exactly the
 * component's object, `{` to `}`.
 */
import { applyEdits as applyJsonEdits, findNodeAtLocation, findNodeAtOffset, getNodePath, getNodeValue, modify, parseTree, type FormattingOptions, type JSONPath, type Node } from 'jsonc-parser';
import type { Range, TextEdit, WrittenAttribute } from '../../contract/types';
import { diffEdit, eolOf, offsetOf } from './text';

/** Starter objects for provisioners added from the graph, as the HCL starters (hcl.ts). */
export const PROVISIONER_OBJECTS: Record<string, Record<string, unknown>> = {
  shell: { type: 'shell', inline: ['echo hello'] },
  file: { type: 'file', source: 'files/', destination: '/tmp/' },
  'shell-local': { type: 'shell-local', inline: ['echo done'] },
  breakpoint: { type: 'breakpoint', note: 'inspect the machine' },
};

export const provisionerObject = (type: string): Record<string, unknown> => PROVISIONER_OBJECTS[type] ?? { type };

/** The file's own indentation (the first indented line's), so inserted objects look like their neighbours. */
function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: eolOf(text) };
}

/**
 * The component at `range` and its path from the root, e.g. `["provisioners", 2]` or `["post-processors", 0, 1]`. A
 * post-processor may be written as just its type name (`"compress"`): moving and removing take that string too.
 */
function objectAt(text: string, range: Range, orName = false): { node: Node; path: JSONPath } | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const at = offsetOf(text, range.start.line, range.start.column);
  let node = findNodeAtOffset(root, at, true);
  while (node && !((node.type === 'object' || (orName && node.type === 'string')) && node.offset === at)) node = node.parent;
  return node ? { node, path: getNodePath(node) } : undefined;
}

function apply(text: string, path: JSONPath, value: unknown, isArrayInsertion = false): TextEdit | undefined {
  const edits = modify(text, path, value, { formattingOptions: formatting(text), isArrayInsertion });
  if (edits.length === 0) return undefined;
  // One edit, so the editor puts the change on its undo stack as one step.
  return diffEdit(text, applyJsonEdits(text, edits));
}

/** The properties written in the object at `range`, each with its value's JSON text. */
export function jsonAttributes(text: string, range: Range): WrittenAttribute[] | undefined {
  const found = objectAt(text, range);
  if (!found) return undefined;
  return (found.node.children ?? []).flatMap((prop) => {
    const [key, value] = prop.children ?? [];
    if (!key || !value) return [];
    return [{ name: String(key.value), start: value.offset, end: value.offset + value.length, value: text.slice(value.offset, value.offset + value.length) }];
  });
}

/** Sets a property of the object at `range` to a JSON value; `undefined` removes it. */
export function setJsonAttribute(text: string, range: Range, name: string, value: unknown): TextEdit | undefined {
  const found = objectAt(text, range);
  return found ? apply(text, [...found.path, name], value) : undefined;
}

/** Removes the component object at `range` from its array, commas included. */
export function deleteJsonObject(text: string, range: Range): TextEdit | undefined {
  const found = objectAt(text, range, true);
  return found ? apply(text, found.path, undefined) : undefined;
}

/** Inserts a provisioner object after the one at `after`, or as the last of `provisioners` (made if missing). */
export function insertJsonProvisioner(text: string, after: Range | undefined, object: Record<string, unknown>): TextEdit | undefined {
  const found = after ? objectAt(text, after) : undefined;
  if (found && found.path[0] === 'provisioners' && typeof found.path[1] === 'number') return apply(text, ['provisioners', found.path[1] + 1], object, true);
  const root = parseTree(text);
  if (root?.type !== 'object') return undefined;
  const list = findNodeAtLocation(root, ['provisioners']);
  if (list?.type === 'array') return apply(text, ['provisioners', list.children?.length ?? 0], object, true);
  return apply(text, ['provisioners'], [object]);
}

/** Swaps two objects of one array (first before second), keeping the commas and whatever lies between them. */
export function swapJsonObjects(text: string, first: Range, second: Range): TextEdit | undefined {
  const a = objectAt(text, first, true);
  const b = objectAt(text, second, true);
  // Items of one array: the same path but for the last index.
  if (!a || !b || JSON.stringify(a.path.slice(0, -1)) !== JSON.stringify(b.path.slice(0, -1)) || a.node.offset >= b.node.offset) return undefined;
  return swapNodes(text, a.node, b.node);
}

function swapNodes(text: string, a: Node, b: Node): TextEdit {
  const aEnd = a.offset + a.length;
  const bEnd = b.offset + b.length;
  return { start: a.offset, end: bEnd, text: text.slice(b.offset, bEnd) + text.slice(aEnd, b.offset) + text.slice(a.offset, aEnd) };
}

/**
 * Post-processor chains in JSON: an item of `post-processors` is a standalone post-processor (an object or a type
 * name) or an array, which is a chain. The whole `post-processors` value is rewritten, as the items move between arrays.
 */
type PostProcessorItem = unknown;

/** A chain of one is written as the post-processor alone. */
const asItem = (chain: PostProcessorItem[]): PostProcessorItem => (chain.length === 1 ? chain[0] : chain);

/** Where a post-processor stands: its item in `post-processors`, and its place in that chain if the item is one. */
function postProcessorPlace(text: string, range: Range): { list: PostProcessorItem[]; index: number; inner?: number } | undefined {
  const found = objectAt(text, range, true);
  if (!found || found.path[0] !== 'post-processors' || typeof found.path[1] !== 'number') return undefined;
  let root = found.node;
  while (root.parent) root = root.parent;
  // A fresh copy of the array, free to rearrange.
  const list = getNodeValue(findNodeAtLocation(root, ['post-processors'])!) as PostProcessorItem[];
  if (found.path.length === 2) return { list, index: found.path[1] };
  return typeof found.path[2] === 'number' && found.path.length === 3 ? { list, index: found.path[1], inner: found.path[2] } : undefined;
}

/** Moves the post-processor at `target` into the chain of the one at `source`, right after it (as the HCL version does). */
export function chainJsonPostProcessor(text: string, source: Range, target: Range): TextEdit | undefined {
  const s = postProcessorPlace(text, source);
  const t = postProcessorPlace(text, target);
  const sAt = s?.inner ?? 0;
  const tAt = t?.inner ?? 0;
  if (!s || !t || (s.index === t.index && sAt === tAt)) return undefined;
  if (s.index === t.index && tAt === sAt + 1) return undefined;
  // Every item as a chain (a standalone post-processor is a chain of one); chains of one are written standalone again.
  const chains = s.list.map((item) => (Array.isArray(item) ? [...(item as PostProcessorItem[])] : [item]));
  const [moved] = chains[t.index].splice(tAt, 1);
  chains[s.index].splice(s.index === t.index && tAt < sAt ? sAt : sAt + 1, 0, moved);
  return apply(text, ['post-processors'], chains.filter((c) => c.length > 0).map(asItem));
}

/** Cuts the chain between `from` and the post-processor right after it: the tail becomes its own chain (or standalone). */
export function splitJsonPostProcessorChain(text: string, from: Range, to: Range): TextEdit | undefined {
  const a = postProcessorPlace(text, from);
  const b = postProcessorPlace(text, to);
  if (a?.inner === undefined || b?.inner !== a.inner + 1 || a.index !== b.index) return undefined;
  const chain = a.list[a.index] as PostProcessorItem[];
  a.list.splice(a.index, 1, asItem(chain.slice(0, b.inner)), asItem(chain.slice(b.inner)));
  return apply(text, ['post-processors'], a.list);
}


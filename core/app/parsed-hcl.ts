/**
 * The last parse of each HCL file the UI sent. The graph (`blockRangesOf`) parses the text after each pause in typing,
 * and a graph action or a node's form that follows asks about that same text: it reuses the tree instead of parsing
 * again, so the edit does not wait on a parse (tens of milliseconds for a 5,000-line file). Trees are shared: read only.
 */
import type { HclFile } from '../template/hcl/ast';
import { parseHcl } from '../template/hcl/parser';

/** Files of the templates open at once; the oldest parse goes first. */
const MAX_FILES = 16;
const last = new Map<string, HclFile>();

export function parsedHcl(text: string, filename: string): HclFile {
  const hit = last.get(filename);
  if (hit?.text === text) return hit;
  const file = parseHcl(text, filename);
  last.delete(filename);
  last.set(filename, file);
  if (last.size > MAX_FILES) last.delete(last.keys().next().value as string);
  return file;
}

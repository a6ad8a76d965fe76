/**
 * One door to both file parsers: a `.json` file is HCL's JSON syntax, anything else its native syntax, as Packer decides.
 * It sits above `parser.ts` and `json-syntax.ts` so the JSON parser may use the native one (for the expressions inside
 * its strings) without the two importing each other.
 */
import type { HclFile } from './ast';
import { parseHclJson } from './json-syntax';
import { parseHcl } from './parser';

export function parseHclFile(filename: string, text: string): HclFile {
  return filename.endsWith('.json') ? parseHclJson(text, filename) : parseHcl(text, filename);
}

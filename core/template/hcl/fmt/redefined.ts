/**
 * hclsyntax rejects a body that sets one argument twice while parsing, so `packer fmt` refuses such a file;
 * this finds those repeats in a parsed file.
 */
import { error, type Diagnostic } from '../../source';
import type { Body } from '../ast';
import { rangeString } from '../template';

export function redefinedAttributes(body: Body): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, Body['attributes'][number]>();
  for (const attr of body.attributes) {
    const first = seen.get(attr.name);
    if (!first) {
      seen.set(attr.name, attr);
      continue;
    }
    diagnostics.push(error(
      'Attribute redefined',
      `The argument "${attr.name}" was already set at ${rangeString(first.nameRange)}. Each argument may be set only once.`,
      attr.nameRange,
    ));
  }
  for (const block of body.blocks) diagnostics.push(...redefinedAttributes(block.body));
  return diagnostics;
}

/**
 * `locals { name = expr }` and `local "name" { expression = …, sensitive = … }`, declared here and evaluated with the
 * data sources in one dependency order (prereqs.ts).
 */
import type { Block, Expr } from '../hcl/ast';
import { evaluate } from '../eval/evaluate';
import type { LocalModel } from '../model';
import { error, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL } from '../values/type';
import { readAttributes, readBody } from './body-read';
import type { LoadState } from './context';
import { headerRange } from './variables';

export interface LocalDecl {
  name: string;
  expr: Expr;
  sensitive: boolean;
  range: Range;
}

export function decodeLocalsBlock(block: Block, decls: Map<string, LocalDecl>, diags: Diagnostic[]): void {
  const c = readAttributes(block.body);
  diags.push(...c.diagnostics);
  for (const attr of Object.values(c.attributes)) {
    if (decls.has(attr.name)) {
      diags.push(error('Duplicate value in locals', `Duplicate ${attr.name} definition found.`, attr.nameRange));
      continue;
    }
    decls.set(attr.name, { name: attr.name, expr: attr.expr, sensitive: false, range: attr.range });
  }
}

export function decodeLocalBlock(block: Block, decls: Map<string, LocalDecl>, state: LoadState, diags: Diagnostic[]): void {
  const name = block.labels[0] ?? '';
  const c = readBody(block.body, { attributes: [{ name: 'expression', required: true }, 'sensitive'] });
  diags.push(...c.diagnostics);
  if (decls.has(name)) {
    diags.push(error('Duplicate value in locals', `Duplicate ${name} definition found.`, block.labelRanges[0] ?? block.typeRange));
    return;
  }
  if (!c.attributes.expression) return;
  let sensitive = false;
  if (c.attributes.sensitive) {
    const r = evaluate(c.attributes.sensitive.expr, { variables: null, functions: null, baseDir: state.root });
    diags.push(...r.diagnostics);
    const b = convert(r.value, T_BOOL);
    if (b.ok && b.value.kind === 'bool') sensitive = b.value.value;
  }
  decls.set(name, { name, expr: c.attributes.expression.expr, sensitive, range: headerRange(block) });
}

export type { LocalModel };

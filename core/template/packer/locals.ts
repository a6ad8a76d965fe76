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
import { rangeString } from '../hcl/template';
import { headerRange } from './variables';

export interface LocalDecl {
  name: string;
  expr: Expr;
  sensitive: boolean;
  range: Range;
}

/** Packer 1.14 refuses a local defined twice, in `locals` blocks or `local` blocks alike. */
function duplicateLocal(name: string, other: LocalDecl, range: Range): Diagnostic {
  return error(
    'Duplicate local definition',
    `Local variable "${name}" is defined twice in your templates. Other definition found at "${rangeString(other.expr.range)}"`,
    range,
  );
}

export function decodeLocalsBlock(block: Block, decls: Map<string, LocalDecl>, diags: Diagnostic[]): void {
  const c = readAttributes(block.body);
  diags.push(...c.diagnostics);
  for (const attr of Object.values(c.attributes)) {
    const other = decls.get(attr.name);
    if (other) {
      diags.push(duplicateLocal(attr.name, other, attr.nameRange));
      continue;
    }
    decls.set(attr.name, { name: attr.name, expr: attr.expr, sensitive: false, range: attr.range });
  }
}

export function decodeLocalBlock(block: Block, decls: Map<string, LocalDecl>, state: LoadState, diags: Diagnostic[]): void {
  const name = block.labels[0] ?? '';
  const c = readBody(block.body, { attributes: [{ name: 'expression', required: true }, 'sensitive'] });
  diags.push(...c.diagnostics);
  const other = decls.get(name);
  if (other) {
    diags.push(duplicateLocal(name, other, block.labelRanges[0] ?? block.typeRange));
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

/**
 * `locals { name = expr }` and `local "name" { expression = …, sensitive = … }`, evaluated in dependency order.
 * A dependency cycle is reported once, naming every local in it.
 */
import type { Block, Expr } from '../hcl/ast';
import { evaluate } from '../eval/evaluate';
import { references } from '../eval/references';
import type { LocalModel } from '../model';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL, T_DYNAMIC } from '../values/type';
import { markSensitive, unknownOf } from '../values/value';
import { readAttributes, readBody } from './body-read';
import { templateContext, type LoadState } from './context';
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

/** Evaluates every local after the locals it refers to; `state.locals` grows as they are evaluated. */
export function evaluateLocals(decls: Map<string, LocalDecl>, state: LoadState, diags: Diagnostic[]): void {
  const deps = new Map<string, string[]>();
  for (const d of decls.values()) {
    deps.set(
      d.name,
      references(d.expr)
        .filter((r) => r.root === 'local' && r.name !== undefined && decls.has(r.name))
        .map((r) => r.name as string),
    );
  }
  const done = new Set<string>();
  const visiting: string[] = [];
  const inCycle = new Set<string>();
  // All locals are declared up front so a reference to an evaluated-later local is not "undeclared".
  const allNames = [...decls.keys()];

  const visit = (name: string): void => {
    if (done.has(name) || inCycle.has(name)) return;
    const at = visiting.indexOf(name);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), name];
      cycle.forEach((n) => inCycle.add(n));
      const first = decls.get(name) as LocalDecl;
      diags.push(
        error(
          'Cycle in local values',
          `Local values cannot refer to each other in a cycle: ${cycle.map((n) => `local.${n}`).join(' -> ')}.`,
          first.range,
        ),
      );
      return;
    }
    visiting.push(name);
    for (const dep of deps.get(name) ?? []) visit(dep);
    visiting.pop();
    const d = decls.get(name) as LocalDecl;
    if (inCycle.has(name) || (deps.get(name) ?? []).some((n) => inCycle.has(n))) {
      inCycle.add(name);
      state.locals.push({ name, value: unknownOf(T_DYNAMIC), sensitive: d.sensitive, range: d.range });
      done.add(name);
      return;
    }
    const ctx = templateContext(state);
    ctx.declared = { ...ctx.declared, local: allNames };
    const r = evaluate(d.expr, ctx);
    diags.push(...r.diagnostics);
    const value = hasErrors(r.diagnostics) ? unknownOf(T_DYNAMIC) : r.value;
    state.locals.push({ name, value: markSensitive(value, d.sensitive), sensitive: d.sensitive, range: d.range });
    done.add(name);
  };
  for (const name of decls.keys()) visit(name);
}

export type { LocalModel };

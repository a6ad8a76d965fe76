/** Finds what an expression refers to (`var.x`, `local.y`), without evaluating it: for dependency order and validation rules. */
import type { Expr, TemplatePart } from '../hcl/ast';
import type { Range } from '../source';

export interface Reference {
  /** Root name: `var`, `local`, `source`, … */
  root: string;
  /** The first attribute after the root, if written as `.name` or `["name"]`. */
  name?: string;
  /** Every attribute written statically after the root (`data.null.x.output` → null, x, output). */
  path?: string[];
  range: Range;
}

export function references(expr: Expr): Reference[] {
  const out: Reference[] = [];
  walk(expr, new Set(), out);
  return out;
}

function walk(e: Expr, bound: ReadonlySet<string>, out: Reference[]): void {
  switch (e.kind) {
    case 'variable':
      if (!bound.has(e.name)) out.push({ root: e.name, range: e.range });
      return;
    case 'getattr':
    case 'index': {
      const t = traversal(e);
      if (t) {
        if (!bound.has(t.root)) out.push(t);
        return;
      }
      walk(e.object, bound, out);
      if (e.kind === 'index') walk(e.key, bound, out);
      return;
    }
    case 'splat':
      walk(e.source, bound, out);
      walk(e.each, bound, out);
      return;
    case 'call':
      e.args.forEach((a) => walk(a, bound, out));
      return;
    case 'conditional':
      walk(e.cond, bound, out);
      walk(e.then, bound, out);
      walk(e.else, bound, out);
      return;
    case 'binary':
      walk(e.left, bound, out);
      walk(e.right, bound, out);
      return;
    case 'unary':
      walk(e.operand, bound, out);
      return;
    case 'tuple':
      e.items.forEach((i) => walk(i, bound, out));
      return;
    case 'object':
      for (const item of e.items) {
        if (!item.bareKey) walk(item.key, bound, out);
        walk(item.value, bound, out);
      }
      return;
    case 'for': {
      walk(e.collection, bound, out);
      const inner = new Set(bound);
      inner.add(e.valueVar);
      if (e.keyVar) inner.add(e.keyVar);
      if (e.keyExpr) walk(e.keyExpr, inner, out);
      walk(e.valueExpr, inner, out);
      if (e.cond) walk(e.cond, inner, out);
      return;
    }
    case 'parens':
      walk(e.expr, bound, out);
      return;
    case 'template':
      walkParts(e.parts, bound, out);
      return;
    default:
      return;
  }
}

function walkParts(parts: readonly TemplatePart[], bound: ReadonlySet<string>, out: Reference[]): void {
  for (const p of parts) {
    if (p.kind === 'interp') walk(p.expr, bound, out);
    else if (p.kind === 'if') {
      walk(p.cond, bound, out);
      walkParts(p.then, bound, out);
      if (p.else) walkParts(p.else, bound, out);
    } else if (p.kind === 'for') {
      walk(p.collection, bound, out);
      const inner = new Set(bound);
      inner.add(p.valueVar);
      if (p.keyVar) inner.add(p.keyVar);
      walkParts(p.body, inner, out);
    }
  }
}

/** A chain of `.name` and `["name"]` steps on a variable, with the range of its root and first step. */
function traversal(e: Expr & { kind: 'getattr' | 'index' }): Reference | undefined {
  const path: string[] = [];
  let first: Expr & { kind: 'getattr' | 'index' } = e;
  let cur: Expr = e;
  while (cur.kind === 'getattr' || cur.kind === 'index') {
    const name = cur.kind === 'getattr' ? cur.name : literalKey(cur.key);
    if (name === undefined) return undefined;
    path.unshift(name);
    first = cur;
    cur = cur.object;
  }
  if (cur.kind !== 'variable') return undefined;
  const range = first.kind === 'getattr' ? { ...first.range, start: cur.range.start, end: first.nameRange.end } : first.range;
  return { root: cur.name, name: path[0], path, range };
}

function literalKey(key: Expr): string | undefined {
  return key.kind === 'template' && key.parts.length === 1 && key.parts[0].kind === 'literal' ? key.parts[0].value : undefined;
}

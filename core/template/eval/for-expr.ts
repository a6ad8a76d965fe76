/** `[for …]` and `{for …}` expressions, and the iteration rules they share with `%{for}` directives. */
import type { ForExpr } from '../hcl/ast';
import { error, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL, T_DYNAMIC, T_STRING, typeString } from '../values/type';
import { num, object, str, tuple, typeOf, unknownOf, type Value } from '../values/value';
import { childContext, type EvalContext } from './context';
import { evaluateInto } from './evaluate';
import { carryMarks } from './marks';

/** Key/value pairs of a collection in cty's order, 'unknown' when it is not known yet, undefined after an error. */
export function iterate(coll: Value, range: Range, diags: Diagnostic[]): Array<[Value, Value]> | 'unknown' | undefined {
  switch (coll.kind) {
    case 'null':
      diags.push(error('Iteration over null value', "A null value cannot be used as the collection in a 'for' expression.", range));
      return undefined;
    case 'unknown':
      return 'unknown';
    case 'list':
    case 'tuple':
      return coll.items.map((v, i) => [carryMarks(num(i), coll), carryMarks(v, coll)]);
    case 'set':
      return coll.items.map((v) => [carryMarks(v, coll), carryMarks(v, coll)]);
    case 'map':
      return Object.keys(coll.entries)
        .sort()
        .map((k) => [carryMarks(str(k), coll), carryMarks(coll.entries[k], coll)]);
    case 'object':
      return Object.keys(coll.attrs)
        .sort()
        .map((k) => [carryMarks(str(k), coll), carryMarks(coll.attrs[k], coll)]);
    default:
      diags.push(
        error('Iteration over non-iterable value', `A value of type ${typeString(typeOf(coll))} cannot be used as the collection in a 'for' expression.`, range),
      );
      return undefined;
  }
}

export function evaluateFor(expr: ForExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const coll = evaluateInto(expr.collection, ctx, diags);
  const items = iterate(coll, expr.collection.range, diags);
  if (items === 'unknown') return carryMarks(unknownOf(T_DYNAMIC), coll);
  if (!items) return unknownOf(T_DYNAMIC);
  const tupleItems: Value[] = [];
  const attrs: Record<string, Value> = {};
  const groups: Record<string, Value[]> = {};
  const keyRanges: Record<string, true> = {};
  let unknown = false;
  let sensitive = !!coll.sensitive;
  for (const [k, v] of items) {
    const vars: Record<string, Value> = { [expr.valueVar]: v };
    if (expr.keyVar) vars[expr.keyVar] = k;
    const inner = childContext(ctx, vars);
    if (expr.cond) {
      const c = evaluateInto(expr.cond, inner, diags);
      if (c.sensitive) sensitive = true;
      if (c.kind === 'unknown') {
        unknown = true;
        continue;
      }
      if (c.kind === 'null') {
        diags.push(error('Condition is null', "The value of the 'if' clause must not be null.", expr.cond.range));
        return unknownOf(T_DYNAMIC);
      }
      const b = convert(c, T_BOOL);
      if (!b.ok) {
        diags.push(error("Invalid 'for' condition", `The 'if' clause value is invalid: ${b.error}.`, expr.cond.range));
        return unknownOf(T_DYNAMIC);
      }
      if (!(b.value as { value: boolean }).value) continue;
    }
    if (!expr.keyExpr) {
      tupleItems.push(evaluateInto(expr.valueExpr, inner, diags));
      continue;
    }
    const key = evaluateInto(expr.keyExpr, inner, diags);
    if (key.sensitive) sensitive = true;
    const value = evaluateInto(expr.valueExpr, inner, diags);
    if (key.kind === 'unknown') {
      unknown = true;
      continue;
    }
    if (key.kind === 'null') {
      diags.push(error('Invalid object key', "Key expression in 'for' expression must not produce a null value.", expr.keyExpr.range));
      return unknownOf(T_DYNAMIC);
    }
    const ks = convert(key, T_STRING);
    if (!ks.ok || ks.value.kind !== 'string') {
      diags.push(error('Invalid object key', `The key expression produced an invalid result: ${ks.ok ? 'string required' : ks.error}.`, expr.keyExpr.range));
      return unknownOf(T_DYNAMIC);
    }
    const name = ks.value.value;
    if (expr.group) {
      (groups[name] ??= []).push(value);
    } else {
      if (keyRanges[name]) {
        diags.push(
          error(
            'Duplicate object key',
            `Two different items produced the key "${name}" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
            expr.keyExpr.range,
          ),
        );
        continue;
      }
      keyRanges[name] = true;
      attrs[name] = value;
    }
  }
  if (unknown) return carryMarks(unknownOf(T_DYNAMIC), sensitive ? { kind: 'bool', value: true, sensitive: true } : coll);
  let out: Value;
  if (!expr.keyExpr) out = tuple(tupleItems);
  else if (expr.group) {
    const grouped: Record<string, Value> = {};
    for (const [k, vs] of Object.entries(groups)) grouped[k] = tuple(vs);
    out = object(grouped);
  } else out = object(attrs);
  return sensitive ? carryMarks(out, { kind: 'bool', value: true, sensitive: true }) : out;
}

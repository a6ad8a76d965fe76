/**
 * Evaluates HCL expressions as hclsyntax does: every expression kind, HCL's error wording and ranges,
 * unknown values flowing through without errors, and sensitive marks carried into every result.
 */
import type { ConditionalExpr, Expr, ObjectExpr, TupleExpr } from '../hcl/ast';
import { error, hasErrors, type Diagnostic } from '../source';
import { convert, friendlyTypeName } from '../values/convert';
import { T_BOOL, T_DYNAMIC, T_STRING, type Type } from '../values/type';
import { unifyTypes } from '../values/unify';
import { bool, nullOf, num, object, tuple, typeOf, unknownOf, type Value } from '../values/value';
import { evaluateCall } from './calls';
import type { EvalContext } from './context';
import { evaluateFor } from './for-expr';
import { carryMarks } from './marks';
import { evaluateBinary, evaluateUnary } from './operators';
import { evaluateTemplate } from './template';
import { evaluateGetAttr, evaluateIndex, evaluateSplat, evaluateVariable } from './traversal';

export interface Evaluation {
  value: Value;
  diagnostics: Diagnostic[];
}

export function evaluate(expr: Expr, ctx: EvalContext): Evaluation {
  const diagnostics: Diagnostic[] = [];
  const value = evaluateInto(expr, ctx, diagnostics);
  return { value, diagnostics };
}

/** Evaluates `expr`, appending its problems to `diags`; after an error the value is unknown so evaluation can go on. */
export function evaluateInto(expr: Expr, ctx: EvalContext, diags: Diagnostic[]): Value {
  switch (expr.kind) {
    case 'literal':
      if (expr.value === null) return nullOf(T_DYNAMIC);
      return typeof expr.value === 'number' ? num(expr.value) : bool(expr.value);
    case 'template':
      return evaluateTemplate(expr, ctx, diags);
    case 'variable':
      return evaluateVariable(expr, ctx, diags);
    case 'getattr':
      return evaluateGetAttr(expr, ctx, diags);
    case 'index':
      return evaluateIndex(expr, ctx, diags);
    case 'splat':
      return evaluateSplat(expr, ctx, diags);
    case 'anon':
      return ctx.anon ?? unknownOf(T_DYNAMIC);
    case 'call':
      return evaluateCall(expr, ctx, diags);
    case 'conditional':
      return evaluateConditional(expr, ctx, diags);
    case 'binary':
      return evaluateBinary(expr, ctx, diags);
    case 'unary':
      return evaluateUnary(expr, ctx, diags);
    case 'tuple':
      return evaluateTuple(expr, ctx, diags);
    case 'object':
      return evaluateObject(expr, ctx, diags);
    case 'for':
      return evaluateFor(expr, ctx, diags);
    case 'parens':
      return evaluateInto(expr.expr, ctx, diags);
    case 'invalid':
      return unknownOf(T_DYNAMIC);
  }
}

function evaluateTuple(expr: TupleExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  return tuple(expr.items.map((item) => evaluateInto(item, ctx, diags)));
}

function evaluateObject(expr: ObjectExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const attrs: Record<string, Value> = {};
  let unknown = false;
  let keySensitive = false;
  for (const item of expr.items) {
    const key = evaluateInto(item.key, ctx, diags);
    const value = evaluateInto(item.value, ctx, diags);
    if (key.kind === 'unknown') {
      unknown = true;
      continue;
    }
    if (key.kind === 'null') {
      diags.push(error('Null value as key', "Can't use a null value as a key.", item.key.range));
      continue;
    }
    const k = convert(key, T_STRING);
    if (!k.ok || k.value.kind !== 'string') {
      diags.push(error('Incorrect key type', `Can't use this value as a key: ${k.ok ? 'string required' : k.error}.`, item.key.range));
      continue;
    }
    if (key.sensitive) keySensitive = true;
    attrs[k.value.value] = value;
  }
  if (unknown) return unknownOf(T_DYNAMIC);
  const out = object(attrs);
  return keySensitive ? carryMarks(out, { kind: 'bool', value: true, sensitive: true }) : out;
}

/**
 * Both results are evaluated so their types can be unified whatever the condition, but only the chosen one's
 * problems are reported (HCL 2 as in Packer 1.6.6); an unknown condition reports both.
 */
function evaluateConditional(expr: ConditionalExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const cond = evaluateInto(expr.cond, ctx, diags);
  const thenDiags: Diagnostic[] = [];
  const elseDiags: Diagnostic[] = [];
  const t = evaluateInto(expr.then, ctx, thenDiags);
  const f = evaluateInto(expr.else, ctx, elseDiags);
  const resultType = conditionalType(typeOf(hasErrors(thenDiags) ? unknownOf(T_DYNAMIC) : t), typeOf(hasErrors(elseDiags) ? unknownOf(T_DYNAMIC) : f));
  if (!resultType) {
    diags.push(
      error(
        'Inconsistent conditional result types',
        `The true and false result expressions must have consistent types. The given expressions are ${friendlyTypeName(typeOf(t))} and ${friendlyTypeName(typeOf(f))}, respectively.`,
        { filename: expr.range.filename, start: expr.then.range.start, end: expr.else.range.end },
      ),
    );
    return unknownOf(T_DYNAMIC);
  }
  if (cond.kind === 'unknown') {
    diags.push(...thenDiags, ...elseDiags);
    return carryMarks(unknownOf(resultType), cond);
  }
  if (cond.kind === 'null') {
    diags.push(error('Null condition', 'The condition value is null. Conditions must either be true or false.', expr.cond.range));
    return unknownOf(resultType);
  }
  const b = convert(cond, T_BOOL);
  if (!b.ok) {
    diags.push(error('Incorrect condition type', 'The condition expression must be of type bool.', expr.cond.range));
    return unknownOf(resultType);
  }
  const isTrue = (b.value as { value: boolean }).value;
  const chosenExpr = isTrue ? expr.then : expr.else;
  const chosenDiags = isTrue ? thenDiags : elseDiags;
  diags.push(...chosenDiags);
  if (hasErrors(chosenDiags)) return unknownOf(resultType);
  const chosen = isTrue ? t : f;
  const c = convert(chosen, resultType);
  if (!c.ok) {
    const which = isTrue ? 'true' : 'false';
    diags.push(error('Inconsistent conditional result types', `The ${which} result value has the wrong type: ${c.error}.`, chosenExpr.range));
    return unknownOf(resultType);
  }
  return carryMarks(c.value, cond);
}

/** cty unifies to one of the given types: number and bool have none in common (neither converts to the other). */
function conditionalType(a: Type, b: Type): Type | undefined {
  const primitive = (t: Type): boolean => t.kind === 'number' || t.kind === 'bool' || t.kind === 'string';
  if (primitive(a) && primitive(b) && a.kind !== b.kind && a.kind !== 'string' && b.kind !== 'string') return undefined;
  return unifyTypes([a, b]);
}

/** Function calls: name lookup with did-you-mean, `...` expansion, and the lazily evaluated `try` and `can`. */
import type { FunctionCallExpr } from '../hcl/ast';
import { rangeString } from '../hcl/template';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { didYouMean } from '../suggest';
import { T_BOOL, T_DYNAMIC, typeString } from '../values/type';
import { bool, isUnknownDeep, str, unknownOf, type Value } from '../values/value';
import type { EvalContext } from './context';
import { evaluateInto } from './evaluate';
import { carryMarks } from './marks';
import { parseTypeConstraint } from './type-constraint';

export function evaluateCall(expr: FunctionCallExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const table = ctx.functions;
  if (table === null) {
    diags.push(error('Function calls not allowed', 'Functions may not be called here.', expr.range));
    return unknownOf(T_DYNAMIC);
  }
  if (!table.has(expr.name)) {
    diags.push(error('Call to unknown function', `There is no function named "${expr.name}".${didYouMean(expr.name, table.names())}`, expr.nameRange));
    return unknownOf(T_DYNAMIC);
  }
  if (expr.name === 'try') return evaluateTry(expr, ctx, diags);
  if (expr.name === 'can') return evaluateCan(expr, ctx, diags);

  const args: Value[] = [];
  const argRanges: Range[] = [];
  const before = diags.length;
  expr.args.forEach((a, i) => {
    if (table.typeExpressionArg?.(expr.name, i)) {
      const t = parseTypeConstraint(a);
      diags.push(...t.diagnostics);
      args.push(str(typeString(t.type)));
      argRanges.push(a.range);
      return;
    }
    const v = evaluateInto(a, ctx, diags);
    if (expr.expandFinal && i === expr.args.length - 1) {
      if (v.kind === 'null') {
        diags.push(error('Invalid expanding argument value', 'The expanding argument (indicated by ...) must not be null.', a.range));
        return;
      }
      if (v.kind === 'unknown') {
        args.push(unknownOf(T_DYNAMIC));
        argRanges.push(a.range);
        return;
      }
      if (v.kind !== 'list' && v.kind !== 'set' && v.kind !== 'tuple') {
        diags.push(error('Invalid expanding argument value', 'The expanding argument (indicated by ...) must be of a tuple, list, or set type.', a.range));
        return;
      }
      for (const item of v.items) {
        args.push(carryMarks(item, v));
        argRanges.push(a.range);
      }
      return;
    }
    args.push(v);
    argRanges.push(a.range);
  });
  if (hasErrors(diags.slice(before))) return unknownOf(T_DYNAMIC);
  const r = table.call(expr.name, args, ctx, expr.range);
  if (r.ok) return r.value;
  if (r.error.summary === 'Not enough function arguments') {
    // HCL points at the closing parenthesis, where the missing argument belongs.
    const end = expr.range.end;
    const paren: Range = { filename: expr.range.filename, start: { line: end.line, column: end.column - 1, byte: end.byte - 1 }, end };
    diags.push(error(r.error.summary, r.error.detail, paren));
  } else if (r.error.argIndex !== undefined && argRanges[r.error.argIndex]) {
    diags.push(error(r.error.summary, r.error.detail, argRanges[r.error.argIndex]));
  } else {
    diags.push(error(r.error.summary, r.error.detail, expr.range));
  }
  return unknownOf(T_DYNAMIC);
}

function evaluateTry(expr: FunctionCallExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  if (expr.args.length === 0) {
    diags.push(error('Not enough function arguments', 'Function "try" expects at least one argument.', expr.range));
    return unknownOf(T_DYNAMIC);
  }
  const failures: string[] = [];
  for (const arg of expr.args) {
    const own: Diagnostic[] = [];
    const v = evaluateInto(arg, ctx, own);
    if (!hasErrors(own)) {
      // Until every part of the value is known, try cannot tell whether this argument will succeed.
      if (isUnknownDeep(v)) return unknownOf(T_DYNAMIC);
      diags.push(...own);
      return v;
    }
    for (const d of own.filter((x) => x.severity === 'error')) {
      const at = d.range ? ` (at ${rangeString(d.range)})` : '';
      failures.push(`- ${d.summary}${at}\n  ${d.detail ?? ''}`);
    }
  }
  diags.push(
    error(
      'Error in function call',
      `Call to function "try" failed: no expression succeeded:\n${failures.join('\n')}\n\nAt least one expression must produce a successful result.`,
      expr.range,
    ),
  );
  return unknownOf(T_DYNAMIC);
}

function evaluateCan(expr: FunctionCallExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  if (expr.args.length !== 1) {
    diags.push(
      error(
        expr.args.length === 0 ? 'Not enough function arguments' : 'Too many function arguments',
        expr.args.length === 0 ? 'Function "can" expects 1 argument(s). Missing value for "expression".' : 'Function "can" expects only 1 argument(s).',
        expr.range,
      ),
    );
    return unknownOf(T_BOOL);
  }
  const own: Diagnostic[] = [];
  const v = evaluateInto(expr.args[0], ctx, own);
  if (hasErrors(own)) return bool(false);
  if (isUnknownDeep(v)) return unknownOf(T_BOOL);
  return bool(true);
}

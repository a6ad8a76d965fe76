/** Binary and unary operators with cty's semantics: operands are converted to the operator's parameter type first. */
import type { BinaryExpr, UnaryExpr } from '../hcl/ast';
import { error, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { valuesEqual } from '../values/equals';
import { T_BOOL, T_NUMBER, type Type } from '../values/type';
import { bool, isUnknownDeep, num, unknownOf, type Value } from '../values/value';
import type { EvalContext } from './context';
import { evaluateInto } from './evaluate';
import { carryMarks } from './marks';

const ARITHMETIC = new Set(['+', '-', '*', '/', '%']);
const COMPARISON = new Set(['<', '<=', '>', '>=']);

export function evaluateBinary(expr: BinaryExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const left = evaluateInto(expr.left, ctx, diags);
  const right = evaluateInto(expr.right, ctx, diags);
  if (expr.op === '==' || expr.op === '!=') {
    if (isUnknownDeep(left) || isUnknownDeep(right)) return carryMarks(unknownOf(T_BOOL), left, right);
    const eq = valuesEqual(left, right) || numericStringEqual(left, right);
    return carryMarks(bool(expr.op === '==' ? eq : !eq), left, right);
  }
  const paramType: Type = expr.op === '&&' || expr.op === '||' ? T_BOOL : T_NUMBER;
  const resultType: Type = ARITHMETIC.has(expr.op) ? T_NUMBER : T_BOOL;
  if (left.kind === 'null' || right.kind === 'null') return nullOperand(expr.range, resultType, diags);
  const l = operand(left, paramType, 'left', expr.left.range, diags);
  const r = operand(right, paramType, 'right', expr.right.range, diags);
  if (!l || !r) return unknownOf(resultType);
  if (l.kind === 'unknown' || r.kind === 'unknown') return carryMarks(unknownOf(resultType), left, right);
  if (l.kind === 'null' || r.kind === 'null') return unknownOf(resultType);
  if (paramType === T_BOOL) {
    const a = (l as { value: boolean }).value;
    const b = (r as { value: boolean }).value;
    return carryMarks(bool(expr.op === '&&' ? a && b : a || b), left, right);
  }
  const a = (l as { value: number }).value;
  const b = (r as { value: number }).value;
  if (COMPARISON.has(expr.op)) {
    const out = expr.op === '<' ? a < b : expr.op === '<=' ? a <= b : expr.op === '>' ? a > b : a >= b;
    return carryMarks(bool(out), left, right);
  }
  // cty: x/0 is ±Inf and x%0 is x; only 0/0 and Inf/Inf fail.
  if (expr.op === '/' && ((a === 0 && b === 0) || (!Number.isFinite(a) && !Number.isFinite(b)))) {
    diags.push(error('Operation failed', "Error during operation: can't divide zero by zero or infinity by infinity.", expr.range));
    return unknownOf(T_NUMBER);
  }
  if (expr.op === '%' && b === 0) return carryMarks(num(a), left, right);
  let n: number;
  switch (expr.op) {
    case '+':
      n = a + b;
      break;
    case '-':
      n = a - b;
      break;
    case '*':
      n = a * b;
      break;
    case '/':
      n = a / b;
      break;
    default:
      // cty's modulo keeps the sign of the dividend, as JavaScript's does.
      n = a % b;
  }
  return carryMarks(num(n), left, right);
}

export function evaluateUnary(expr: UnaryExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const v = evaluateInto(expr.operand, ctx, diags);
  const paramType = expr.op === '!' ? T_BOOL : T_NUMBER;
  if (v.kind === 'null') return nullOperand(expr.range, paramType, diags);
  const c = operand(v, paramType, 'unary', expr.operand.range, diags);
  if (!c || c.kind === 'null') return unknownOf(paramType);
  if (c.kind === 'unknown') return carryMarks(unknownOf(paramType), v);
  if (expr.op === '!') return carryMarks(bool(!(c as { value: boolean }).value), v);
  return carryMarks(num(-(c as { value: number }).value), v);
}

/** cty's operator functions refuse nulls as a whole-operation failure. */
function nullOperand(range: Range, type: Type, diags: Diagnostic[]): Value {
  diags.push(error('Operation failed', 'Error during operation: argument must not be null.', range));
  return unknownOf(type);
}

/** Converts an operand to the operator's parameter type, reporting HCL's "Invalid operand" when it cannot be. */
function operand(v: Value, type: Type, side: string, range: Range, diags: Diagnostic[]): Value | undefined {
  if (v.kind === 'unknown') return v;
  if (v.kind === 'null') {
    diags.push(error('Invalid operand', `Unsuitable value for ${side} operand: argument must not be null.`, range));
    return undefined;
  }
  const c = convert(v, type);
  if (!c.ok) {
    diags.push(error('Invalid operand', `Unsuitable value for ${side} operand: ${c.error}.`, range));
    return undefined;
  }
  return c.value;
}

/** cty compares numbers by value, so 1 == 1.0; valuesEqual already does, this only guards -0. */
function numericStringEqual(a: Value, b: Value): boolean {
  return a.kind === 'number' && b.kind === 'number' && a.value === b.value;
}

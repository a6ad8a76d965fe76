/** Reads a variable's `type = …` expression (`string`, `list(map(string))`, `object({a = optional(number)})`) as HCL's typeexpr does. */
import type { Expr } from '../hcl/ast';
import { error, type Diagnostic } from '../source';
import { T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING, type Type } from '../values/type';

const SUMMARY = 'Invalid type specification';
const GENERAL =
  'A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).';

/**
 * `exact`: an exact type, as typeexpr.Type reads it — what Packer 1.14 requires of a variable's `type` — so neither `any`
 * nor `optional(…)` is allowed; convert() takes a type constraint, where both are.
 */
export function parseTypeConstraint(expr: Expr, opts: { exact?: boolean } = {}): { type: Type; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const type = read(expr, diagnostics, false, opts.exact ?? false);
  return { type, diagnostics };
}

function read(expr: Expr, diags: Diagnostic[], inObject: boolean, exact: boolean): Type {
  if (expr.kind === 'parens') return read(expr.expr, diags, inObject, exact);
  if (expr.kind === 'variable') {
    switch (expr.name) {
      case 'string':
        return T_STRING;
      case 'number':
        return T_NUMBER;
      case 'bool':
        return T_BOOL;
      case 'any':
        if (exact) diags.push(error(SUMMARY, 'The keyword "any" cannot be used in this type specification: an exact type is required.', expr.range));
        return T_DYNAMIC;
      case 'list':
      case 'map':
      case 'set':
        diags.push(error(SUMMARY, `The ${expr.name} type constructor requires one argument specifying the element type.`, expr.range));
        return T_DYNAMIC;
      case 'object':
        diags.push(error(SUMMARY, 'The object type constructor requires one argument specifying the attribute types as a map.', expr.range));
        return T_DYNAMIC;
      case 'tuple':
        diags.push(error(SUMMARY, 'The tuple type constructor requires one argument specifying the element types as a list.', expr.range));
        return T_DYNAMIC;
      default:
        diags.push(error(SUMMARY, `The keyword "${expr.name}" is not a valid type specification.`, expr.range));
        return T_DYNAMIC;
    }
  }
  if (expr.kind !== 'call') {
    diags.push(error(SUMMARY, GENERAL, expr.range));
    return T_DYNAMIC;
  }
  const name = expr.name;
  switch (name) {
    case 'string':
    case 'number':
    case 'bool':
    case 'any':
      diags.push(error(SUMMARY, `Primitive type keyword "${name}" does not expect arguments.`, expr.range));
      return T_DYNAMIC;
    case 'list':
    case 'set':
    case 'map': {
      if (expr.args.length !== 1) {
        diags.push(error(SUMMARY, `The ${name} type constructor requires one argument specifying the element type.`, expr.range));
        return T_DYNAMIC;
      }
      const element = read(expr.args[0], diags, false, exact);
      return { kind: name, element };
    }
    case 'tuple': {
      const arg = expr.args[0];
      if (expr.args.length !== 1 || arg.kind !== 'tuple') {
        diags.push(error(SUMMARY, 'The tuple type constructor requires one argument specifying the element types as a list.', expr.range));
        return T_DYNAMIC;
      }
      return { kind: 'tuple', elements: arg.items.map((i) => read(i, diags, false, exact)) };
    }
    case 'object': {
      const arg = expr.args[0];
      if (expr.args.length !== 1 || arg.kind !== 'object') {
        diags.push(error(SUMMARY, 'The object type constructor requires one argument specifying the attribute types as a map.', expr.range));
        return T_DYNAMIC;
      }
      const attributes: Record<string, Type> = {};
      const optional: string[] = [];
      for (const item of arg.items) {
        const key = staticKey(item.key);
        if (key === undefined) {
          diags.push(error('Invalid type specification', 'Object constructor map keys must be attribute names.', item.key.range));
          continue;
        }
        const v = item.value;
        if (v.kind === 'call' && v.name === 'optional') {
          if (exact) {
            diags.push(error(SUMMARY, 'Optional attribute modifier is only for type constraints, not for exact types.', v.range));
            continue;
          }
          if (v.args.length !== 1) {
            diags.push(error(SUMMARY, 'Optional attribute modifier requires the attribute type as its argument.', v.range));
            continue;
          }
          attributes[key] = read(v.args[0], diags, false, exact);
          optional.push(key);
        } else {
          attributes[key] = read(v, diags, true, exact);
        }
      }
      return optional.length ? { kind: 'object', attributes, optional } : { kind: 'object', attributes };
    }
    case 'optional':
      diags.push(
        error(
          SUMMARY,
          inObject ? 'Optional attribute modifier must wrap the attribute type directly.' : 'Optional attribute modifier is only for object attributes.',
          expr.range,
        ),
      );
      return T_DYNAMIC;
    default:
      diags.push(error(SUMMARY, `Keyword "${name}" is not a valid type constructor.`, expr.nameRange));
      return T_DYNAMIC;
  }
}

/** An object key written as a name or a plain string. */
function staticKey(key: Expr): string | undefined {
  if (key.kind === 'parens') return staticKey(key.expr);
  if (key.kind === 'variable') return key.name;
  if (key.kind === 'template' && key.parts.every((p) => p.kind === 'literal')) return key.parts.map((p) => (p as { value: string }).value).join('');
  return undefined;
}

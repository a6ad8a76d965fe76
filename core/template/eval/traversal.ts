/** Names, attributes, indexes and splats, with HCL's error wording and ranges. */
import type { GetAttrExpr, IndexExpr, SplatExpr, VariableExpr } from '../hcl/ast';
import { error, type Diagnostic, type Range } from '../source';
import { didYouMean } from '../suggest';
import { convert } from '../values/convert';
import { T_DYNAMIC, T_NUMBER, T_STRING, type Type } from '../values/type';
import { unifyTypes } from '../values/unify';
import { list, tuple, typeOf, unknownOf, type Value } from '../values/value';
import type { EvalContext } from './context';
import { evaluateInto } from './evaluate';
import { carryMarks } from './marks';

export function evaluateVariable(expr: VariableExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  if (ctx.variables === null) {
    diags.push(error('Variables not allowed', 'Variables may not be used here.', expr.range));
    return unknownOf(T_DYNAMIC);
  }
  const v = ctx.variables[expr.name];
  if (v === undefined) {
    diags.push(error('Unknown variable', `There is no variable named "${expr.name}".${didYouMean(expr.name, Object.keys(ctx.variables))}`, expr.range));
    return unknownOf(T_DYNAMIC);
  }
  return v;
}

export function evaluateGetAttr(expr: GetAttrExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const obj = evaluateInto(expr.object, ctx, diags);
  return getAttr(obj, expr.name, expr, ctx, diags);
}

function getAttr(obj: Value, name: string, expr: GetAttrExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  // `list.0` is HCL's legacy index syntax.
  if (/^\d+$/.test(name) && (obj.kind === 'list' || obj.kind === 'tuple' || isUnknownSequence(obj))) {
    return index(obj, { kind: 'number', value: Number(name) }, stepRange(expr), stepRange(expr), diags);
  }
  switch (obj.kind) {
    case 'null':
      diags.push(error('Attempt to get attribute from null value', 'This value is null, so it does not have any attributes.', stepRange(expr)));
      return unknownOf(T_DYNAMIC);
    case 'unknown': {
      const t = obj.type;
      if (t.kind === 'object') {
        if (!(name in t.attributes)) {
          diags.push(unsupportedAttribute(name, Object.keys(t.attributes), expr, ctx));
          return unknownOf(T_DYNAMIC);
        }
        return carryMarks(unknownOf(t.attributes[name]), obj);
      }
      if (t.kind === 'map') return carryMarks(unknownOf(t.element), obj);
      if (t.kind === 'dynamic') return carryMarks(unknownOf(T_DYNAMIC), obj);
      diags.push(error('Unsupported attribute', noAttributesDetail(t), stepRange(expr)));
      return unknownOf(T_DYNAMIC);
    }
    case 'object': {
      const a = obj.attrs[name];
      if (a === undefined) {
        diags.push(unsupportedAttribute(name, Object.keys(obj.attrs), expr, ctx));
        return unknownOf(T_DYNAMIC);
      }
      return carryMarks(a, obj);
    }
    case 'map': {
      const e = obj.entries[name];
      if (e === undefined) {
        diags.push(error('Missing map element', `This map does not have an element with the key "${name}".`, stepRange(expr)));
        return unknownOf(obj.elementType);
      }
      return carryMarks(e, obj);
    }
    default:
      diags.push(error('Unsupported attribute', noAttributesDetail(typeOf(obj)), stepRange(expr)));
      return unknownOf(T_DYNAMIC);
  }
}

/**
 * A missing attribute, as HCL words it; Packer 1.14 says the same for an undeclared `var.x` or `local.x` (no
 * Terraform-style "undeclared input variable"), suggesting among the declared names.
 */
function unsupportedAttribute(name: string, known: string[], expr: GetAttrExpr, ctx: EvalContext): Diagnostic {
  const root = expr.object.kind === 'variable' ? expr.object.name : undefined;
  const declared = root === 'var' ? ctx.declared?.var : root === 'local' ? ctx.declared?.local : undefined;
  return error('Unsupported attribute', `This object does not have an attribute named "${name}".${didYouMean(name, declared ? [...declared] : known)}`, stepRange(expr));
}

/** HCL 2 as vendored by Packer 1.6.6 says the same for every value without attributes. */
function noAttributesDetail(_t: Type): string {
  return 'This value does not have any attributes.';
}

/** The `.name` step of a traversal, dot included, as HCL points at it. */
function stepRange(expr: GetAttrExpr): Range {
  return { filename: expr.range.filename, start: expr.object.range.end, end: expr.nameRange.end };
}

function isUnknownSequence(v: Value): boolean {
  return v.kind === 'unknown' && (v.type.kind === 'list' || v.type.kind === 'tuple');
}

export function evaluateIndex(expr: IndexExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const coll = evaluateInto(expr.object, ctx, diags);
  const key = evaluateInto(expr.key, ctx, diags);
  // HCL points every indexing problem at the brackets: `[5]`.
  const brackets: Range = { filename: expr.range.filename, start: expr.object.range.end, end: expr.range.end };
  return index(coll, key, brackets, brackets, diags);
}

const NO_ELEMENT = 'The given key does not identify an element in this collection value.';

/** cty's Index: lists and tuples by whole number, maps and objects by string, with HCL's "Invalid index" errors. */
export function index(coll: Value, key: Value, range: Range, keyRange: Range, diags: Diagnostic[]): Value {
  if (coll.kind === 'null') {
    diags.push(error('Attempt to index null value', 'This value is null, so it does not have any indices.', range));
    return unknownOf(T_DYNAMIC);
  }
  if (key.kind === 'null') {
    diags.push(error('Invalid index', "Can't use a null value as an indexing key.", keyRange));
    return unknownOf(T_DYNAMIC);
  }
  const t = typeOf(coll);
  if (t.kind === 'set') {
    diags.push(
      error(
        'Invalid index',
        "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
        range,
      ),
    );
    return unknownOf(T_DYNAMIC);
  }
  if (t.kind === 'string' || t.kind === 'number' || t.kind === 'bool') {
    diags.push(error('Invalid index', 'This value does not have any indices.', range));
    return unknownOf(T_DYNAMIC);
  }
  const sequence = t.kind === 'list' || t.kind === 'tuple';
  const keyType = sequence ? T_NUMBER : t.kind === 'dynamic' ? T_DYNAMIC : T_STRING;
  let k: Value = key;
  if (keyType !== T_DYNAMIC && key.kind !== 'unknown') {
    const c = convert(key, keyType);
    if (!c.ok) {
      diags.push(error('Invalid index', `${NO_ELEMENT.slice(0, -1)}: ${c.error}.`, keyRange));
      return unknownOf(T_DYNAMIC);
    }
    k = c.value;
  }
  if (coll.kind === 'unknown' || k.kind === 'unknown') {
    const elem = t.kind === 'list' || t.kind === 'map' ? t.element : T_DYNAMIC;
    return carryMarks(unknownOf(elem), coll, key);
  }
  switch (coll.kind) {
    case 'list':
    case 'tuple': {
      const i = (k as { value: number }).value;
      if (Number.isFinite(i) && !Number.isInteger(i)) {
        diags.push(
          error(
            'Invalid index',
            `${NO_ELEMENT.slice(0, -1)}: indexing a sequence requires a whole number, but the given index (${i}) has a fractional part.`,
            keyRange,
          ),
        );
        return unknownOf(coll.kind === 'list' ? coll.elementType : T_DYNAMIC);
      }
      if (i < 0 || i >= coll.items.length) {
        diags.push(error('Invalid index', NO_ELEMENT, keyRange));
        return unknownOf(coll.kind === 'list' ? coll.elementType : T_DYNAMIC);
      }
      return carryMarks(coll.items[i], coll, key);
    }
    case 'map':
    case 'object': {
      const name = (k as { value: string }).value;
      const e = coll.kind === 'map' ? coll.entries[name] : coll.attrs[name];
      if (e === undefined) {
        diags.push(error('Invalid index', NO_ELEMENT, keyRange));
        return unknownOf(coll.kind === 'map' ? coll.elementType : T_DYNAMIC);
      }
      return carryMarks(e, coll, key);
    }
    default:
      return unknownOf(T_DYNAMIC);
  }
}

/** `src[*].x`: a non-list is treated as a one-element list and null as an empty one. */
export function evaluateSplat(expr: SplatExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  const src = evaluateInto(expr.source, ctx, diags);
  if (src.kind === 'null') return tuple([]);
  if (src.kind === 'unknown') return carryMarks(unknownOf(T_DYNAMIC), src);
  const isSeq = src.kind === 'list' || src.kind === 'set' || src.kind === 'tuple';
  const items = isSeq ? src.items : [src];
  const results = items.map((item) => evaluateInto(expr.each, { ...ctx, anon: carryMarks(item, src) }, diags));
  if (src.kind === 'list' || src.kind === 'set') {
    if (results.length === 0) return carryMarks(list(T_DYNAMIC, []), src);
    const et = unifyTypes(results.map(typeOf));
    if (et) {
      const converted = results.map((r) => {
        const c = convert(r, et);
        return c.ok ? c.value : r;
      });
      return carryMarks(list(et, converted), src);
    }
  }
  return carryMarks(tuple(results), src);
}

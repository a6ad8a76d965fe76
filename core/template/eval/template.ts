/** String templates: literals, `${…}` interpolations and `%{if}`/`%{for}` directives joined into one string. */
import type { TemplateExpr, TemplatePart } from '../hcl/ast';
import { error, type Diagnostic } from '../source';
import { convert } from '../values/convert';
import { T_BOOL, T_STRING } from '../values/type';
import { str, unknownOf, type Value } from '../values/value';
import { childContext, type EvalContext } from './context';
import { evaluateInto } from './evaluate';
import { iterate } from './for-expr';
import { carryMarks } from './marks';

export function evaluateTemplate(expr: TemplateExpr, ctx: EvalContext, diags: Diagnostic[]): Value {
  // A template that is one interpolation and nothing else yields the value itself, unconverted.
  if (expr.parts.length === 1 && expr.parts[0].kind === 'interp') return evaluateInto(expr.parts[0].expr, ctx, diags);
  const state = { text: '', unknown: false, sensitive: false };
  renderParts(expr.parts, ctx, diags, state);
  const out = state.unknown ? unknownOf(T_STRING) : str(state.text);
  return state.sensitive ? carryMarks(out, { kind: 'bool', value: true, sensitive: true }) : out;
}

interface RenderState {
  text: string;
  unknown: boolean;
  sensitive: boolean;
}

function renderParts(parts: readonly TemplatePart[], ctx: EvalContext, diags: Diagnostic[], state: RenderState): void {
  for (const part of parts) {
    switch (part.kind) {
      case 'literal':
        state.text += part.value;
        break;
      case 'interp': {
        const v = evaluateInto(part.expr, ctx, diags);
        appendValue(v, part.expr.range, diags, state);
        break;
      }
      case 'if': {
        const c = evaluateInto(part.cond, ctx, diags);
        if (c.sensitive) state.sensitive = true;
        if (c.kind === 'unknown') {
          state.unknown = true;
          break;
        }
        if (c.kind === 'null') {
          diags.push(error('Null condition', 'The condition value is null. Conditions must either be true or false.', part.cond.range));
          state.unknown = true;
          break;
        }
        const b = convert(c, T_BOOL);
        if (!b.ok) {
          diags.push(error('Incorrect condition type', 'The condition expression must be of type bool.', part.cond.range));
          state.unknown = true;
          break;
        }
        const chosen = (b.value as { value: boolean }).value ? part.then : part.else;
        if (chosen) renderParts(chosen, ctx, diags, state);
        break;
      }
      case 'for': {
        const coll = evaluateInto(part.collection, ctx, diags);
        if (coll.sensitive) state.sensitive = true;
        const items = iterate(coll, part.collection.range, diags);
        if (items === 'unknown') {
          state.unknown = true;
          break;
        }
        if (!items) break;
        for (const [k, v] of items) {
          const vars: Record<string, Value> = { [part.valueVar]: v };
          if (part.keyVar) vars[part.keyVar] = k;
          renderParts(part.body, childContext(ctx, vars), diags, state);
        }
        break;
      }
    }
  }
}

function appendValue(v: Value, range: TemplatePart['range'], diags: Diagnostic[], state: RenderState): void {
  if (v.sensitive) state.sensitive = true;
  if (v.kind === 'unknown') {
    state.unknown = true;
    return;
  }
  if (v.kind === 'null') {
    diags.push(error('Invalid template interpolation value', 'The expression result is null. Cannot include a null value in a string template.', range));
    state.unknown = true;
    return;
  }
  const s = convert(v, T_STRING);
  if (!s.ok) {
    diags.push(error('Invalid template interpolation value', `Cannot include the given value in a string template: ${s.error}.`, range));
    state.unknown = true;
    return;
  }
  if (s.value.kind === 'string') state.text += s.value.value;
  else state.unknown = true;
}

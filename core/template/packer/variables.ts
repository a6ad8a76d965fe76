/**
 * `variable "name" { … }` and `variables { … }` blocks: type constraints, defaults (env() only), sensitivity and validation rules,
 * then the value in effect after every assignment, validated, as Packer 1.6.6 does.
 */
import type { Block, Expr } from '../hcl/ast';
import { evaluate } from '../eval/evaluate';
import { references } from '../eval/references';
import { parseTypeConstraint } from '../eval/type-constraint';
import { parseHclExpression } from '../hcl/parser';
import { rangeString } from '../hcl/template';
import type { VariableModel, VariableValueSource } from '../model';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL, T_DYNAMIC, type Type } from '../values/type';
import { markSensitive, object, typeOf, unknownOf, type Value } from '../values/value';
import { metaString, readAttributes, readBody } from './body-read';
import { defaultValueContext, type LoadState } from './context';

export interface Assignment {
  source: VariableValueSource;
  value: Value;
  /** The expression that set it, for pointing at a value that fails validation. */
  range?: Range;
}

interface ValidationRule {
  condition?: Expr;
  errorMessage: string;
  range: Range;
}

export interface VariableDecl {
  name: string;
  /** Undefined when neither `type` nor `default` says (cty.NilType): values from env and -var are then strings. */
  type?: Type;
  description?: string;
  sensitive: boolean;
  default?: Value;
  assignments: Assignment[];
  validations: ValidationRule[];
  range: Range;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function decodeVariableBlock(block: Block, decls: Map<string, VariableDecl>, state: LoadState, diags: Diagnostic[]): void {
  const name = block.labels[0] ?? '';
  const defRange = headerRange(block);
  if (decls.has(name)) {
    diags.push(error('Duplicate variable', `Duplicate ${name} variable definition found.`, defRange));
    return;
  }
  const c = readBody(block.body, { attributes: ['description', 'default', 'type', 'sensitive'], blocks: [{ type: 'validation' }] });
  diags.push(...c.diagnostics);
  if (!IDENTIFIER.test(name)) {
    diags.push(
      error('Invalid variable name', 'A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.', block.labelRanges[0]),
    );
  }
  const decl: VariableDecl = { name, sensitive: false, assignments: [], validations: [], range: defRange };
  if (c.attributes.description) decl.description = constantString(c.attributes.description.expr, state, diags);
  if (c.attributes.type) {
    // Packer reads a variable's type as an exact type (typeexpr.Type): no `any`, no optional attributes.
    const t = parseTypeConstraint(typeExpression(c.attributes.type.expr, block.body.syntax), { exact: true });
    diags.push(...t.diagnostics);
    if (!hasErrors(t.diagnostics)) decl.type = t.type;
  }
  if (c.attributes.sensitive) {
    const v = evaluate(c.attributes.sensitive.expr, { variables: null, functions: null, baseDir: state.root });
    diags.push(...v.diagnostics);
    const b = convert(v.value, T_BOOL);
    if (b.ok && b.value.kind === 'bool') decl.sensitive = b.value.value;
    else if (!hasErrors(v.diagnostics)) diags.push(error('Unsuitable value type', 'Unsuitable value: a bool is required', c.attributes.sensitive.expr.range));
  }
  const def = c.attributes.default;
  if (def) {
    const r = evaluate(def.expr, defaultValueContext(state));
    diags.push(...r.diagnostics);
    if (!hasErrors(r.diagnostics)) {
      let value = r.value;
      if (decl.type) {
        const conv = convert(value, decl.type);
        if (conv.ok) value = conv.value;
        else {
          diags.push(
            error(
              'Invalid default value for variable',
              `This default value is not compatible with the variable's type constraint: ${conv.error}.`,
              def.expr.range,
            ),
          );
          value = unknownOf(T_DYNAMIC);
        }
      }
      decl.default = value;
      decl.assignments.push({ source: 'default', value, range: def.expr.range });
      decl.type ??= typeOf(value);
    }
  }
  for (const v of c.blocks) if (v.type === 'validation') decl.validations.push(decodeValidation(name, v, state, diags));
  decls.set(name, decl);
}

/** The legacy `variables { name = default }` block: each attribute declares a variable with that default. */
export function decodeVariablesBlock(block: Block, decls: Map<string, VariableDecl>, state: LoadState, diags: Diagnostic[]): void {
  const c = readAttributes(block.body);
  diags.push(...c.diagnostics);
  for (const attr of Object.values(c.attributes)) {
    if (decls.has(attr.name)) {
      diags.push(error('Duplicate variable', `Duplicate ${attr.name} variable definition found.`, attr.nameRange));
      continue;
    }
    const r = evaluate(attr.expr, defaultValueContext(state));
    diags.push(...r.diagnostics);
    if (hasErrors(r.diagnostics)) continue;
    decls.set(attr.name, {
      name: attr.name,
      type: typeOf(r.value),
      sensitive: false,
      default: r.value,
      assignments: [{ source: 'default', value: r.value, range: attr.expr.range }],
      validations: [],
      range: attr.range,
    });
  }
}

function decodeValidation(varName: string, block: Block, state: LoadState, diags: Diagnostic[]): ValidationRule {
  const rule: ValidationRule = { errorMessage: '', range: headerRange(block) };
  const c = readBody(block.body, {
    attributes: [
      { name: 'condition', required: true },
      { name: 'error_message', required: true },
    ],
  });
  diags.push(...c.diagnostics);
  const cond = c.attributes.condition;
  if (cond) {
    rule.condition = cond.expr;
    // The condition may only look at the variable itself, so a declaration never depends on anything else.
    let good = 0;
    let bad = 0;
    for (const ref of references(cond.expr)) {
      if (ref.root === 'var' && ref.name === varName) {
        good++;
        continue;
      }
      bad++;
      diags.push(
        error(
          'Invalid reference in variable validation',
          `The condition for variable "${varName}" can only refer to the variable itself, using var.${varName}.`,
          ref.range,
        ),
      );
    }
    // A rule that looks at anything else is reported above and never run, as Packer stops before running it.
    if (bad > 0) rule.condition = undefined;
    if (good < 1) {
      diags.push(
        error(
          'Invalid variable validation condition',
          `The condition for variable "${varName}" must refer to var.${varName} in order to test incoming values.`,
          cond.expr.range,
        ),
      );
    }
  }
  const msg = c.attributes.error_message;
  if (msg) {
    const before = diags.length;
    const text = constantString(msg.expr, state, diags);
    if (diags.length === before && text !== undefined) {
      rule.errorMessage = text;
      if (text === '') {
        diags.push(error('Invalid validation error message', 'An empty string is not a valid nor useful error message.', msg.expr.range));
      } else if (!looksLikeSentences(text)) {
        diags.push(
          error(
            'Invalid validation error message',
            'Validation error message must be at least one full sentence starting with an uppercase letter ( if the alphabet permits it ) and ending with a period or question mark.',
            msg.expr.range,
          ),
        );
      }
    }
  }
  return rule;
}

function looksLikeSentences(s: string): boolean {
  const t = s.trim();
  if (!t) return false;
  const chars = [...t];
  const first = chars[0];
  const last = chars[chars.length - 1];
  if (/\p{L}/u.test(first) && first !== first.toUpperCase()) return false;
  return last === '.' || last === '?' || last === '!';
}

/** Decodes a string attribute that may not reference anything (gohcl with a nil context). */
function constantString(expr: Expr, state: LoadState, diags: Diagnostic[]): string | undefined {
  return metaString(expr, { variables: null, functions: null, baseDir: state.root }, diags);
}

const FROM: Record<VariableValueSource, string> = { default: 'default', env: 'env', 'auto-file': 'varfile', 'var-file': 'varfile', cli: 'cmd' };

/** The value in effect (the last assignment), checked against the validation rules; "Unset variable" when there is none. */
export function resolveVariable(decl: VariableDecl, state: LoadState, diags: Diagnostic[]): VariableModel {
  const type = decl.type ?? T_DYNAMIC;
  const def = decl.default && markSensitive(decl.default, decl.sensitive);
  const base = { name: decl.name, type, description: decl.description, sensitive: decl.sensitive, default: def, range: decl.range };
  const last = decl.assignments[decl.assignments.length - 1];
  if (!last) {
    diags.push(
      error(
        `Unset variable "${decl.name}"`,
        'A used variable must be set or have a default value; see https://packer.io/docs/templates/hcl_templates/syntax for details.',
        decl.range,
      ),
    );
    return { ...base, value: markSensitive(unknownOf(type), decl.sensitive), valueSource: 'default' };
  }
  for (const rule of decl.validations) {
    if (!rule.condition) continue;
    const r = evaluate(rule.condition, {
      variables: { var: object({ [decl.name]: last.value }) },
      functions: state.functions,
      baseDir: state.root,
    });
    diags.push(...r.diagnostics);
    if (hasErrors(r.diagnostics) || r.value.kind === 'unknown') continue;
    if (r.value.kind === 'null') {
      diags.push(error('Invalid variable validation result', 'Validation condition expression must return either true or false, not null.', rule.condition.range));
      continue;
    }
    const b = convert(r.value, T_BOOL);
    if (!b.ok || b.value.kind !== 'bool') {
      diags.push(error('Invalid variable validation result', `Invalid validation condition result value: ${b.ok ? 'bool required' : b.error}.`, rule.condition.range));
      continue;
    }
    if (!b.value.value) {
      diags.push(
        error(
          `Invalid value for ${FROM[last.source]} variable`,
          `${rule.errorMessage}\n\nThis was checked by the validation rule at ${rangeString(rule.range)}.`,
          last.range ?? rule.range,
        ),
      );
    }
  }
  return { ...base, value: markSensitive(last.value, decl.sensitive), valueSource: last.source };
}

/** In JSON syntax a type is written as a string (`"type": "list(string)"`), which HCL reads as an expression. */
function typeExpression(expr: Expr, syntax: 'native' | 'json'): Expr {
  if (syntax !== 'json' || expr.kind !== 'template' || !expr.parts.every((p) => p.kind === 'literal')) return expr;
  const text = expr.parts.map((p) => (p as { value: string }).value).join('');
  const start = expr.parts[0]?.range.start ?? expr.range.start;
  const parsed = parseHclExpression(text, expr.range.filename, start);
  return parsed.diagnostics.length ? expr : parsed.expr;
}

/** HCL's DefRange: from the block type to its last label. */
export function headerRange(block: Block): Range {
  const last = block.labelRanges.length ? block.labelRanges[block.labelRanges.length - 1] : block.typeRange;
  return { filename: block.typeRange.filename, start: block.typeRange.start, end: last.end };
}

/**
 * Values for input variables from outside the declarations, lowest precedence first: PKR_VAR_* environment variables,
 * var files (HCL ones before JSON ones, as Packer 1.6.6 orders them; *.auto.pkrvars.* before -var-file within each), then -var.
 */
import { readFileSync } from 'node:fs';
import { evaluate } from '../eval/evaluate';
import type { HclFile } from '../hcl/ast';
import { parseHclExpression } from '../hcl/parser';
import type { VariableValueSource } from '../model';
import { error, hasErrors, warning, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_DYNAMIC, type Type } from '../values/type';
import { str, unknownOf, type Value } from '../values/value';
import { readAttributes, readBodyPartially } from './body-read';
import { constantContext, type LoadState } from './context';
import type { VariableDecl } from './variables';

export interface VarFile {
  file: HclFile;
  source: Extract<VariableValueSource, 'auto-file' | 'var-file'>;
}

const ENV_PREFIX = 'PKR_VAR_';

export function collectEnvValues(decls: Map<string, VariableDecl>, state: LoadState, diags: Diagnostic[]): void {
  for (const [key, raw] of Object.entries(state.env)) {
    if (!key.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const name = key.slice(ENV_PREFIX.length);
    const decl = decls.get(name);
    // Packer ignores PKR_VAR_ settings for variables the template does not declare.
    if (!decl) continue;
    const parsed = valueFromText(raw, `<value for var.${name} from env>`, decl.type, state, diags);
    if (!parsed) continue;
    const v = convertFor(decl, parsed.value, parsed.range, 'Invalid value for variable', `The value for ${name} is not compatible with the variable's type constraint`, diags);
    decl.assignments.push({ source: 'env', value: v, range: parsed.range });
  }
}

export function collectFileValues(decls: Map<string, VariableDecl>, files: VarFile[], strict: boolean, diags: Diagnostic[], state: LoadState): void {
  for (const { file, source } of files) {
    // Declaring a variable in a var file is a common mistake; say so plainly rather than with a generic error.
    const probe = readBodyPartially(file.body, { blocks: [{ type: 'variable', labels: ['name'] }] });
    const declarations = probe.blocks.filter((b) => b.type === 'variable');
    for (const block of declarations) {
      const name = block.labels[0];
      diags.push(
        error(
          'Variable declaration in a .pkrvar file',
          `A .pkrvar file is used to assign values to variables that have already been declared in .pkr files, not to declare new variables. To declare variable "${name}", place this block in one of your .pkr files, such as variables.pkr.hcl\n\nTo set a value for this variable in ${block.typeRange.filename}, use the definition syntax instead:\n    ${name} = <value>`,
          block.typeRange,
        ),
      );
    }
    if (declarations.length) return;
    const c = readAttributes(file.body);
    diags.push(...c.diagnostics);
    for (const attr of Object.values(c.attributes)) {
      const decl = decls.get(attr.name);
      if (!decl) {
        const d = (strict ? error : warning)(
          'Undefined variable',
          `A "${attr.name}" variable was set but was not found in known variables. To declare variable "${attr.name}", place this block in one of your .pkr files, such as variables.pkr.hcl`,
          attr.range,
        );
        diags.push(d);
        continue;
      }
      const r = evaluate(attr.expr, constantContext(state));
      diags.push(...r.diagnostics);
      const v = convertFor(decl, r.value, attr.expr.range, 'Invalid value for variable', `The value for ${attr.name} is not compatible with the variable's type constraint`, diags);
      decl.assignments.push({ source, value: v, range: attr.expr.range });
    }
  }
}

export function collectCliValues(decls: Map<string, VariableDecl>, vars: Array<[string, string]>, state: LoadState, diags: Diagnostic[]): void {
  for (const [name, raw] of vars) {
    const decl = decls.get(name);
    if (!decl) {
      diags.push(
        error(
          'Undefined -var variable',
          `A "${name}" variable was passed in the command line but was not found in known variables. To declare variable "${name}", place this block in one of your .pkr files, such as variables.pkr.hcl`,
        ),
      );
      continue;
    }
    const parsed = valueFromText(raw, `<value for var.${name} from arguments>`, decl.type, state, diags);
    if (!parsed) continue;
    const v = convertFor(
      decl,
      parsed.value,
      parsed.range,
      'Invalid argument value for -var variable',
      `The received arg value for ${name} is not compatible with the variable's type constraint`,
      diags,
    );
    decl.assignments.push({ source: 'cli', value: v, range: parsed.range });
  }
}

/** Strings stay raw for string, number and untyped variables; other types read the text as an HCL expression. */
function valueFromText(text: string, filename: string, type: Type | undefined, state: LoadState, diags: Diagnostic[]): { value: Value; range: Range } | undefined {
  const whole: Range = {
    filename,
    start: { line: 1, column: 1, byte: 0 },
    end: { line: 1, column: 1 + text.length, byte: Buffer.byteLength(text) },
  };
  if (!type || type.kind === 'string' || type.kind === 'number') return { value: str(text), range: whole };
  const p = parseHclExpression(text, filename);
  diags.push(...p.diagnostics);
  if (hasErrors(p.diagnostics)) return undefined;
  const r = evaluate(p.expr, constantContext(state));
  diags.push(...r.diagnostics);
  return { value: r.value, range: p.expr.range };
}

function convertFor(decl: VariableDecl, v: Value, range: Range, summary: string, detail: string, diags: Diagnostic[]): Value {
  if (!decl.type) return v;
  const c = convert(v, decl.type);
  if (c.ok) return c.value;
  diags.push(error(summary, `${detail}: ${c.error}.`, range));
  return unknownOf(T_DYNAMIC);
}

/** Reads the -var-file paths; a missing file is an error that belongs to no template file. */
export function readVarFiles(paths: readonly string[], diags: Diagnostic[]): Array<{ filename: string; text: string }> {
  const out: Array<{ filename: string; text: string }> = [];
  for (const p of paths) {
    if (!p.endsWith('.hcl') && !p.endsWith('.json')) {
      diags.push(error(`Could not guess format of ${p}`, 'A var file must be suffixed with `.hcl` or `.json`.'));
      continue;
    }
    try {
      out.push({ filename: p, text: readFileSync(p, 'utf8') });
    } catch (e) {
      diags.push(error('Failed to read file', `The configuration file "${p}" could not be read: ${(e as Error).message}`));
    }
  }
  return out;
}

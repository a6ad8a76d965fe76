/**
 * A legacy template's user variables: defaults from `variables`, then -var-file files (later files win),
 * then -var flags (last wins), as Packer 1.6.6 merges them; then each value is interpolated, with `env`
 * allowed and `{{user `other`}}` resolved in any order.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { VariableModel, VariableValueSource } from '../model';
import { error, type Diagnostic, type Range } from '../source';
import { T_STRING } from '../values/type';
import { markSensitive, str, unknownOf } from '../values/value';
import type { FunctionContext } from './functions';
import { interpolateString, templateParseError, type StringNode } from './interpolate';
import { kindName, parseJson, type JsonDocument, type JsonNode } from './json';

export interface VariableInputs {
  variables?: JsonNode;
  sensitive?: JsonNode;
  vars: Array<[string, string]>;
  /** Paths as given on the command line; relative ones are read from `base.cwd`. */
  varFiles: string[];
  base: Omit<FunctionContext, 'user' | 'userNames' | 'inVariables'>;
}

export interface ResolvedVariables {
  models: VariableModel[];
  values: Map<string, string>;
  sensitiveStrings: string[];
  /** Problems reading the template's variables and the var files (Packer finds these while parsing). */
  diagnostics: Diagnostic[];
  /** Problems with the values: unset required variables, failed interpolation (Packer finds these when validating). */
  valueDiagnostics: Diagnostic[];
  /** Text of every var file read, by filename. */
  sources: Record<string, string>;
}

/** Packer's words for a required variable left unset, before its name. */
const REQUIRED_UNSET = 'required variable not set: ';

interface Candidate {
  node: StringNode;
  doc: JsonDocument;
  source: VariableValueSource;
}

export function resolveVariables(doc: JsonDocument, inputs: VariableInputs): ResolvedVariables {
  const diagnostics: Diagnostic[] = [];
  const sources: Record<string, string> = {};
  const declared = new Map<string, { range: Range; required: boolean; defaultNode?: StringNode }>();

  if (inputs.variables) {
    if (inputs.variables.kind !== 'object') {
      diagnostics.push(error('Invalid "variables"', `"variables" must be an object of name → default value, not ${kindName(inputs.variables)}.`, inputs.variables.range));
    } else {
      for (const p of inputs.variables.props) {
        const v = p.value;
        if (v.kind === 'null') declared.set(p.key, { range: p.range, required: true });
        else if (v.kind === 'string') declared.set(p.key, { range: p.range, required: false, defaultNode: v });
        else {
          diagnostics.push(
            error(
              `Invalid default for variable "${p.key}"`,
              `Legacy template variables hold strings: write the default in quotes, or null to make the variable required (got ${kindName(v)}).`,
              v.range,
            ),
          );
          declared.set(p.key, { range: p.range, required: false, defaultNode: { value: '', raw: '""', offset: v.offset } });
        }
      }
    }
  }

  const sensitiveNames = new Set<string>();
  if (inputs.sensitive) {
    if (inputs.sensitive.kind !== 'array') {
      diagnostics.push(error('Invalid "sensitive-variables"', `"sensitive-variables" must be a list of variable names, not ${kindName(inputs.sensitive)}.`, inputs.sensitive.range));
    } else {
      for (const item of inputs.sensitive.items) {
        if (item.kind === 'string') sensitiveNames.add(item.value);
        else diagnostics.push(error('Invalid "sensitive-variables"', `Each entry must be a variable name in quotes, not ${kindName(item)}.`, item.range));
      }
    }
  }

  // Lowest precedence first; a later source replaces an earlier one.
  const chosen = new Map<string, Candidate>();
  for (const [name, d] of declared) {
    if (d.defaultNode) chosen.set(name, { node: d.defaultNode, doc, source: 'default' });
  }
  const fileValues = new Map<string, Candidate>();
  for (const file of inputs.varFiles) {
    let text: string;
    try {
      text = readFileSync(resolvePath(inputs.base.cwd, file), 'utf8');
    } catch (e) {
      diagnostics.push(error(`Failed to read variables file "${file}"`, (e as Error).message));
      continue;
    }
    sources[file] = text;
    // Packer 1.14 decodes a legacy -var-file with a json.Decoder (command/flag-kv) and names the file in its error.
    const parsed = parseJson(text, file, { reader: 'decoder', prefix: `Error reading variables in '${file}': ` });
    diagnostics.push(...parsed.diagnostics);
    const root = parsed.doc.root;
    if (!root) continue;
    if (root.kind !== 'object') {
      diagnostics.push(error('Invalid variables file', `A -var-file for a JSON template is a JSON object of name → string value, not ${kindName(root)}.`, root.range));
      continue;
    }
    for (const p of root.props) {
      if (p.value.kind !== 'string') {
        diagnostics.push(error(`Invalid value for variable "${p.key}"`, `Values in a variables file must be strings, not ${kindName(p.value)}.`, p.value.range));
        continue;
      }
      fileValues.set(p.key, { node: p.value, doc: parsed.doc, source: 'var-file' });
    }
  }
  for (const [k, c] of fileValues) chosen.set(k, c);
  for (const [k, v] of inputs.vars) {
    // A -var value is not in any file; its "string node" is a synthetic one with no positions worth reporting.
    chosen.set(k, { node: { value: v, raw: JSON.stringify(v), offset: 0 }, doc: { lines: doc.lines, filename: `-var ${k}` }, source: 'cli' });
  }

  const valueDiagnostics: Diagnostic[] = [];
  const values = new Map<string, string>();
  const resolving = new Set<string>();
  const ctx: FunctionContext = {
    ...inputs.base,
    inVariables: true,
    user: (name) => resolve(name),
    userNames: () => [...chosen.keys()],
  };
  function resolve(name: string): string | undefined {
    if (values.has(name)) return values.get(name);
    const c = chosen.get(name);
    if (!c || resolving.has(name)) return undefined;
    resolving.add(name);
    const r = interpolateString(c.doc, c.node, ctx);
    resolving.delete(name);
    for (const d of r.diagnostics) valueDiagnostics.push(c.source === 'cli' ? { ...d, range: undefined, detail: `${d.detail ?? ''} (in the value of -var ${name})` } : d);
    values.set(name, r.value);
    return r.value;
  }
  for (const name of [...chosen.keys()].sort()) resolve(name);

  const sensitiveStrings: string[] = [];
  const models: VariableModel[] = [];
  for (const [name, d] of declared) {
    const sensitive = sensitiveNames.has(name);
    const c = chosen.get(name);
    const value = values.get(name);
    if (d.required && value === undefined) {
      valueDiagnostics.push(error(`${REQUIRED_UNSET}${name}`, `The variable "${name}" is required (its default is null): set it with -var ${name}=… or in a -var-file.`, d.range));
    }
    if (sensitive && value) sensitiveStrings.push(value);
    models.push({
      name,
      type: T_STRING,
      sensitive,
      default: d.defaultNode ? markSensitive(str(d.defaultNode.value), sensitive) : undefined,
      value: value === undefined ? unknownOf(T_STRING) : markSensitive(str(value), sensitive),
      valueSource: c?.source ?? 'default',
      range: d.range,
    });
  }
  // Packer checks that required variables are set before it renders any (and stops there when one is not), then renders
  // them in name order and gives up at the first value Go cannot parse as a template, with that one error
  // (packer/core.go's validate, then renderVarsRecursively).
  const requiredUnset = valueDiagnostics.filter((d) => d.summary.startsWith(REQUIRED_UNSET));
  const abort = requiredUnset.length ? undefined : firstUnparsableValue(chosen, ctx);
  if (requiredUnset.length) valueDiagnostics.splice(0, valueDiagnostics.length, ...requiredUnset);
  else if (abort) valueDiagnostics.splice(0, valueDiagnostics.length, abort);
  return { models, values, sensitiveStrings, diagnostics, valueDiagnostics, sources };
}

/** The error Packer stops rendering variables at: the first value, by name, that Go cannot parse as a template. */
function firstUnparsableValue(chosen: ReadonlyMap<string, Candidate>, ctx: FunctionContext): Diagnostic | undefined {
  for (const [name, c] of [...chosen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parseError = templateParseError(c.doc, c.node, ctx);
    if (!parseError) continue;
    const detail = `${parseError.diagnostic.detail ?? ''} Packer stops reading the variables at this error.`.trim();
    const summary = `error interpolating default value for '${name}': ${parseError.goMessage}`;
    return c.source === 'cli' ? error(summary, `${detail} (in the value of -var ${name})`) : error(summary, detail, parseError.diagnostic.range);
  }
  return undefined;
}

/**
 * Interpolates one JSON string of a legacy template and reports problems at the exact place in the file.
 */
import { error, warning, type Diagnostic } from '../source';
import { didYouMean } from '../suggest';
import { calledFunctions, hasActions, parseTemplate, renderTemplate, type TemplateError } from './gotemplate';
import { legacyFunctions, UnknownVariableError, type FunctionContext } from './functions';
import { rangeInString, type JsonDocument } from './json';

export interface StringNode {
  value: string;
  raw: string;
  offset: number;
}

/** Renders `node`'s text; a failing action stays as written and is reported. */
export function interpolateString(doc: JsonDocument, node: StringNode, ctx: FunctionContext): { value: string; diagnostics: Diagnostic[] } {
  if (!hasActions(node.value)) return { value: node.value, diagnostics: [] };
  const parsed = parseTemplate(node.value);
  if (parsed.error) {
    return { value: node.value, diagnostics: [toDiagnostic(doc, node, parsed.error, ctx)] };
  }
  const r = renderTemplate(node.value, parsed.nodes, legacyFunctions(ctx));
  const diagnostics = r.errors.map((e) => toDiagnostic(doc, node, e, ctx));
  // Outside "variables", Packer renders a variable the template does not declare as "" and goes on (the SDK's `user`
  // errors only while variables are being read): the text is rendered so, and the name is a warning (see toDiagnostic).
  if (!ctx.inVariables && r.errors.some((e) => e.cause instanceof UnknownVariableError)) {
    const lenient = renderTemplate(node.value, parsed.nodes, legacyFunctions({ ...ctx, user: (name) => ctx.user(name) ?? '' }));
    return { value: lenient.text, diagnostics };
  }
  return { value: r.text, diagnostics };
}

/**
 * The error Go's text/template finds while parsing `node`'s text — a syntax error, or the first function it does not
 * know (Go checks function names as it parses) — worded as Go prints it ("template: root:1: function \"X\" not
 * defined"), with the diagnostic for its place. Packer stops at such an error where it renders variables.
 */
export function templateParseError(doc: JsonDocument, node: StringNode, ctx: FunctionContext): { goMessage: string; diagnostic: Diagnostic } | undefined {
  if (!hasActions(node.value)) return undefined;
  const parsed = parseTemplate(node.value);
  const funcs = legacyFunctions(ctx);
  const e =
    parsed.error ??
    parsed.nodes
      .flatMap((n) => (n.kind === 'action' && n.pipe ? calledFunctions(n.pipe) : []))
      .filter((f) => !funcs[f.name])
      .map((f): TemplateError => ({ message: `function "${f.name}" not defined`, kind: 'unknown-function', func: f.name, start: f.pos, end: f.pos + f.name.length }))[0];
  if (!e) return undefined;
  // Go names the template's line, counted from 1, where the error is.
  const line = 1 + (node.value.slice(0, e.start).match(/\n/g)?.length ?? 0);
  return { goMessage: `template: root:${line}: ${e.message}`, diagnostic: toDiagnostic(doc, node, e, ctx) };
}

const FUNCTION_NAMES = [
  'user', 'env', 'timestamp', 'isotime', 'strftime', 'uuid', 'pwd', 'template_dir', 'packer_version', 'build_name', 'build_type',
  'build', 'split', 'replace', 'replace_all', 'lower', 'upper', 'clean_resource_name', 'consul_key', 'vault', 'aws_secretsmanager',
];

function toDiagnostic(doc: JsonDocument, node: StringNode, e: TemplateError, ctx: FunctionContext): Diagnostic {
  const range = rangeInString(doc, node, e.start, e.end);
  switch (e.kind) {
    case undefined:
      return error('Invalid template syntax', `${capitalize(e.message)} in ${JSON.stringify(node.value)}.`, range);
    case 'unknown-function':
      return error(
        `Unknown template function "${e.func}"`,
        `There is no function named "${e.func}" in legacy templates.${didYouMean(e.func ?? '', FUNCTION_NAMES)}`,
        range,
      );
    case 'args':
      return error(`Invalid arguments to "${e.func}"`, `${capitalize(e.message)}.`, range);
    case 'call': {
      if (e.cause instanceof UnknownVariableError) {
        const name = /variable not set: ([^.]*)\./.exec(e.cause.message)?.[1] ?? '';
        const hint = didYouMean(name, ctx.userNames());
        if (!ctx.inVariables) {
          return warning(
            `Unknown variable "${name}"`,
            `There is no variable named "${name}", so Packer uses an empty string here; declare it in "variables" or pass it with -var.${hint}`,
            range,
          );
        }
        return error(
          `Unknown variable "${name}"`,
          `There is no variable named "${name}"; declare it in "variables" or pass it with -var.${hint}`,
          range,
        );
      }
      if (e.func === 'env' && !ctx.inVariables) {
        return error('Function "env" is not allowed here', 'Environment variables can only be read in the "variables" section: set a variable\'s default to {{env `NAME`}} and use {{user `name`}} here.', range);
      }
      return error(`Error in template function "${e.func}"`, `${capitalize(e.cause?.message ?? e.message)}.`, range);
    }
  }
}

/** Sentence case for a message, leaving a leading function name such as `packer_version` as written. */
function capitalize(s: string): string {
  const trimmed = s.replace(/\.$/, '');
  return /^[a-z]+_/.test(trimmed) ? trimmed : trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

/**
 * The loader's one way into block bodies: through HCL's schema-driven content(), so the JSON syntax variant reads the same.
 * Also small readers for meta arguments (strings, string lists) that Packer decodes before evaluating a component.
 */
import type { Attribute, Block, Body, Expr } from '../hcl/ast';
import { content, partialContent, type BodySchema } from '../hcl/body';
import type { EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import { error, hasErrors, type Diagnostic } from '../source';
import { convert } from '../values/convert';
import { listOf, T_STRING } from '../values/type';

export interface BodyContent {
  attributes: Record<string, Attribute>;
  blocks: Block[];
  diagnostics: Diagnostic[];
}

export interface SchemaSpec {
  attributes?: Array<string | { name: string; required?: boolean }>;
  blocks?: Array<{ type: string; labels?: string[] }>;
}

function toSchema(spec: SchemaSpec): BodySchema {
  return {
    attributes: (spec.attributes ?? []).map((a) => (typeof a === 'string' ? { name: a } : a)),
    blocks: (spec.blocks ?? []).map((b) => ({ type: b.type, labelNames: b.labels ?? [] })),
  };
}

export function readBody(body: Body, spec: SchemaSpec): BodyContent {
  return content(body, toSchema(spec));
}

export function readBodyPartially(body: Body, spec: SchemaSpec): BodyContent {
  return partialContent(body, toSchema(spec));
}

/**
 * Every attribute of a body, as HCL's JustAttributes does: blocks are errors (in native syntax), and in JSON every property is an attribute.
 */
export function readAttributes(body: Body): BodyContent {
  if (body.syntax === 'native') {
    // HCL's JustAttributes words a block here differently from content()'s "Unsupported block type".
    const blocks: Diagnostic[] = body.blocks.map((b) => error(`Unexpected "${b.type}" block`, 'Blocks are not allowed here.', b.typeRange));
    const r = content({ ...body, blocks: [] }, toSchema({ attributes: body.attributes.map((a) => a.name) }));
    return { ...r, diagnostics: [...blocks, ...r.diagnostics] };
  }
  return content(body, toSchema({ attributes: jsonPropertyNames(body) }));
}

/** In the JSON variant the parser keeps every property as an attribute until a schema says otherwise. */
function jsonPropertyNames(body: Body): string[] {
  return [...body.attributes.map((a) => a.name), ...body.blocks.map((b) => b.type)];
}

/** The names written in a body, used to read a component body whose schema we do not know. */
export function writtenNames(body: Body): { attributes: string[]; blocks: string[] } {
  return { attributes: body.attributes.map((a) => a.name), blocks: [...new Set(body.blocks.map((b) => b.type))] };
}

/** A meta argument that must be a string, evaluated in `ctx`; undefined (and a diagnostic) when it is not one. */
export function metaString(expr: Expr, ctx: EvalContext, diags: Diagnostic[]): string | undefined {
  const r = evaluate(expr, ctx);
  diags.push(...r.diagnostics);
  if (hasErrors(r.diagnostics)) return undefined;
  const s = convert(r.value, T_STRING);
  if (s.ok && s.value.kind === 'string') return s.value.value;
  diags.push(error('Unsuitable value type', 'Unsuitable value: a string is required', expr.range));
  return undefined;
}

/** A meta argument that must be a list of strings (`only`, `except`). */
export function metaStrings(expr: Expr, ctx: EvalContext, diags: Diagnostic[]): string[] {
  const r = evaluate(expr, ctx);
  diags.push(...r.diagnostics);
  if (hasErrors(r.diagnostics)) return [];
  const l = convert(r.value, listOf(T_STRING));
  if (l.ok && l.value.kind === 'list') return l.value.items.flatMap((i) => (i.kind === 'string' ? [i.value] : []));
  diags.push(error('Unsuitable value type', `Unsuitable value: ${l.ok ? 'list of string required' : l.error}`, expr.range));
  return [];
}

export type { Attribute, Block, Body, Expr };

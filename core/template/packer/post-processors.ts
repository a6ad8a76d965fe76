/**
 * `post-processor "type" { … }` (a chain of one) and `post-processors { … }` (one chain of several): meta arguments read
 * once — with variables, locals and build.name, as Packer 1.14 does — then each config evaluated per planned build.
 */
import { getSchema } from '../../components/registry';
import { unknownComponentType, validateComponent } from '../../components/validate';
import { childContext, type EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import type { Block, Body } from '../hcl/ast';
import type { PostProcessorModel } from '../model';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { T_BOOL } from '../values/type';
import { metaString, metaStrings, readBodyPartially } from './body-read';
import { decodeComponentBodies } from './component';
import { templateContext, type LoadState } from './context';
import type { Scope } from './dynamic-blocks';
import { headerRange } from './variables';

export const POST_PROCESSOR_META = ['name', 'only', 'except', 'keep_input_artifact'];

export interface PostProcessorDecl {
  type: string;
  name?: string;
  only: string[];
  except: string[];
  keepInputArtifact?: boolean;
  body: Body;
  range: Range;
  blockRange: Range;
  /** A `dynamic` block's iterator, for when the body is evaluated per build. */
  scope?: Scope;
}

/** `extra`: what the meta arguments see besides the template's values (build.name, a dynamic block's iterator). */
export function decodePostProcessor(block: Block, state: LoadState, diags: Diagnostic[], extra: Scope = {}): PostProcessorDecl | undefined {
  const type = block.labels[0] ?? '';
  const range = headerRange(block);
  const ctx = templateContext(state, extra);
  const own: Diagnostic[] = [];
  const c = readBodyPartially(block.body, { attributes: POST_PROCESSOR_META });
  own.push(...c.diagnostics);
  const decl: PostProcessorDecl = { type, only: [], except: [], body: block.body, range, blockRange: block.range };
  const a = c.attributes;
  if (a.name) decl.name = metaString(a.name.expr, ctx, own);
  if (a.only) decl.only = metaStrings(a.only.expr, ctx, own);
  if (a.except) decl.except = metaStrings(a.except.expr, ctx, own);
  if (a.keep_input_artifact) {
    const r = evaluate(a.keep_input_artifact.expr, ctx);
    own.push(...r.diagnostics);
    const b = convert(r.value, T_BOOL);
    if (b.ok && b.value.kind === 'bool') decl.keepInputArtifact = b.value.value;
    else if (!hasErrors(r.diagnostics)) own.push(error('Unsuitable value type', 'Unsuitable value: a bool is required', a.keep_input_artifact.expr.range));
  }
  if (decl.only.length && decl.except.length) own.push(error("only one of 'only' or 'except' may be specified", undefined, range));
  diags.push(...own);
  if (hasErrors(own)) return undefined;
  if (!getSchema('post-processor', type)) diags.push(unknownComponentType('post-processor', type, block.labelRanges[0] ?? range));
  return decl;
}

export function planPostProcessor(decl: PostProcessorDecl, ctx: EvalContext, diags: Diagnostic[], filesCwd?: string): PostProcessorModel {
  const schema = getSchema('post-processor', decl.type);
  const config = decodeComponentBodies([decl.body], schema?.fields, childContext(ctx, decl.scope ?? {}), POST_PROCESSOR_META, diags, decl.blockRange);
  if (schema) diags.push(...validateComponent(schema, config, decl.range, { cwd: filesCwd }));
  const model: PostProcessorModel = { type: decl.type, only: decl.only, except: decl.except, config, range: decl.range };
  if (decl.name !== undefined) model.name = decl.name;
  if (decl.keepInputArtifact !== undefined) model.keepInputArtifact = decl.keepInputArtifact;
  return model;
}

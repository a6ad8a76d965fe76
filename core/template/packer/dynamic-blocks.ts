/**
 * `dynamic "type" { for_each = …, iterator = …, labels = […], content { … } }`, as HCL's dynblock extension expands it.
 * Packer 1.14 wraps each file's body in dynblock before decoding builds, so inside a `build` block `dynamic` can generate
 * sources, provisioners, post-processors and the rest, as it can inside a component's body (top-level blocks are read
 * by passes that do not expand it, so `dynamic` is refused there, as Packer does).
 *
 * for_each and labels are evaluated when the block is expanded; the generated block's body is evaluated later (per
 * planned build), so each generated block carries its iterator as a `scope` to add to whatever context reads it then.
 */
import { childContext, type EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import type { Block } from '../hcl/ast';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { convert } from '../values/convert';
import { listOf, T_STRING } from '../values/type';
import { num, object, str, type Value } from '../values/value';
import { readBody } from './body-read';

/** Values a generated block's expressions see besides the context they are evaluated in (the iterator). */
export type Scope = Record<string, Value>;

export interface ScopedBlock {
  block: Block;
  scope: Scope;
}

export interface DynamicIteration {
  /** The iterator object, `{ key, value }`, under its name. */
  scope: Scope;
  /** The generated block's labels, when the dynamic block has `labels`. */
  labels: string[];
}

export interface DynamicExpansion {
  type: string;
  content: Block;
  iterations: DynamicIteration[];
}

/** Reads a `dynamic` block and evaluates its for_each (and labels per element) in `ctx`; undefined when it cannot. */
export function dynamicIterations(block: Block, ctx: EvalContext, diags: Diagnostic[]): DynamicExpansion | undefined {
  const type = block.labels[0] ?? '';
  const c = readBody(block.body, {
    attributes: [{ name: 'for_each', required: true }, 'iterator', 'labels'],
    blocks: [{ type: 'content' }],
  });
  diags.push(...c.diagnostics);
  const forEach = c.attributes.for_each;
  const content = c.blocks.find((b) => b.type === 'content');
  if (!forEach || !content) {
    if (!content) diags.push(error('Missing content block', 'A dynamic block must have a nested block of type "content" to describe the body of each generated block.', block.range));
    return undefined;
  }
  let iterator = type;
  if (c.attributes.iterator) {
    const e = c.attributes.iterator.expr;
    if (e.kind === 'variable') iterator = e.name;
    else {
      diags.push(error('Invalid dynamic iterator name', 'Dynamic iterator must be a single variable name.', e.range));
      return undefined;
    }
  }
  const coll = evaluate(forEach.expr, ctx);
  diags.push(...coll.diagnostics);
  const v = coll.value;
  let items: Array<[Value, Value]>;
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') items = v.items.map((x, i) => [v.kind === 'set' ? x : num(i), x]);
  else if (v.kind === 'map') items = Object.keys(v.entries).sort().map((k) => [str(k), v.entries[k]]);
  else if (v.kind === 'object') items = Object.keys(v.attrs).sort().map((k) => [str(k), v.attrs[k]]);
  else if (v.kind === 'unknown') return { type, content, iterations: [] };
  else {
    diags.push(error('Invalid dynamic for_each value', `Cannot use a ${v.kind} value in for_each. An iterable collection is required.`, forEach.expr.range));
    return undefined;
  }
  const iterations: DynamicIteration[] = [];
  for (const [key, value] of items) {
    const scope: Scope = { [iterator]: object({ key, value }) };
    const labels: string[] = [];
    const labelsAttr = c.attributes.labels;
    if (labelsAttr) {
      const r = evaluate(labelsAttr.expr, childContext(ctx, scope));
      diags.push(...r.diagnostics);
      if (hasErrors(r.diagnostics)) return undefined;
      const l = convert(r.value, listOf(T_STRING));
      if (!l.ok || l.value.kind !== 'list') {
        diags.push(error('Invalid dynamic block label', 'Cannot use this value as a dynamic block label: a list of strings is required.', labelsAttr.expr.range));
        return undefined;
      }
      for (const item of l.value.items) labels.push(item.kind === 'string' ? item.value : '');
    }
    iterations.push({ scope, labels });
  }
  return { type, content, iterations };
}

/**
 * The blocks of a body as dynblock presents them: written blocks as they are, each `dynamic` block replaced by the
 * blocks it generates (their range is the dynamic block's; their labels point at its `labels` argument).
 * `labelCount` says how many labels each generatable block type takes; other types stay unexpanded `dynamic` blocks.
 */
export function expandDynamicBlocks(
  blocks: readonly Block[],
  labelCount: Readonly<Record<string, number>>,
  ctx: EvalContext,
  outer: Scope,
  diags: Diagnostic[],
): ScopedBlock[] {
  const out: ScopedBlock[] = [];
  for (const block of blocks) {
    if (block.type !== 'dynamic') {
      out.push({ block, scope: outer });
      continue;
    }
    const type = block.labels[0] ?? '';
    const want = labelCount[type];
    const typeRange = block.labelRanges[0] ?? block.typeRange;
    if (want === undefined) {
      diags.push(error('Unsupported block type', `Blocks of type "${type}" are not expected here.`, typeRange));
      continue;
    }
    const expansion = dynamicIterations(block, childContext(ctx, outer), diags);
    if (!expansion) continue;
    for (const it of expansion.iterations) {
      if (it.labels.length !== want) {
        diags.push(
          error(
            'Incorrect number of labels',
            `The dynamic block "${type}" generates blocks that need ${want} label${want === 1 ? '' : 's'}; its labels give ${it.labels.length}.`,
            typeRange,
          ),
        );
        break;
      }
      const labelRange: Range = typeRange;
      out.push({
        block: { ...block, type, typeRange, labels: it.labels, labelRanges: it.labels.map(() => labelRange), body: expansion.content.body },
        scope: { ...outer, ...it.scope },
      });
    }
  }
  return out;
}

/**
 * Evaluates a component's block body (builder, provisioner, post-processor, data source) into a ComponentConfig,
 * using the component's schema to tell nested blocks from attributes. Several bodies merge as HCL's MergeBodies does:
 * an argument set in two of them is an error (a build's `source` block may only fill in fields the source left unset).
 */
import type { ComponentSchema, FieldSpec } from '../../components/schema';
import { childContext, type EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import type { Block, Body } from '../hcl/ast';
import { rangeString } from '../hcl/template';
import type { ComponentConfig } from '../model';
import { error, type Diagnostic, type Range } from '../source';
import { readBody } from './body-read';
import { dynamicIterations } from './dynamic-blocks';

export function emptyConfig(range?: Range): ComponentConfig {
  return range ? { values: {}, ranges: {}, blocks: {}, range } : { values: {}, ranges: {}, blocks: {} };
}

/**
 * `reserved` names are meta arguments the loader reads itself (`only`, `name`, …); they are accepted and left out of the config.
 */
export function decodeComponentBodies(
  bodies: readonly Body[],
  fields: readonly FieldSpec[] | undefined,
  ctx: EvalContext,
  reserved: readonly string[],
  diags: Diagnostic[],
  range?: Range,
): ComponentConfig {
  const config = emptyConfig(range);
  const nameRanges: Record<string, Range> = {};
  for (const body of bodies) {
    const known = fields ?? [];
    const attrNames = new Set<string>([...known.filter((f) => !f.block).map((f) => f.name), ...reserved]);
    const blockTypes = new Set<string>(known.filter((f) => f.block).map((f) => f.name));
    // Names the schema does not know are still read, so validation can name them with a suggestion.
    if (body.syntax === 'native') {
      for (const a of body.attributes) if (!blockTypes.has(a.name)) attrNames.add(a.name);
      for (const b of body.blocks) if (!attrNames.has(b.type)) blockTypes.add(b.type);
    } else {
      for (const a of body.attributes) if (!blockTypes.has(a.name)) attrNames.add(a.name);
      for (const b of body.blocks) if (!blockTypes.has(b.type)) attrNames.add(b.type);
    }
    attrNames.delete('dynamic');
    blockTypes.add('dynamic');
    // Blocks the schema does not know keep the labels they were written with, so validation reports them as unsupported.
    const labelsOf = (type: string): string[] => {
      if (type === 'dynamic') return ['type'];
      if (known.some((f) => f.name === type)) return [];
      const written = body.blocks.find((b) => b.type === type);
      return (written?.labels ?? []).map((_, i) => `label${i}`);
    };
    const c = readBody(body, { attributes: [...attrNames], blocks: [...blockTypes].map((type) => ({ type, labels: labelsOf(type) })) });
    diags.push(...c.diagnostics);
    for (const attr of Object.values(c.attributes)) {
      if (reserved.includes(attr.name)) continue;
      if (nameRanges[attr.name]) {
        diags.push(error('Duplicate argument', `Argument "${attr.name}" was already set at ${rangeString(nameRanges[attr.name])}`, attr.nameRange));
        continue;
      }
      nameRanges[attr.name] = attr.nameRange;
      const r = evaluate(attr.expr, ctx);
      diags.push(...r.diagnostics);
      config.values[attr.name] = r.value;
      config.ranges[attr.name] = attr.expr.range;
      (config.nameRanges ??= {})[attr.name] = attr.nameRange;
    }
    for (const block of c.blocks) {
      if (block.type === 'dynamic') {
        expandDynamic(block, known, ctx, diags, config);
        continue;
      }
      const spec = known.find((f) => f.name === block.type);
      const nested = decodeComponentBodies([block.body], spec?.block?.fields, ctx, [], diags, block.range);
      (config.blocks[block.type] ??= []).push(nested);
      config.ranges[block.type] ??= block.typeRange;
    }
  }
  return config;
}

/** `dynamic "name" { … }` in a component's body: one `name` block per element (see dynamic-blocks.ts). */
function expandDynamic(
  block: Block,
  known: readonly FieldSpec[],
  ctx: EvalContext,
  diags: Diagnostic[],
  config: ComponentConfig,
): void {
  const expansion = dynamicIterations(block, ctx, diags);
  if (!expansion) return;
  const { type } = expansion;
  const spec = known.find((f) => f.name === type);
  // Each generated block starts at the label's type name (inside its quotes), where problems about the block belong.
  const label = block.labelRanges[0];
  const range: Range = label
    ? { filename: label.filename, start: { line: label.start.line, column: label.start.column + 1, byte: label.start.byte + 1 }, end: block.range.end }
    : block.range;
  for (const it of expansion.iterations) {
    const nested = decodeComponentBodies([expansion.content.body], spec?.block?.fields, childContext(ctx, it.scope), [], diags, range);
    (config.blocks[type] ??= []).push(nested);
    config.ranges[type] ??= block.labelRanges[0] ?? block.typeRange;
  }
}

export function schemaFields(schema: ComponentSchema | undefined): readonly FieldSpec[] | undefined {
  return schema?.fields;
}

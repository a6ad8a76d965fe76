/**
 * Checks a legacy component's config against Bakehouse's schema for its type. JSON writes nested blocks
 * (e.g. `launch_block_device_mappings`) as objects or lists of objects; those move into `blocks` first, as HCL2 has them.
 */
import type { FetchedFiles } from '../../components/files';
import { getSchema } from '../../components/registry';
import type { ComponentKind, FieldSpec } from '../../components/schema';
import { unknownComponentType, validateComponent } from '../../components/validate';
import type { ComponentConfig } from '../model';
import type { Diagnostic, Range } from '../source';
import type { Value } from '../values/value';
import { prop, type JsonNode } from './json';
import { isPackerBuiltIn } from './packer-types';

/**
 * `filesCwd`: where the files the config names are looked for (only when the caller gave a working directory);
 * `fetched`: what a builder's Prepare downloads, when the load fetches it (LoadOptions.checksumFiles).
 */
export function validateConfig(
  kind: ComponentKind,
  type: string,
  config: ComponentConfig,
  range: Range,
  node: JsonNode | undefined,
  diagnostics: Diagnostic[],
  options: { filesCwd?: string; fetched?: FetchedFiles } = {},
): void {
  const schema = getSchema(kind, type);
  if (!schema) {
    if (!isPackerBuiltIn(kind, type)) diagnostics.push(unknownComponentType(kind, type, node ? (prop(node, 'type')?.value.range ?? range) : range));
    return;
  }
  liftBlocks(schema.fields, config, node);
  diagnostics.push(...validateComponent(schema, config, range, { cwd: options.filesCwd, fetched: options.fetched }));
}

/** Moves values of block-typed fields into `config.blocks`, recursively, keeping ranges. */
function liftBlocks(fields: FieldSpec[], config: ComponentConfig, node: JsonNode | undefined): void {
  for (const f of fields) {
    if (!f.block) continue;
    const v = config.values[f.name];
    if (!v) continue;
    const p = node ? prop(node, f.name) : undefined;
    const items: Array<[Value, JsonNode | undefined]> = [];
    if (v.kind === 'object') items.push([v, p?.value]);
    else if (v.kind === 'tuple' && v.items.every((i) => i.kind === 'object')) {
      v.items.forEach((item, i) => items.push([item, p?.value.kind === 'array' ? p.value.items[i] : undefined]));
    } else continue;
    const blocks: ComponentConfig[] = [];
    for (const [item, itemNode] of items) {
      if (item.kind !== 'object') continue;
      const block: ComponentConfig = { values: { ...item.attrs }, ranges: {}, blocks: {}, range: itemNode?.range ?? config.ranges[f.name] };
      if (itemNode?.kind === 'object') for (const ip of itemNode.props) block.ranges[ip.key] = ip.range;
      liftBlocks(f.block.fields, block, itemNode);
      blocks.push(block);
    }
    config.blocks[f.name] = blocks;
    delete config.values[f.name];
  }
}

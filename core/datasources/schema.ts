/** A data source's config schema, read from the generated plugin spec so its fields are exactly the release's. */
import { GENERATED_PLUGINS } from '../components/generated';
import type { GeneratedField } from '../components/generated/types';
import type { ComponentSchema, FieldSpec } from '../components/schema';

/** The generated `data` component of `type`, with a one-line description per field where we wrote one. */
export function dataSourceSchema(type: string, description: string, descriptions: Record<string, string> = {}): ComponentSchema {
  const generated = GENERATED_PLUGINS.flatMap((p) => p.components).find((c) => c.kind === 'data' && c.type === type);
  if (!generated) throw new Error(`no generated schema for data source ${type}`);
  const field = (f: GeneratedField): FieldSpec => ({
    name: f.name,
    type: f.type,
    description: descriptions[f.name] ?? '',
    ...(f.required ? { required: true } : {}),
    ...(f.block ? { block: { repeated: f.block.repeated, fields: f.block.fields.map(field) } } : {}),
  });
  return { kind: 'data', type, description, fields: generated.fields.map(field) };
}

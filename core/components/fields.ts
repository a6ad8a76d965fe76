/** Short constructors so each component's config reads as a list of Packer fields. */
import type { FieldSpec, FieldType } from './schema';

type Extra = Omit<FieldSpec, 'name' | 'type' | 'description'>;

export function field(name: string, type: FieldType, description: string, extra: Extra = {}): FieldSpec {
  return { name, type, description, ...extra };
}

export const stringField = (name: string, description: string, extra?: Extra): FieldSpec => field(name, 'string', description, extra);
export const numberField = (name: string, description: string, extra?: Extra): FieldSpec => field(name, 'number', description, extra);
export const boolField = (name: string, description: string, extra?: Extra): FieldSpec => field(name, 'bool', description, extra);
export const durationField = (name: string, description: string, extra?: Extra): FieldSpec => field(name, 'duration', description, extra);
export const stringListField = (name: string, description: string, extra?: Extra): FieldSpec =>
  field(name, { list: 'string' }, description, extra);
export const stringMapField = (name: string, description: string, extra?: Extra): FieldSpec =>
  field(name, { map: 'string' }, description, extra);

/** A nested block (`name { … }`); `repeated` when Packer accepts the block several times. */
export function blockField(name: string, description: string, fields: FieldSpec[], repeated: boolean, extra: Extra = {}): FieldSpec {
  return { name, type: 'any', description, ...extra, block: { fields, repeated } };
}

/** Packer's `key`/`value` blocks (`tag { key = … value = … }`), the HCL2 spelling of a map that allows duplicate or computed keys. */
export function keyValueBlock(name: string, description: string): FieldSpec {
  return blockField(
    name,
    description,
    [stringField('key', 'The key.'), stringField('value', 'The value.')],
    true,
  );
}

/** Packer's `name`/`value` blocks (`azure_tag { name = … value = … }`). */
export function nameValueBlock(name: string, description: string): FieldSpec {
  return blockField(
    name,
    description,
    [stringField('name', 'The name.'), stringField('value', 'The value.')],
    true,
  );
}

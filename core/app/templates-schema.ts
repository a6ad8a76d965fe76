/**
 * A component's schema as the node form needs it: plain field descriptions that cross the contract (the renderer may not
 * load the registry itself, it would pull every plugin's config into the bundle).
 */
import type { ComponentForm, FormField, FormFieldType } from '../contract/types';
import { COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS, getSchema } from '../components/registry';
import type { ComponentSchema, FieldSpec, FieldType } from '../components/schema';

export function componentForm(kind: ComponentForm['kind'], type: string): ComponentForm | null {
  const schema = getSchema(kind, type);
  if (!schema) return null;
  const common = kind === 'provisioner' ? COMMON_PROVISIONER_FIELDS : kind === 'post-processor' ? COMMON_POST_PROCESSOR_FIELDS : [];
  const own = new Set(schema.fields.map((f) => f.name));
  return {
    kind,
    type,
    description: schema.description,
    // Undocumented fields (accepted, internal) stay out of the form as they stay out of the plugin's docs.
    fields: [...schema.fields.filter((f) => !f.undocumented).map((f) => formField(f, schema, false)), ...common.filter((f) => !own.has(f.name)).map((f) => formField(f, schema, true))],
  };
}

function formField(f: FieldSpec, schema: ComponentSchema, common: boolean): FormField {
  const [type, itemType] = formType(f.type);
  const oneOf = [...(schema.exactlyOneOf ?? []), ...(schema.atLeastOneOf ?? [])].find((g) => g.includes(f.name));
  const out: FormField = { name: f.name, type: f.block ? 'other' : type, description: f.description, required: f.required === true };
  if (itemType && !f.block) out.itemType = itemType;
  if (oneOf) out.oneOf = oneOf;
  if (f.default !== undefined && f.default !== null) out.default = typeof f.default === 'string' ? f.default : JSON.stringify(f.default);
  if (f.enum) out.enum = f.enum;
  if (f.sensitive) out.sensitive = true;
  if (f.deprecated) out.deprecated = f.deprecated;
  if (f.block) out.block = true;
  if (common) out.common = true;
  return out;
}

function formType(t: FieldType): [FormFieldType, FormField['itemType']?] {
  if (typeof t === 'string') return [t === 'any' ? 'other' : t];
  if ('list' in t) return ['list', itemOf(t.list)];
  if ('map' in t) return ['map', itemOf(t.map)];
  return ['other'];
}

function itemOf(t: FieldType): FormField['itemType'] {
  return typeof t === 'string' && t !== 'any' ? t : 'other';
}

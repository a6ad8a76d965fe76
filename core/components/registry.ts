/** Every component type Bakehouse knows, by kind and Packer type name, with its schema and its extra Prepare checks. */
import { dockerBuilderChecks, dockerBuilderSchema } from '../builders/docker/config';
import { manifestPostProcessorSchema } from '../post-processors/manifest/config';
import { fileProvisionerSchema } from '../provisioners/file/config';
import { shellProvisionerChecks, shellProvisionerSchema } from '../provisioners/shell/config';
import type { Check } from './checks';
import type { ComponentKind, ComponentSchema } from './schema';

export { COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS } from './engine-fields';

interface Registered {
  schema: ComponentSchema;
  checks: Check[];
}

const REGISTERED: Registered[] = [
  { schema: dockerBuilderSchema, checks: dockerBuilderChecks },
  { schema: shellProvisionerSchema, checks: shellProvisionerChecks },
  { schema: fileProvisionerSchema, checks: [] },
  { schema: manifestPostProcessorSchema, checks: [] },
];

const BY_KEY = new Map(REGISTERED.map((r) => [key(r.schema.kind, r.schema.type), r]));

function key(kind: ComponentKind, type: string): string {
  return `${kind}:${type}`;
}

export function getSchema(kind: ComponentKind, type: string): ComponentSchema | undefined {
  return BY_KEY.get(key(kind, type))?.schema;
}

export function allSchemas(): ComponentSchema[] {
  return REGISTERED.map((r) => r.schema);
}

/** Known type names of one kind, sorted. */
export function componentTypes(kind: ComponentKind): string[] {
  return REGISTERED.filter((r) => r.schema.kind === kind)
    .map((r) => r.schema.type)
    .sort();
}

/** The component's own Prepare rules beyond what its schema declares. */
export function getChecks(kind: ComponentKind, type: string): Check[] {
  return BY_KEY.get(key(kind, type))?.checks ?? [];
}

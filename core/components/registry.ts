/** Every component type Bakehouse knows, by kind and Packer type name, with its schema and its extra Prepare checks. */
import { amazonEbsBuilderChecks, amazonEbsBuilderSchema } from '../builders/amazon-ebs/config';
import { azureArmBuilderChecks, azureArmBuilderSchema } from '../builders/azure-arm/config';
import { dockerBuilderChecks, dockerBuilderSchema } from '../builders/docker/config';
import { fileBuilderChecks, fileBuilderSchema } from '../builders/file/config';
import { nullBuilderChecks, nullBuilderSchema } from '../builders/null/config';
import { qemuBuilderChecks, qemuBuilderSchema } from '../builders/qemu/config';
import { virtualboxIsoBuilderChecks, virtualboxIsoBuilderSchema } from '../builders/virtualbox-iso/config';
import { virtualboxOvfBuilderChecks, virtualboxOvfBuilderSchema } from '../builders/virtualbox-ovf/config';
import { artificePostProcessorSchema } from '../post-processors/artifice/config';
import { checksumPostProcessorChecks, checksumPostProcessorSchema } from '../post-processors/checksum/config';
import { compressPostProcessorChecks, compressPostProcessorSchema } from '../post-processors/compress/config';
import { dockerImportPostProcessorSchema } from '../post-processors/docker-import/config';
import { dockerPushPostProcessorChecks, dockerPushPostProcessorSchema } from '../post-processors/docker-push/config';
import { dockerSavePostProcessorSchema } from '../post-processors/docker-save/config';
import { dockerTagPostProcessorSchema } from '../post-processors/docker-tag/config';
import { manifestPostProcessorSchema } from '../post-processors/manifest/config';
import { shellLocalPostProcessorChecks, shellLocalPostProcessorSchema } from '../post-processors/shell-local/config';
import { vagrantPostProcessorSchema } from '../post-processors/vagrant/config';
import { ansibleLocalProvisionerChecks, ansibleLocalProvisionerSchema } from '../provisioners/ansible-local/config';
import { ansibleProvisionerChecks, ansibleProvisionerSchema } from '../provisioners/ansible/config';
import { breakpointProvisionerSchema } from '../provisioners/breakpoint/config';
import { chefSoloProvisionerChecks, chefSoloProvisionerSchema } from '../provisioners/chef-solo/config';
import { fileProvisionerChecks, fileProvisionerSchema } from '../provisioners/file/config';
import { puppetMasterlessProvisionerChecks, puppetMasterlessProvisionerSchema } from '../provisioners/puppet-masterless/config';
import { saltMasterlessProvisionerChecks, saltMasterlessProvisionerSchema } from '../provisioners/salt-masterless/config';
import { shellLocalProvisionerChecks, shellLocalProvisionerSchema } from '../provisioners/shell-local/config';
import { shellProvisionerChecks, shellProvisionerSchema } from '../provisioners/shell/config';
import { powershellProvisionerChecks, powershellProvisionerSchema } from '../provisioners/powershell/config';
import { windowsRestartProvisionerSchema } from '../provisioners/windows-restart/config';
import { windowsShellProvisionerChecks, windowsShellProvisionerSchema } from '../provisioners/windows-shell/config';
import type { Check } from './checks';
import type { ComponentKind, ComponentSchema, FieldSpec } from './schema';

export { COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS } from './engine-fields';

interface Registered {
  schema: ComponentSchema;
  checks: Check[];
}

const REGISTERED: Registered[] = [
  { schema: dockerBuilderSchema, checks: dockerBuilderChecks },
  { schema: qemuBuilderSchema, checks: qemuBuilderChecks },
  { schema: virtualboxIsoBuilderSchema, checks: virtualboxIsoBuilderChecks },
  { schema: virtualboxOvfBuilderSchema, checks: virtualboxOvfBuilderChecks },
  { schema: amazonEbsBuilderSchema, checks: amazonEbsBuilderChecks },
  { schema: azureArmBuilderSchema, checks: azureArmBuilderChecks },
  { schema: nullBuilderSchema, checks: nullBuilderChecks },
  { schema: fileBuilderSchema, checks: fileBuilderChecks },
  { schema: shellProvisionerSchema, checks: shellProvisionerChecks },
  { schema: fileProvisionerSchema, checks: fileProvisionerChecks },
  { schema: shellLocalProvisionerSchema, checks: shellLocalProvisionerChecks },
  { schema: breakpointProvisionerSchema, checks: [] },
  { schema: windowsShellProvisionerSchema, checks: windowsShellProvisionerChecks },
  { schema: powershellProvisionerSchema, checks: powershellProvisionerChecks },
  { schema: windowsRestartProvisionerSchema, checks: [] },
  { schema: ansibleProvisionerSchema, checks: ansibleProvisionerChecks },
  { schema: ansibleLocalProvisionerSchema, checks: ansibleLocalProvisionerChecks },
  { schema: puppetMasterlessProvisionerSchema, checks: puppetMasterlessProvisionerChecks },
  { schema: chefSoloProvisionerSchema, checks: chefSoloProvisionerChecks },
  { schema: saltMasterlessProvisionerSchema, checks: saltMasterlessProvisionerChecks },
  { schema: manifestPostProcessorSchema, checks: [] },
  { schema: checksumPostProcessorSchema, checks: checksumPostProcessorChecks },
  { schema: compressPostProcessorSchema, checks: compressPostProcessorChecks },
  { schema: artificePostProcessorSchema, checks: [] },
  { schema: shellLocalPostProcessorSchema, checks: shellLocalPostProcessorChecks },
  { schema: dockerImportPostProcessorSchema, checks: [] },
  { schema: dockerTagPostProcessorSchema, checks: [] },
  { schema: dockerPushPostProcessorSchema, checks: dockerPushPostProcessorChecks },
  { schema: dockerSavePostProcessorSchema, checks: [] },
  { schema: vagrantPostProcessorSchema, checks: [] },
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

/** The field at a path of names, descending into nested blocks (`["launch_block_device_mappings", "volume_size"]`), for hover and completion. */
export function findField(schema: ComponentSchema, path: readonly string[]): FieldSpec | undefined {
  let fields = schema.fields;
  let found: FieldSpec | undefined;
  for (const name of path) {
    found = fields.find((f) => f.name === name);
    if (!found) return undefined;
    fields = found.block?.fields ?? [];
  }
  return found;
}

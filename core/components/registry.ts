/**
 * Every component type Bakehouse knows, by kind and Packer type name, with its schema and its extra Prepare checks. The
 * schema served is the plugin's generated field list enriched by the hand-written one (merged-schema.ts), built on first use.
 */
import { amazonEbsBuilderChecks, amazonEbsBuilderSchema } from '../builders/amazon-ebs/config';
import { azureArmBuilderChecks, azureArmBuilderSchema } from '../builders/azure-arm/config';
import { dockerBuilderChecks, dockerBuilderSchema } from '../builders/docker/config';
import { fileBuilderChecks, fileBuilderSchema } from '../builders/file/config';
import { googlecomputeBuilderChecks, googlecomputeBuilderSchema } from '../builders/googlecompute/config';
import { nullBuilderChecks, nullBuilderSchema } from '../builders/null/config';
import { qemuBuilderChecks, qemuBuilderSchema } from '../builders/qemu/config';
import { virtualboxIsoBuilderChecks, virtualboxIsoBuilderSchema } from '../builders/virtualbox-iso/config';
import { vmwareIsoBuilderChecks, vmwareIsoBuilderSchema } from '../builders/vmware-iso/config';
import { vmwareVmxBuilderChecks, vmwareVmxBuilderSchema } from '../builders/vmware-vmx/config';
import { virtualboxOvfBuilderChecks, virtualboxOvfBuilderSchema } from '../builders/virtualbox-ovf/config';
import { amazonImportPostProcessorChecks, amazonImportPostProcessorSchema } from '../post-processors/amazon-import/config';
import { artificePostProcessorSchema } from '../post-processors/artifice/config';
import { checksumPostProcessorChecks, checksumPostProcessorSchema } from '../post-processors/checksum/config';
import { compressPostProcessorChecks, compressPostProcessorSchema } from '../post-processors/compress/config';
import { dockerImportPostProcessorSchema } from '../post-processors/docker-import/config';
import { dockerPushPostProcessorChecks, dockerPushPostProcessorSchema } from '../post-processors/docker-push/config';
import { dockerSavePostProcessorSchema } from '../post-processors/docker-save/config';
import { dockerTagPostProcessorSchema } from '../post-processors/docker-tag/config';
import { manifestPostProcessorSchema } from '../post-processors/manifest/config';
import { shellLocalPostProcessorChecks, shellLocalPostProcessorSchema } from '../post-processors/shell-local/config';
import { uploadPostProcessorChecks, uploadPostProcessorSchema } from '../post-processors/upload/config';
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
import { amazonPlugin } from './generated/amazon';
import { ansiblePlugin } from './generated/ansible';
import { azurePlugin } from './generated/azure';
import { chefPlugin } from './generated/chef';
import { dockerPlugin } from './generated/docker';
import { googlecomputePlugin } from './generated/googlecompute';
import { packerPlugin } from './generated/packer';
import { puppetPlugin } from './generated/puppet';
import { qemuPlugin } from './generated/qemu';
import { saltPlugin } from './generated/salt';
import type { GeneratedPlugin } from './generated/types';
import { vagrantPlugin } from './generated/vagrant';
import { virtualboxPlugin } from './generated/virtualbox';
import { vmwarePlugin } from './generated/vmware';
import { mergeSchema } from './merged-schema';
import type { ComponentKind, ComponentSchema, FieldSpec } from './schema';

export { COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS } from './engine-fields';

interface Registered {
  /** The hand-written schema (the plugin folder's config.ts). */
  schema: ComponentSchema;
  checks: Check[];
  /**
   * The generated plugin that declares the component's fields (scripts/plugin-versions.json pins its version); none for
   * Bakehouse's own components (`bakehouseOnly`), which Packer does not have.
   */
  plugin?: GeneratedPlugin;
  /** False where Bakehouse does not act on the fields itself: a builder it validates but cannot run yet, or a type the user's Packer runs. */
  runs?: false;
}

const REGISTERED: Registered[] = [
  { schema: dockerBuilderSchema, checks: dockerBuilderChecks, plugin: dockerPlugin },
  { schema: qemuBuilderSchema, checks: qemuBuilderChecks, plugin: qemuPlugin },
  { schema: virtualboxIsoBuilderSchema, checks: virtualboxIsoBuilderChecks, plugin: virtualboxPlugin },
  { schema: virtualboxOvfBuilderSchema, checks: virtualboxOvfBuilderChecks, plugin: virtualboxPlugin },
  { schema: vmwareIsoBuilderSchema, checks: vmwareIsoBuilderChecks, plugin: vmwarePlugin },
  { schema: vmwareVmxBuilderSchema, checks: vmwareVmxBuilderChecks, plugin: vmwarePlugin },
  { schema: amazonEbsBuilderSchema, checks: amazonEbsBuilderChecks, plugin: amazonPlugin, runs: false },
  { schema: azureArmBuilderSchema, checks: azureArmBuilderChecks, plugin: azurePlugin },
  { schema: googlecomputeBuilderSchema, checks: googlecomputeBuilderChecks, plugin: googlecomputePlugin },
  { schema: nullBuilderSchema, checks: nullBuilderChecks, plugin: packerPlugin },
  { schema: fileBuilderSchema, checks: fileBuilderChecks, plugin: packerPlugin },
  { schema: shellProvisionerSchema, checks: shellProvisionerChecks, plugin: packerPlugin },
  { schema: fileProvisionerSchema, checks: fileProvisionerChecks, plugin: packerPlugin },
  { schema: shellLocalProvisionerSchema, checks: shellLocalProvisionerChecks, plugin: packerPlugin },
  { schema: breakpointProvisionerSchema, checks: [], plugin: packerPlugin },
  // Bakehouse runs these over SSH, and the user's Packer (core/packer-bridge) over WinRM or with powershell's elevated_user:
  // every field is acted on by one or the other, so none is marked "not used".
  { schema: windowsShellProvisionerSchema, checks: windowsShellProvisionerChecks, plugin: packerPlugin, runs: false },
  { schema: powershellProvisionerSchema, checks: powershellProvisionerChecks, plugin: packerPlugin, runs: false },
  { schema: windowsRestartProvisionerSchema, checks: [], plugin: packerPlugin, runs: false },
  { schema: ansibleProvisionerSchema, checks: ansibleProvisionerChecks, plugin: ansiblePlugin },
  { schema: ansibleLocalProvisionerSchema, checks: ansibleLocalProvisionerChecks, plugin: ansiblePlugin },
  { schema: puppetMasterlessProvisionerSchema, checks: puppetMasterlessProvisionerChecks, plugin: puppetPlugin },
  { schema: chefSoloProvisionerSchema, checks: chefSoloProvisionerChecks, plugin: chefPlugin },
  { schema: saltMasterlessProvisionerSchema, checks: saltMasterlessProvisionerChecks, plugin: saltPlugin },
  { schema: manifestPostProcessorSchema, checks: [], plugin: packerPlugin },
  { schema: checksumPostProcessorSchema, checks: checksumPostProcessorChecks, plugin: packerPlugin },
  { schema: compressPostProcessorSchema, checks: compressPostProcessorChecks, plugin: packerPlugin },
  { schema: artificePostProcessorSchema, checks: [], plugin: packerPlugin },
  { schema: shellLocalPostProcessorSchema, checks: shellLocalPostProcessorChecks, plugin: packerPlugin },
  { schema: dockerImportPostProcessorSchema, checks: [], plugin: dockerPlugin },
  { schema: dockerTagPostProcessorSchema, checks: [], plugin: dockerPlugin },
  { schema: dockerPushPostProcessorSchema, checks: dockerPushPostProcessorChecks, plugin: dockerPlugin },
  { schema: dockerSavePostProcessorSchema, checks: [], plugin: dockerPlugin },
  { schema: vagrantPostProcessorSchema, checks: [], plugin: vagrantPlugin },
  { schema: uploadPostProcessorSchema, checks: uploadPostProcessorChecks },
  { schema: amazonImportPostProcessorSchema, checks: amazonImportPostProcessorChecks, plugin: amazonPlugin },
];

const BY_KEY = new Map(REGISTERED.map((r) => [key(r.schema.kind, r.schema.type), r]));
const MERGED = new Map<string, ComponentSchema>();

function key(kind: ComponentKind, type: string): string {
  return `${kind}:${type}`;
}

export function getSchema(kind: ComponentKind, type: string): ComponentSchema | undefined {
  const k = key(kind, type);
  const r = BY_KEY.get(k);
  return r && served(r);
}

export function allSchemas(): ComponentSchema[] {
  return REGISTERED.map(served);
}

/** The hand-written schemas as declared, for the report on what the generated specs changed (docs/schema-differences.md). */
export function handWrittenSchemas(): ComponentSchema[] {
  return REGISTERED.map((r) => r.schema);
}

/** Merged once per component, on first use, so a CLI command that never validates pays nothing for it. */
function served(r: Registered): ComponentSchema {
  const k = key(r.schema.kind, r.schema.type);
  let schema = MERGED.get(k);
  if (!schema) {
    const generated = r.plugin?.components.find((c) => c.kind === r.schema.kind && c.type === r.schema.type);
    // Each registered component but Bakehouse's own has its spec (test/components/generated-schemas.test.ts holds to it).
    schema = generated && r.plugin ? mergeSchema(r.schema, generated, { plugin: r.plugin.name, version: r.plugin.version, runs: r.runs ?? true }) : r.schema;
    MERGED.set(k, schema);
  }
  return schema;
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

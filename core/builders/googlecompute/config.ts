/**
 * The googlecompute builder's configuration: starts a Compute Engine instance from a public or private image (or an
 * image family's newest), provisions it over SSH and makes an image of its boot disk. Field meanings and defaults are
 * packer-plugin-googlecompute v1.2.7's (builder/googlecompute/config.go, lib/common/auth.go); its Prepare rules are
 * `googlecomputeChecks` below, in its words. Settings the builder refuses (OS Login, WinRM, IAP, extra disks…) are
 * refused in read-config.ts; fields the plugin has that are not listed here validate with a "not used yet" warning.
 */
import { problem, type Check, type CheckProblem } from '../../components/checks';
import { boolField, durationField, numberField, stringField, stringListField, stringMapField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

/** The plugin's scopes when `scopes` is not given (config.go). */
export const DEFAULT_SCOPES = ['https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/compute', 'https://www.googleapis.com/auth/devstorage.full_control'];

export const googlecomputeBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'googlecompute',
  description: 'Builds a Google Compute Engine image by provisioning a temporary instance and imaging its boot disk.',
  fields: [
    ...communicatorFields('ssh'),
    stringField('project_id', 'Project to build in.', { required: true }),
    stringField('zone', 'Zone the instance runs in, e.g. "us-central1-a".', { required: true }),
    stringField('region', 'Region of the subnetwork; by default the zone\'s region.'),
    stringField('account_file', 'Service account key: a JSON key file\'s path, or its contents (deprecated by the plugin for credentials_file/credentials_json).', { sensitive: true }),
    stringField('credentials_file', 'Path to a service account JSON key file.'),
    stringField('credentials_json', 'Contents of a service account JSON key file.', { sensitive: true }),
    stringField('access_token', 'OAuth 2.0 access token to call Compute Engine with.', { sensitive: true }),
    stringField('impersonate_service_account', 'Service account the credentials act as (through IAM Credentials).'),
    stringListField('scopes', 'OAuth scopes of the instance\'s service account.'),
    stringMapField('custom_endpoints', 'Endpoints to call instead of Google\'s, by service: { compute = "https://…/compute/v1/" }.'),
    stringField('universe_domain', 'Universe domain of the APIs; googleapis.com by default.'),
    stringField('source_image', 'Image to start from.'),
    stringField('source_image_family', 'Image family whose newest image to start from.'),
    stringListField('source_image_project_id', 'Projects to look for the source image in; by default project_id and Google\'s public image projects.'),
    stringField('machine_type', 'Machine type of the instance.', { default: 'e2-standard-2' }),
    numberField('disk_size', 'Size of the boot disk in GB.', { default: 20 }),
    stringField('disk_type', 'Type of the boot disk, e.g. pd-standard, pd-ssd, pd-balanced.', { default: 'pd-standard' }),
    stringField('disk_name', 'Name of the boot disk; by default the instance\'s name.'),
    stringField('instance_name', 'Name of the instance; packer-<uuid> by default.'),
    stringField('image_name', 'Name of the image to create.', { default: 'packer-{{timestamp}}' }),
    stringField('image_family', 'Family of the image to create.'),
    stringField('image_description', 'Description of the image.', { default: 'Created by Packer' }),
    stringMapField('image_labels', 'Labels of the image.'),
    stringListField('image_storage_locations', 'Where the image is stored (one region or multi-region).'),
    stringField('image_project_id', 'Project the image is created in; by default project_id.'),
    stringMapField('labels', 'Labels of the instance and its disk.'),
    stringListField('tags', 'Network tags of the instance.'),
    stringField('network', 'Network of the instance.', { default: 'default' }),
    stringField('subnetwork', 'Subnetwork of the instance.'),
    stringField('network_project_id', 'Project of the network (a shared VPC\'s host project); by default project_id.'),
    boolField('omit_external_ip', 'Give the instance no external IP (then use_internal_ip must be true).', { default: false }),
    boolField('use_internal_ip', 'Connect to the instance\'s internal IP.', { default: false }),
    boolField('preemptible', 'Make the instance preemptible.', { default: false }),
    stringField('on_host_maintenance', 'What the instance does on host maintenance.', { enum: ['MIGRATE', 'TERMINATE'] }),
    stringMapField('metadata', 'Metadata of the instance.'),
    stringMapField('metadata_files', 'Metadata of the instance, each value read from a file.'),
    stringField('startup_script_file', 'File whose contents is the instance\'s startup-script metadata.'),
    boolField('wrap_startup_script', 'Wrap the startup script so it records its end in the instance\'s startup-script-status metadata, and wait for that after provisioning; on by default with startup_script_file.'),
    stringField('service_account_email', 'Service account the instance runs as.'),
    boolField('disable_default_service_account', 'Give the instance no service account.', { default: false }),
    boolField('skip_create_image', 'Build and provision the instance but make no image.', { default: false }),
    durationField('state_timeout', 'How long to wait for the instance, disk and image to reach a state.', { default: '5m' }),
    boolField('use_os_login', 'Connect through OS Login (not supported by Bakehouse).', { default: false }),
  ],
  messages: {
    required: { project_id: 'a project_id must be specified', zone: 'a zone must be specified' },
    enum: { ...COMMUNICATOR_ENUM_MESSAGES, on_host_maintenance: 'on_host_maintenance must be one of MIGRATE or TERMINATE.' },
  },
};

/** Image names and families (config.go's validImageName). */
const VALID_IMAGE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Label keys and values as the plugin checks them (lib/common labels: AreLabelsValid). */
// The plugin's label rules (Config.AreLabelsValid), whose source its messages quote as Go's %q prints them.
const LABEL_KEY = { re: /^\p{Ll}[\p{Ll}0-9_-]{0,62}$/u, source: '^\\p{Ll}[\\p{Ll}0-9_-]{0,62}$' };
const LABEL_VALUE = { re: /^[\p{Ll}0-9_-]{0,63}$/u, source: '^[\\p{Ll}0-9_-]{0,63}$' };

/** Config.Prepare's rules, in its order and words. */
const googlecomputeChecks: Check = (c) => {
  const out: CheckProblem[] = [];
  const add = (message: string, field?: string): void => void out.push(problem(message, field));
  const preemptible = c.bool('preemptible');
  if (c.string('on_host_maintenance') === 'MIGRATE' && preemptible) add('on_host_maintenance must be TERMINATE when using preemptible instances.', 'on_host_maintenance');
  const imageText = 'Invalid image %s %q: The first character must be a lowercase letter, and all following characters must be a dash, lowercase letter, or digit, except the last character, which cannot be a dash';
  const name = c.string('image_name');
  // An image_name with a template call ({{timestamp}}) is only known once rendered at build time.
  if (name !== '' && !name.includes('{{') && !c.isUnknown('image_name')) {
    if (!VALID_IMAGE_NAME.test(name)) add(imageText.replace('%s', 'name').replace('%q', JSON.stringify(name)), 'image_name');
    if (name.length > 63) add('Invalid image name: Must not be longer than 63 characters', 'image_name');
  }
  const family = c.string('image_family');
  if (family.length > 63) add('Invalid image family: Must not be longer than 63 characters', 'image_family');
  if (family !== '' && !c.isUnknown('image_family') && !VALID_IMAGE_NAME.test(family)) add(imageText.replace('%s', 'family').replace('%q', JSON.stringify(family)), 'image_family');
  if (c.strings('image_storage_locations').length > 1) add('Invalid image storage locations: Must not have more than 1 region', 'image_storage_locations');
  if (!c.isSet('source_image') && !c.isSet('source_image_family')) add('a source_image or source_image_family must be specified');
  const auth = ['access_token', 'account_file', 'credentials_file', 'credentials_json', 'impersonate_service_account', 'vault_gcp_oauth_engine'].filter((f) => c.isSet(f));
  if (auth.length > 1) add(`too many authentication methods specified (${auth.join(', ')}), choose only one`);
  if (c.isSet('account_file')) add('account_file is deprecated, please use either credentials_json or credentials_file instead', 'account_file');
  if (c.bool('omit_external_ip') && c.isSet('address')) add("you can not specify an external address when 'omit_external_ip' is true", 'address');
  if (c.bool('omit_external_ip') && !c.bool('use_internal_ip')) add("'use_internal_ip' must be true if 'omit_external_ip' is true", 'use_internal_ip');
  if (c.bool('disable_default_service_account') && c.isSet('service_account_email')) add("you may not specify a 'service_account_email' when 'disable_default_service_account' is true", 'service_account_email');
  // Only image_labels: Prepare leaves the instance's labels to the API. A value still holding `{{ }}` is checked after
  // Packer renders it (`{{ timestamp }}` becomes digits), so it cannot be judged here.
  for (const key of labelKeys(c, 'image_labels')) {
    if (!LABEL_KEY.re.test(key.name)) add(`key ${JSON.stringify(key.name)} must match regex ${JSON.stringify(LABEL_KEY.source)}`, 'image_labels');
    if (key.value !== undefined && !key.value.includes('{{') && !LABEL_VALUE.re.test(key.value)) {
      add(`value ${JSON.stringify(key.value)} for key ${JSON.stringify(key.name)} must match regex ${JSON.stringify(LABEL_VALUE.source)}`, 'image_labels');
    }
  }
  return out.map((p) => (p.message.startsWith('account_file is deprecated') ? { ...p, severity: 'warning' as const } : p));
};

/** A map field's keys and string values, as far as they are known (an unknown value is checked at build time). */
function labelKeys(c: Parameters<Check>[0], field: string): { name: string; value?: string }[] {
  const v = c.config.values[field];
  if (!v) return [];
  const entries = v.kind === 'map' ? Object.entries(v.entries) : v.kind === 'object' ? Object.entries(v.attrs) : [];
  return entries.map(([name, item]) => ({ name, ...(item.kind === 'string' ? { value: item.value } : {}) }));
}

export const googlecomputeBuilderChecks: Check[] = [communicatorChecks('ssh'), googlecomputeChecks];

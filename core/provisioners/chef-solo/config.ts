/** The chef-solo provisioner's configuration: installs Chef on the machine and runs chef-solo with uploaded cookbooks. */
import { guestOsTypeCheck, GUEST_OS_TYPE_FIELD } from '../../components/common/guest-os';
import { boolField, field, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { pathProblems, problem, type Check } from '../../components/checks';

export const chefSoloProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'chef-solo',
  description: 'Runs chef-solo on the machine being built with cookbooks uploaded from this machine.',
  fields: [
    stringField('chef_environment', 'Chef environment to run in.'),
    stringField('chef_license', 'How the Chef license is accepted.', { default: 'accept-silent' }),
    stringField('config_template', 'Local template for the generated solo.rb.'),
    stringListField('cookbook_paths', 'Local cookbook folders to upload.'),
    stringField('roles_path', 'Local roles folder to upload.'),
    stringField('data_bags_path', 'Local data bags folder to upload.'),
    stringField('encrypted_data_bag_secret_path', 'Local file with the secret for encrypted data bags.'),
    stringField('environments_path', 'Local environments folder to upload.'),
    stringField('execute_command', 'Template of the command that runs chef-solo.'),
    stringField('install_command', 'Template of the command that installs Chef.'),
    stringListField('remote_cookbook_paths', 'Cookbook folders already on the machine.'),
    // The plugin's HCL2 spec skips `json` (HCL cannot decode into an interface{}), so HCL2 templates give json_string;
    // legacy JSON templates may still give the map (packer-plugin-chef v1.0.2 provisioner/chef-solo/provisioner.go).
    field('json', { map: 'any' }, 'Node attributes passed to chef-solo as JSON (legacy JSON templates only).', { legacyJsonOnly: true }),
    stringField('json_string', 'Node attributes as a JSON string, e.g. jsonencode({ … }); merged into json.'),
    boolField('prevent_sudo', 'Run Chef without sudo.', { default: false }),
    stringListField('run_list', 'Recipes and roles to run.'),
    boolField('skip_install', 'Assume Chef is already installed.', { default: false }),
    stringField('staging_directory', 'Folder on the machine the files are uploaded to.', { default: '/tmp/packer-chef-solo' }),
    GUEST_OS_TYPE_FIELD,
    stringField('version', 'Chef version to install; the latest by default.'),
  ],
};

/** Packer's words for each local path chef-solo uploads; a path of the wrong kind gets the same sentence. */
const filesCheck: Check = (c) => {
  const dir = (field: string, label: string, paths: string[]): ReturnType<Check> =>
    pathProblems(c, field, paths, 'dir', {
      missing: (p, err) => `Bad ${label} '${p}': ${err}`,
      wrongKind: (p) => `Bad ${label} '${p}': not a directory`,
    });
  return [
    ...pathProblems(c, 'config_template', [c.string('config_template')], 'file', {
      missing: (_p, err) => `Bad config template path: ${err}`,
      wrongKind: () => 'Config template path must be a file',
    }),
    ...dir('cookbook_paths', 'cookbook path', c.strings('cookbook_paths')),
    ...dir('roles_path', 'roles path', [c.string('roles_path')]),
    ...dir('data_bags_path', 'data bags path', [c.string('data_bags_path')]),
    ...pathProblems(c, 'encrypted_data_bag_secret_path', [c.string('encrypted_data_bag_secret_path')], 'file', {
      missing: (p, err) => `Bad encrypted data bag secret '${p}': ${err}`,
      wrongKind: (p) => `Bad encrypted data bag secret '${p}': is a directory`,
    }),
    ...dir('environments_path', 'environments path', [c.string('environments_path')]),
  ];
};

/** Prepare unmarshals json_string first and stops there when it is not a JSON object (packer-plugin-chef v1.0.2 provisioner.go). */
const jsonStringCheck: Check = (c) => {
  const text = c.string('json_string');
  if (text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return [];
    return [problem("Failed to unmarshal 'json_string': not a JSON object", 'json_string')];
  } catch (e) {
    return [problem(`Failed to unmarshal 'json_string': ${(e as Error).message}`, 'json_string')];
  }
};

export const chefSoloProvisionerChecks: Check[] = [jsonStringCheck, guestOsTypeCheck, filesCheck];

/** The chef-solo provisioner's configuration: installs Chef on the machine and runs chef-solo with uploaded cookbooks. */
import { guestOsTypeCheck, GUEST_OS_TYPE_FIELD } from '../../components/common/guest-os';
import { boolField, field, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import type { Check } from '../../components/checks';

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
    // Packer decodes JSON templates' nested objects here too, so values are not limited to strings.
    field('json', { map: 'any' }, 'Node attributes passed to chef-solo as JSON.'),
    boolField('prevent_sudo', 'Run Chef without sudo.', { default: false }),
    stringListField('run_list', 'Recipes and roles to run.'),
    boolField('skip_install', 'Assume Chef is already installed.', { default: false }),
    stringField('staging_directory', 'Folder on the machine the files are uploaded to.', { default: '/tmp/packer-chef-solo' }),
    GUEST_OS_TYPE_FIELD,
    stringField('version', 'Chef version to install; the latest by default.'),
  ],
};

export const chefSoloProvisionerChecks: Check[] = [guestOsTypeCheck];

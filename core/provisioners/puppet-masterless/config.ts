/** The puppet-masterless provisioner's configuration: uploads Puppet manifests and applies them on the machine with `puppet apply`. */
import { guestOsTypeCheck, GUEST_OS_TYPE_FIELD } from '../../components/common/guest-os';
import { boolField, stringField, stringListField, stringMapField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { pathProblems, type Check } from '../../components/checks';

export const puppetMasterlessProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'puppet-masterless',
  description: 'Applies Puppet manifests on the machine being built, without a Puppet server.',
  fields: [
    boolField('clean_staging_directory', 'Delete the staging folder when done.', { default: false }),
    GUEST_OS_TYPE_FIELD,
    stringField('execute_command', 'Template of the command that runs puppet apply.'),
    stringListField('extra_arguments', 'Extra command-line arguments for puppet apply.'),
    stringMapField('facter', 'Facts to set, as name to value.'),
    stringField('hiera_config_path', 'Local Hiera configuration file to upload.'),
    boolField('ignore_exit_codes', 'Treat any exit code from Puppet as success.', { default: false }),
    stringListField('module_paths', 'Local module folders to upload.'),
    stringField('manifest_file', 'Local manifest file (or folder of manifests) to apply.', { required: true }),
    stringField('manifest_dir', 'Local folder of manifests that manifest_file may import.'),
    boolField('prevent_sudo', 'Run Puppet without sudo.', { default: false }),
    stringField('puppet_bin_dir', 'Folder on the machine holding the puppet program.'),
    stringField('staging_directory', 'Folder on the machine the files are uploaded to.', { default: '/tmp/packer-puppet-masterless' }),
    stringField('working_directory', 'Folder Puppet runs in; defaults to the staging folder.'),
    stringField('elevated_user', 'Windows user to run Puppet as, with elevated rights.'),
    stringField('elevated_password', 'Password of elevated_user.', { sensitive: true }),
  ],
  messages: { required: { manifest_file: 'A manifest_file must be specified.' } },
};

const filesCheck: Check = (c) => [
  ...pathProblems(c, 'hiera_config_path', [c.string('hiera_config_path')], 'file', {
    missing: (_p, err) => `hiera_config_path is invalid: ${err}`,
    wrongKind: () => 'hiera_config_path must point to a file',
  }),
  ...pathProblems(c, 'manifest_dir', [c.string('manifest_dir')], 'dir', {
    missing: (_p, err) => `manifest_dir is invalid: ${err}`,
    wrongKind: () => 'manifest_dir must point to a directory',
  }),
  ...pathProblems(c, 'manifest_file', [c.string('manifest_file')], 'any', { missing: (_p, err) => `manifest_file is invalid: ${err}` }),
  ...c.strings('module_paths').flatMap((p, i) =>
    pathProblems(c, 'module_paths', [p], 'dir', {
      missing: (_p, err) => `module_path[${i}] is invalid: ${err}`,
      wrongKind: () => `module_path[${i}] must point to a directory`,
    }),
  ),
];

export const puppetMasterlessProvisionerChecks: Check[] = [guestOsTypeCheck, filesCheck];

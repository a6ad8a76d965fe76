/** The ansible-local provisioner's configuration: uploads playbooks and runs Ansible on the machine being built. */
import { ansiblePathWords, pathProblems, type Check } from '../../components/checks';
import { boolField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const ansibleLocalProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'ansible-local',
  description: 'Runs Ansible on the machine being built, in local mode, after uploading the playbooks.',
  fields: [
    stringField('command', 'Command run on the machine to apply a playbook.', {
      default: 'ANSIBLE_FORCE_COLOR=1 PYTHONUNBUFFERED=1 ansible-playbook',
    }),
    stringListField('extra_arguments', 'Extra command-line arguments for ansible-playbook.'),
    stringField('group_vars', 'Local group_vars folder to upload.'),
    stringField('host_vars', 'Local host_vars folder to upload.'),
    stringField('playbook_dir', 'Local folder with the playbook and its files, uploaded as a whole.'),
    stringField('playbook_file', 'Path of the playbook to run.'),
    stringListField('playbook_files', 'Paths of several playbooks to run, in order.'),
    stringListField('playbook_paths', 'Local folders of included playbooks to upload.'),
    stringListField('role_paths', 'Local role folders to upload.'),
    stringField('staging_directory', 'Folder on the machine the files are uploaded to.', { default: '/tmp/packer-provisioner-ansible-local/<uuid>' }),
    boolField('clean_staging_directory', 'Delete the staging folder when done.', { default: false }),
    stringField('inventory_file', 'Local inventory file to upload and use.'),
    stringListField('inventory_groups', 'Inventory groups 127.0.0.1 is put in.'),
    stringField('galaxy_file', 'requirements.yml to install roles from with ansible-galaxy first.'),
    stringField('galaxy_command', 'Program run to install galaxy roles.', { default: 'ansible-galaxy' }),
  ],
  exactlyOneOf: [['playbook_file', 'playbook_files']],
  messages: {
    exactlyOneOf: [
      {
        none: 'Either playbook_file or playbook_files must be specified',
        many: 'Either playbook_file or playbook_files can be specified, not both',
      },
    ],
  },
};

const filesCheck: Check = (c) => {
  const file = (field: string, paths: string[]): ReturnType<Check> => pathProblems(c, field, paths, 'file', ansiblePathWords(field, 'file'));
  const dir = (field: string, paths: string[]): ReturnType<Check> => pathProblems(c, field, paths, 'dir', ansiblePathWords(field, 'dir'));
  return [
    ...file('playbook_file', [c.string('playbook_file')]),
    ...file('playbook_files', c.strings('playbook_files')),
    ...file('inventory_file', [c.string('inventory_file')]),
    ...file('galaxy_file', [c.string('galaxy_file')]),
    ...dir('playbook_dir', [c.string('playbook_dir')]),
    ...dir('group_vars', [c.string('group_vars')]),
    ...dir('host_vars', [c.string('host_vars')]),
    ...dir('playbook_paths', c.strings('playbook_paths')),
    ...dir('role_paths', c.strings('role_paths')),
  ];
};

export const ansibleLocalProvisionerChecks: Check[] = [filesCheck];

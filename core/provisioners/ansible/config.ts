/** The ansible provisioner's configuration: runs ansible-playbook on the machine running Packer against the machine being built. */
import { ansiblePathWords, pathProblems, problem, type Check } from '../../components/checks';
import { boolField, numberField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const ansibleProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'ansible',
  description: 'Runs an Ansible playbook from the machine running Packer, connecting to the machine being built.',
  fields: [
    stringField('command', 'Program run to apply the playbook.', { default: 'ansible-playbook' }),
    stringListField('extra_arguments', 'Extra command-line arguments for ansible-playbook.'),
    stringListField('ansible_env_vars', 'Environment variables for ansible-playbook, each as KEY=value.'),
    stringField('playbook_file', 'Path of the playbook to run.', { required: true }),
    stringListField('ansible_ssh_extra_args', 'Extra arguments Ansible passes to ssh.'),
    stringListField('groups', 'Inventory groups the machine is put in.'),
    stringListField('empty_groups', 'Inventory groups created without any hosts.'),
    stringField('host_alias', 'Name of the machine in the generated inventory.', { default: 'default' }),
    stringField('user', 'User Ansible connects as; defaults to the user running Packer.'),
    numberField('local_port', 'Port of the local SSH proxy Packer gives Ansible; random by default.'),
    stringField('ssh_host_key_file', 'Private key the local SSH proxy presents as its host key.'),
    stringField('ssh_authorized_key_file', 'Public key Ansible must authenticate with to the local SSH proxy.'),
    stringField('sftp_command', 'SFTP server command run on the machine.', { default: '/usr/lib/sftp-server -e' }),
    boolField('skip_version_check', 'Do not run ansible-playbook --version before the build.', { default: false }),
    boolField('use_sftp', 'Transfer files with SFTP instead of SCP.', { default: false }),
    stringField('inventory_directory', 'Folder the generated inventory file is written to.'),
    stringField('inventory_file_template', 'Template for the generated inventory file.'),
    stringField('inventory_file', 'Use this inventory file instead of generating one.'),
    boolField('keep_inventory_file', 'Keep the generated inventory file after the build.', { default: false }),
    stringField('galaxy_file', 'requirements.yml to install roles from with ansible-galaxy first.'),
    stringField('galaxy_command', 'Program run to install galaxy roles.', { default: 'ansible-galaxy' }),
    boolField('galaxy_force_install', 'Reinstall galaxy roles even if they are present.', { default: false }),
    stringField('roles_path', 'Folder galaxy roles are installed into.'),
    stringField('collections_path', 'Folder galaxy collections are installed into.'),
    boolField('use_proxy', 'Connect Ansible through Packer\'s local SSH proxy instead of directly.', { default: true }),
  ],
  messages: { required: { playbook_file: 'playbook_file must be specified.' } },
};

const portCheck: Check = (c) => {
  const port = c.number('local_port');
  return port !== undefined && port > 65535 ? [problem(`local_port: ${port} must be a valid port`, 'local_port')] : [];
};

const filesCheck: Check = (c) => [
  ...pathProblems(c, 'playbook_file', [c.string('playbook_file')], 'file', ansiblePathWords('playbook_file', 'file')),
  ...pathProblems(c, 'galaxy_file', [c.string('galaxy_file')], 'file', ansiblePathWords('galaxy_file', 'file')),
  ...pathProblems(c, 'ssh_authorized_key_file', [c.string('ssh_authorized_key_file')], 'file', ansiblePathWords('ssh_authorized_key_file', 'file')),
  ...pathProblems(c, 'ssh_host_key_file', [c.string('ssh_host_key_file')], 'file', ansiblePathWords('ssh_host_key_file', 'file')),
  ...pathProblems(c, 'inventory_directory', [c.string('inventory_directory')], 'dir', ansiblePathWords('inventory_directory', 'dir')),
];

export const ansibleProvisionerChecks: Check[] = [filesCheck, portCheck];

/** The salt-masterless provisioner's configuration: bootstraps Salt on the machine and applies uploaded states with salt-call. */
import { pathProblems, problem, type Check, type PathWords } from '../../components/checks';
import { guestOsTypeCheck, GUEST_OS_TYPE_FIELD } from '../../components/common/guest-os';
import { boolField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const saltMasterlessProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'salt-masterless',
  description: 'Applies Salt states on the machine being built with salt-call, without a Salt master.',
  fields: [
    boolField('skip_bootstrap', 'Assume Salt is already installed.', { default: false }),
    stringField('bootstrap_args', 'Arguments for the Salt bootstrap script.'),
    boolField('disable_sudo', 'Run commands without sudo.', { default: false }),
    stringField('custom_state', 'State to apply instead of the highstate.'),
    stringField('minion_config', 'Local minion configuration file to upload.'),
    stringField('grains_file', 'Local grains file to upload.'),
    stringField('local_state_tree', 'Local folder of Salt states to upload.', { required: true }),
    stringField('local_pillar_roots', 'Local folder of pillar data to upload.'),
    stringField('remote_state_tree', 'Where the states go on the machine.', { default: '/srv/salt' }),
    stringField('remote_pillar_roots', 'Where the pillar data goes on the machine.', { default: '/srv/pillar' }),
    stringField('temp_config_dir', 'Folder on the machine for uploads before they are moved into place.', { default: '/tmp/salt' }),
    boolField('no_exit_on_failure', 'Do not fail the build when salt-call fails.', { default: false }),
    stringField('log_level', 'Salt log level, e.g. "info" or "debug".'),
    stringField('salt_call_args', 'Extra arguments for salt-call.'),
    stringField('salt_bin_dir', 'Folder on the machine holding salt-call.'),
    GUEST_OS_TYPE_FIELD,
    stringListField('formulas', 'Git URLs of Salt formulas to fetch (each with a // subfolder).'),
  ],
  messages: { required: { local_state_tree: 'local_state_tree cannot be empty' } },
};

const minionConfigCheck: Check = (c) =>
  c.isSet('minion_config') && (c.isSet('remote_state_tree') || c.isSet('remote_pillar_roots'))
    ? [problem('remote_state_tree and remote_pillar_roots only apply when minion_config is not used', 'minion_config')]
    : [];

/** Formula URLs name a git repository and the formula's folder in it: `https://…/x-formula.git//x`. */
const FORMULA_URL = /^(.*).git\/\/[a-zA-Z0-9-_]+(\?.*)?$/;

const formulasCheck: Check = (c) =>
  c.strings('formulas').every((u) => FORMULA_URL.test(u))
    ? []
    : [problem("Invalid formula URL. Please verify the git URLs also contain a '//' subdir", 'formulas')];

const saltPathWords = (field: string, want: 'file' | 'dir'): PathWords => ({
  missing: (p, err) => `${field}: path '${p}' is invalid: ${err}`,
  wrongKind: (p) => `${field}: path '${p}' must point to a ${want === 'file' ? 'file' : 'directory'}`,
});

const filesCheck: Check = (c) => [
  ...pathProblems(c, 'local_state_tree', [c.string('local_state_tree')], 'dir', saltPathWords('local_state_tree', 'dir')),
  ...pathProblems(c, 'local_pillar_roots', [c.string('local_pillar_roots')], 'dir', saltPathWords('local_pillar_roots', 'dir')),
  ...pathProblems(c, 'minion_config', [c.string('minion_config')], 'file', saltPathWords('minion_config', 'file')),
  ...pathProblems(c, 'grains_file', [c.string('grains_file')], 'file', saltPathWords('grains_file', 'file')),
];

export const saltMasterlessProvisionerChecks: Check[] = [guestOsTypeCheck, filesCheck, formulasCheck, minionConfigCheck];

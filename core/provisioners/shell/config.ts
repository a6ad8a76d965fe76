/** The shell provisioner's configuration: uploads scripts (or inline commands) to the machine and runs them. */
import type { Check } from '../../components/checks';
import { SCRIPT_SOURCE_RULES, scriptFilesCheck } from '../../components/common/script-fields';
import { environmentVarsCheck } from '../../components/common/environment-vars';
import { boolField, durationField, field, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const shellProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'shell',
  description: 'Runs shell scripts or inline commands on the machine being built.',
  fields: [
    stringListField('inline', 'Commands to run, one per item, as a single script.'),
    stringField('script', 'Path of a local script to upload and run.'),
    stringListField('scripts', 'Paths of local scripts to upload and run, in order.'),
    field('valid_exit_codes', { list: 'number' }, 'Exit codes that count as success.', { default: [0] }),
    stringListField('environment_vars', 'Environment variables for the scripts, each as KEY=value.'),
    stringField('env_var_format', 'Format string used to set each environment variable.', { default: "%s='%s' " }),
    boolField('binary', 'The scripts are binary files: do not convert line endings.', { default: false }),
    stringField('remote_path', 'Full path the script is uploaded to on the machine.'),
    stringField('execute_command', 'Command that runs the uploaded script; {{.Path}} and {{.Vars}} are filled in.', {
      default: 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}',
    }),
    stringField('inline_shebang', 'Interpreter line put at the top of the inline script.', { default: '/bin/sh -e' }),
    durationField('pause_after', 'Wait this long after the scripts finish.'),
    boolField('use_env_var_file', 'Pass environment variables through an uploaded file instead of the command line.', { default: false }),
    stringField('remote_folder', 'Folder the script is uploaded to on the machine.', { default: '/tmp' }),
    stringField('remote_file', 'File name the script is uploaded as.'),
    durationField('start_retry_timeout', 'How long to keep retrying to start the script, e.g. while the machine reboots.', { default: '5m' }),
    boolField('skip_clean', 'Leave the uploaded script on the machine.', { default: false }),
    boolField('expect_disconnect', 'A dropped connection (e.g. a reboot) is not an error.', { default: false }),
  ],
  ...SCRIPT_SOURCE_RULES,
};

export const shellProvisionerChecks: Check[] = [environmentVarsCheck, scriptFilesCheck];

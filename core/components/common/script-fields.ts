/**
 * The script settings Packer's script provisioners share (the SDK's `shell.Provisioner`: shell, windows-shell,
 * powershell, windows-restart) and the Prepare checks that go with them.
 */
import { pathProblems, type Check } from '../checks';
import { boolField, field, stringField, stringListField, stringMapField } from '../fields';
import type { ComponentSchema, FieldSpec } from '../schema';

export function scriptFields(opts: { envVarFormat: string; remotePath: string; executeCommand: string }): FieldSpec[] {
  return [
    stringListField('inline', 'Commands to run, one per item, as a single script.'),
    stringField('script', 'Path of a local script to upload and run.'),
    stringListField('scripts', 'Paths of local scripts to upload and run, in order.'),
    field('valid_exit_codes', { list: 'number' }, 'Exit codes that count as success.', { default: [0] }),
    stringListField('environment_vars', 'Environment variables for the scripts, each as KEY=value.'),
    stringMapField('env', 'Environment variables for the scripts, as a map (wins over environment_vars).'),
    stringField('env_var_format', 'Format string used to set each environment variable.', { default: opts.envVarFormat }),
    boolField('binary', 'The scripts are binary files: do not convert line endings.', { default: false }),
    stringField('remote_path', 'Full path the script is uploaded to on the machine.', { default: opts.remotePath }),
    stringField('execute_command', 'Command that runs the uploaded script; {{.Path}} and {{.Vars}} are filled in.', { default: opts.executeCommand }),
  ];
}

/** Exactly one of inline, script or scripts, worded as Packer's Prepare words it. */
export const SCRIPT_SOURCE_RULES: Pick<ComponentSchema, 'exactlyOneOf' | 'conflicts' | 'messages'> = {
  exactlyOneOf: [['inline', 'script', 'scripts']],
  conflicts: [['script', 'scripts']],
  messages: {
    exactlyOneOf: [
      {
        none: 'Either a script file or inline script must be specified.',
        many: 'Only a script file or an inline script can be specified, not both.',
      },
    ],
    conflicts: ['Only one of script or scripts can be specified.'],
  },
};

/** Packer runs `script` alone when it is set, otherwise `scripts`; each must exist on this machine. */
export const scriptFilesCheck: Check = (c) => {
  const script = c.string('script');
  const field = script ? 'script' : 'scripts';
  return pathProblems(c, field, script ? [script] : c.strings('scripts'), 'any', { missing: (p, err) => `Bad script '${p}': ${err}` });
};

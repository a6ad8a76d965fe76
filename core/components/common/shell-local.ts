/**
 * The settings of running commands on the machine running Packer, shared by the shell-local provisioner and post-processor
 * (Packer declares them once for both).
 */
import { pathProblems, problem, type Check } from '../checks';
import { boolField, field, stringField, stringListField } from '../fields';
import type { ComponentKind, ComponentSchema } from '../schema';
import { environmentVarsCheck } from './environment-vars';

const SUPPORTED_OS = ['darwin', 'freebsd', 'linux', 'openbsd', 'solaris', 'windows'];

export function shellLocalSchema(kind: ComponentKind, description: string): ComponentSchema {
  return {
    kind,
    type: 'shell-local',
    description,
    fields: [
      stringListField('inline', 'Commands to run locally, one per item, as a single script.'),
      stringField('script', 'Path of a local script to run.'),
      stringListField('scripts', 'Paths of local scripts to run, in order.'),
      field('valid_exit_codes', { list: 'number' }, 'Exit codes that count as success.', { default: [0] }),
      stringListField('environment_vars', 'Environment variables for the commands, each as KEY=value.'),
      stringField('env_var_format', 'Format string used to set each environment variable.'),
      stringField('command', 'A single command to run locally.'),
      stringListField('execute_command', 'How a script is run, as program and arguments; {{.Script}} and {{.Vars}} are filled in.', {
        default: ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
      }),
      stringField('inline_shebang', 'Interpreter line put at the top of the inline script.', { default: '/bin/sh -e' }),
      stringListField('only_on', 'Run only when Packer itself runs on one of these operating systems (e.g. "linux", "darwin").'),
      stringField('tempfile_extension', 'Extension of the temporary script file (useful on Windows, e.g. ".cmd").'),
      boolField('use_linux_pathing', 'On Windows, run scripts through the Windows Subsystem for Linux.', { default: false }),
    ],
    exactlyOneOf: [['command', 'inline', 'script', 'scripts']],
    messages: {
      exactlyOneOf: [
        {
          none: 'Command, Inline, Script and Scripts options cannot all be empty.',
          many: 'You may only specify one of the following options: Command, Inline, Script or Scripts. Please consolidate these options in your config.',
        },
      ],
    },
  };
}

const onlyOnCheck: Check = (c) => {
  const bad = c.strings('only_on').find((os) => !SUPPORTED_OS.includes(os));
  return bad === undefined
    ? []
    : [problem(`Invalid OS specified in only_on: '${bad}'\nSupported OS names: ${SUPPORTED_OS.join(', ')}`, 'only_on')];
};

const linuxPathingCheck: Check = (c) =>
  c.bool('use_linux_pathing') && (c.strings('inline').length > 0 || c.isSet('command'))
    ? [
        problem(
          'Packer is unable to use the Command and Inline features with the Windows Linux Subsystem. Please use the Script or Scripts options instead',
          'use_linux_pathing',
        ),
      ]
    : [];

const scriptFilesCheck: Check = (c) => {
  const script = c.string('script');
  const field = script ? 'script' : 'scripts';
  return pathProblems(c, field, script ? [script] : c.strings('scripts'), 'any', { missing: (p, err) => `Bad script '${p}': ${err}` });
};

export const SHELL_LOCAL_CHECKS: Check[] = [scriptFilesCheck, onlyOnCheck, linuxPathingCheck, environmentVarsCheck];

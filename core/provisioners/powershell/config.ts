/**
 * The powershell provisioner's configuration (Packer 1.14 provisioner/powershell). Runs natively over SSH (provisioner.ts);
 * builds with elevated_user or the WinRM communicator run through the user's Packer (core/packer-bridge).
 */
import { problem, type Check } from '../../components/checks';
import { environmentVarsCheck } from '../../components/common/environment-vars';
import { SCRIPT_SOURCE_RULES, scriptFields, scriptFilesCheck } from '../../components/common/script-fields';
import { boolField, durationField, numberField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

/** Packer's ExecutionPolicy enum (provisioner/powershell/execution_policy.go), in its order. */
export const EXECUTION_POLICIES = ['bypass', 'allsigned', 'default', 'remotesigned', 'restricted', 'undefined', 'unrestricted', 'none'] as const;

export const powershellProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'powershell',
  description: 'Runs PowerShell scripts or inline commands on a Windows machine.',
  fields: [
    ...scriptFields({
      envVarFormat: '$env:%s="%s"; ',
      remotePath: 'c:/Windows/Temp/script-<uuid>.ps1',
      // Inline commands get `powershell -executionpolicy bypass -file {{.Path}}` (provisioner.ts has both).
      executeCommand: 'powershell -executionpolicy bypass "& { … . {{.Vars}}; &\'{{.Path}}\'; exit $LastExitCode }"',
    }),
    stringField('remote_env_var_path', 'Where the file that sets the environment variables is uploaded.'),
    stringField('elevated_execute_command', 'The execute_command used when running as elevated_user.'),
    boolField('skip_clean', 'Leave the uploaded scripts on the machine.', { default: false }),
    durationField('start_retry_timeout', 'How long to keep retrying to start the script, e.g. while the machine reboots.', { default: '5m' }),
    stringField('elevated_env_var_format', 'Format string used to set each environment variable when elevated.', { default: '$env:%s="%s"; ' }),
    stringField('elevated_user', 'Run the scripts as this user, through a scheduled task.'),
    stringField('elevated_password', 'The password of elevated_user.', { sensitive: true }),
    stringField('execution_policy', 'PowerShell execution policy for the scripts.', { default: 'bypass', enum: [...EXECUTION_POLICIES] }),
    numberField('debug_mode', 'Set-PSDebug -Trace level: 0 (off), 1 or 2.', { default: 0 }),
    durationField('pause_after', 'Wait this long after the scripts finish.'),
    boolField('use_pwsh', 'Run pwsh.exe (PowerShell 7) instead of powershell.exe.', { default: false }),
  ],
  ...SCRIPT_SOURCE_RULES,
  messages: {
    ...SCRIPT_SOURCE_RULES.messages,
    enum: {
      // Packer's decode hook (execution_policy.go) refuses the value before Prepare runs.
      execution_policy: "error decoding 'execution_policy': %s does not belong to ExecutionPolicy",
    },
  },
};

const elevatedCheck: Check = (c) =>
  c.isSet('elevated_password') && !c.isSet('elevated_user') ? [problem("Must supply an 'elevated_user' if 'elevated_password' provided", 'elevated_user')] : [];

const debugModeCheck: Check = (c) => {
  const level = c.number('debug_mode');
  return level === undefined || (level >= 0 && level <= 2) ? [] : [problem(`${level} is an invalid Trace level for \`debug_mode\`; valid values are 0, 1, and 2`, 'debug_mode')];
};

/** Bakehouse runs powershell itself except as elevated_user (a scheduled task): say so, as for any type Packer runs. */
const elevatedRunsThroughPackerCheck: Check = (c) =>
  c.isSet('elevated_user')
    ? [problem('With elevated_user, this provisioner runs through Packer: Bakehouse does not run scripts as a scheduled task itself yet, so the build is handed to the Packer on PATH (or BAKEHOUSE_PACKER).', 'elevated_user', 'warning')]
    : [];

export const powershellProvisionerChecks: Check[] = [environmentVarsCheck, scriptFilesCheck, elevatedCheck, debugModeCheck, elevatedRunsThroughPackerCheck];

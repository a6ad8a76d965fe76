/** The windows-shell provisioner's configuration (Packer 1.14 provisioner/windows-shell): cmd scripts run on a Windows machine. */
import type { Check } from '../../components/checks';
import { environmentVarsCheck } from '../../components/common/environment-vars';
import { SCRIPT_SOURCE_RULES, scriptFields, scriptFilesCheck } from '../../components/common/script-fields';
import { durationField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const WINDOWS_SHELL_DEFAULTS = {
  envVarFormat: 'set "%s=%s" && ',
  remotePath: 'c:/Windows/Temp/script.bat',
  executeCommand: '{{.Vars}}"{{.Path}}"',
} as const;

export const windowsShellProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'windows-shell',
  description: 'Runs cmd.exe scripts or inline commands on a Windows machine.',
  fields: [
    ...scriptFields(WINDOWS_SHELL_DEFAULTS),
    durationField('start_retry_timeout', 'How long to keep retrying to start the script, e.g. while the machine reboots.', { default: '5m' }),
  ],
  ...SCRIPT_SOURCE_RULES,
};

export const windowsShellProvisionerChecks: Check[] = [environmentVarsCheck, scriptFilesCheck];

/**
 * The windows-restart provisioner's configuration (Packer 1.14 provisioner/windows-restart). Runs natively over SSH
 * (provisioner.ts); builds with the WinRM communicator run through the user's Packer (core/packer-bridge).
 */
import { boolField, durationField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const DEFAULT_RESTART_COMMAND = 'shutdown /r /f /t 0 /c "packer restart"';

/** The keys whose presence means Windows still has a reboot pending (Packer's DefaultRegistryKeys). */
export const DEFAULT_REGISTRY_KEYS = [
  'HKLM:SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending',
  'HKLM:SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending',
  'HKLM:Software\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootInProgress',
] as const;

export const windowsRestartProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'windows-restart',
  description: 'Restarts a Windows machine and waits for it to come back.',
  fields: [
    stringField('restart_command', 'The command that restarts the machine.', { default: DEFAULT_RESTART_COMMAND }),
    stringField('restart_check_command', 'Run after the restart until it succeeds, to tell the machine is back; its output is shown.'),
    durationField('restart_timeout', 'How long to wait for the machine to come back.', { default: '5m' }),
    boolField('check_registry', 'Wait until the registry shows no pending reboot (registry_keys).', { default: false }),
    stringListField('registry_keys', 'Registry keys whose presence means a reboot is still pending.'),
  ],
};

/**
 * The windows-restart provisioner's configuration (Packer 1.14 provisioner/windows-restart). Bakehouse validates it; builds
 * that use it run through the user's Packer (core/packer-bridge) until it runs natively.
 */
import { boolField, durationField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const windowsRestartProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  runsThroughPacker: true,
  type: 'windows-restart',
  description: 'Restarts a Windows machine and waits for it to come back.',
  fields: [
    stringField('restart_command', 'The command that restarts the machine.', { default: 'shutdown /r /f /t 0 /c "packer restart"' }),
    stringField('restart_check_command', 'Run after the restart until it succeeds, to tell the machine is back; its output is shown.'),
    durationField('restart_timeout', 'How long to wait for the machine to come back.', { default: '5m' }),
    boolField('check_registry', 'Wait until the registry shows no pending reboot (registry_keys).', { default: false }),
    stringListField('registry_keys', 'Registry keys whose presence means a reboot is still pending.'),
  ],
};

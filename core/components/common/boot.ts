/** Keystrokes typed into the machine's console at boot, and how the machine is shut down at the end. */
import { durationField, stringField, stringListField } from '../fields';
import type { FieldSpec } from '../schema';

export const BOOT_FIELDS: FieldSpec[] = [
  durationField('boot_keygroup_interval', 'Pause between groups of keys such as <leftCtrlOn>a<leftCtrlOff>.', { default: '100ms' }),
  durationField('boot_wait', 'Wait this long after starting the machine before typing boot_command.', { default: '10s' }),
  stringListField('boot_command', 'Keystrokes to type at boot; special keys are written like <enter> or <wait5>.'),
];

export const SHUTDOWN_FIELDS: FieldSpec[] = [
  stringField('shutdown_command', 'Command run on the machine to shut it down once provisioning is done.'),
  durationField('shutdown_timeout', 'How long to wait for the machine to stop after shutdown_command.', { default: '5m' }),
];

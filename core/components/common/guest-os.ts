/** The guest_os_type setting of provisioners that run tools on the machine (puppet, chef, salt): it picks paths and commands. */
import { problem, type Check } from '../checks';
import { stringField } from '../fields';
import type { FieldSpec } from '../schema';

export const GUEST_OS_TYPES = ['unix', 'windows'];

export const GUEST_OS_TYPE_FIELD: FieldSpec = stringField(
  'guest_os_type',
  'Operating system family of the machine, "unix" or "windows"; picks default paths and commands.',
  { default: 'unix' },
);

/** Packer lower-cases the value before checking it, so "Windows" is accepted. */
export const guestOsTypeCheck: Check = (c) => {
  const t = c.string('guest_os_type');
  return t !== '' && !GUEST_OS_TYPES.includes(t.toLowerCase()) ? [problem(`Invalid guest_os_type: "${t}"`, 'guest_os_type')] : [];
};

/** The breakpoint provisioner's configuration: pauses the build until the user presses Enter. */
import { boolField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const breakpointProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'breakpoint',
  description: 'Pauses the build until you continue it, so you can inspect the machine.',
  fields: [
    stringField('note', 'Message shown while the build is paused.'),
    boolField('disable', 'Skip this breakpoint without removing it.', { default: false }),
  ],
};

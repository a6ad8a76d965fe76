/** The virtualbox-ovf builder's configuration: imports an existing OVF/OVA machine, provisions it, and exports it again. */
import type { Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { CD_FIELDS, FLOPPY_FIELDS, mediaChecks } from '../../components/common/media';
import { PORT_FORWARDING_FIELDS, portForwardingChecks } from '../../components/common/port-forwarding';
import { VIRTUALBOX_ENUM_MESSAGES, VIRTUALBOX_FIELDS, virtualboxChecks } from '../../components/common/virtualbox';
import { stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

const SHARED_NOT_IN_OVF = new Set(['cpus', 'memory', 'sound', 'usb']);

export const virtualboxOvfBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'virtualbox-ovf',
  description: 'Builds a VirtualBox machine (OVF/OVA) starting from an existing OVF or OVA.',
  fields: [
    ...communicatorFields('ssh'),
    ...HTTP_FIELDS,
    ...FLOPPY_FIELDS,
    ...CD_FIELDS,
    ...BOOT_FIELDS,
    ...SHUTDOWN_FIELDS,
    ...PORT_FORWARDING_FIELDS,
    // The ovf builder keeps the imported machine's hardware, so it has no cpus/memory/sound/usb settings.
    ...VIRTUALBOX_FIELDS.filter((f) => !SHARED_NOT_IN_OVF.has(f.name)),
    stringField('checksum', 'Checksum of source_path as "type:value", or "none".'),
    stringListField('import_flags', 'Extra arguments for VBoxManage import.'),
    stringField('import_opts', 'Value for VBoxManage import --options, e.g. "keepallmacs".'),
    stringField('source_path', 'Path or URL of the OVF or OVA to import.', { required: true }),
    stringField('target_path', 'Where a downloaded source_path is stored; defaults to Packer\'s cache.'),
    stringField('vm_name', 'Name of the imported machine in VirtualBox and of the exported files.', { default: 'packer-<build name>-<time>' }),
  ],
  messages: {
    required: { source_path: 'source_path is required' },
    enum: { ...COMMUNICATOR_ENUM_MESSAGES, ...VIRTUALBOX_ENUM_MESSAGES },
  },
};

export const virtualboxOvfBuilderChecks: Check[] = [communicatorChecks('ssh'), httpChecks, portForwardingChecks, mediaChecks, bootCommandCheck, virtualboxChecks];

/** The virtualbox-iso builder's configuration: creates a VirtualBox machine, installs an OS from an ISO, provisions it, and exports it. */
import { problem, type Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { ISO_FIELDS, ISO_RULES, isoChecks } from '../../components/common/iso';
import { CD_FIELDS, FLOPPY_FIELDS, mediaChecks } from '../../components/common/media';
import { PORT_FORWARDING_FIELDS, portForwardingChecks } from '../../components/common/port-forwarding';
import { VIRTUALBOX_ENUM_MESSAGES, VIRTUALBOX_FIELDS, virtualboxChecks } from '../../components/common/virtualbox';
import { boolField, numberField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

export const virtualboxIsoBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'virtualbox-iso',
  description: 'Builds a VirtualBox machine (OVF/OVA) by installing an operating system from an ISO.',
  fields: [
    ...communicatorFields('ssh'),
    ...HTTP_FIELDS,
    ...ISO_FIELDS,
    ...FLOPPY_FIELDS,
    ...CD_FIELDS,
    ...BOOT_FIELDS,
    ...SHUTDOWN_FIELDS,
    ...PORT_FORWARDING_FIELDS,
    ...VIRTUALBOX_FIELDS,
    boolField('bundle_iso', 'Keep the install ISO attached and include it in the export.', { default: false }),
    numberField('disk_size', 'Size of the hard disk in megabytes.', { default: 40000 }),
    stringField('guest_os_type', 'VirtualBox OS type of the machine (VBoxManage list ostypes), e.g. "Ubuntu_64".', { default: 'Other' }),
    boolField('hard_drive_discard', 'Pass discard (trim) requests through to the disk image.', { default: false }),
    stringField('hard_drive_interface', 'Controller the hard disk is attached to.', { default: 'ide', enum: ['ide', 'sata', 'scsi', 'pcie'] }),
    numberField('sata_port_count', 'Number of ports on the SATA controller (at most 30).', { default: 1 }),
    numberField('nvme_port_count', 'Number of ports on the NVMe controller (at most 255).', { default: 1 }),
    boolField('hard_drive_nonrotational', 'Tell the guest the hard disk is an SSD.', { default: false }),
    stringField('iso_interface', 'Controller the install ISO is attached to.', { default: 'ide', enum: ['ide', 'sata'] }),
    stringField('vm_name', 'Name of the machine in VirtualBox and of the exported files.', { default: 'packer-<build name>-<time>' }),
  ],
  ...ISO_RULES,
  messages: {
    ...ISO_RULES.messages,
    enum: {
      ...COMMUNICATOR_ENUM_MESSAGES,
      ...VIRTUALBOX_ENUM_MESSAGES,
      hard_drive_interface: 'hard_drive_interface can only be ide, sata, pcie or scsi',
      iso_interface: 'iso_interface can only be ide or sata',
    },
  },
};

const portCounts: Check = (c) => {
  const out = [];
  if ((c.number('sata_port_count') ?? 1) > 30) out.push(problem('sata_port_count cannot be greater than 30', 'sata_port_count'));
  if ((c.number('nvme_port_count') ?? 1) > 255) out.push(problem('nvme_port_count cannot be greater than 255', 'nvme_port_count'));
  return out;
};

export const virtualboxIsoBuilderChecks: Check[] = [
  communicatorChecks('ssh'),
  httpChecks,
  portForwardingChecks,
  mediaChecks,
  isoChecks,
  bootCommandCheck,
  virtualboxChecks,
  portCounts,
];

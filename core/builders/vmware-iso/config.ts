/** The vmware-iso builder's configuration: creates a VMware machine, installs an OS from an ISO, provisions it, and exports it. */
import type { Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { ISO_FIELDS, ISO_RULES, isoChecks } from '../../components/common/iso';
import {
  VMWARE_CDROM_ADAPTER_TYPES,
  VMWARE_ENUM_MESSAGES,
  VMWARE_HARDWARE_FIELDS,
  VMWARE_RUN_FIELDS,
  vmwareChecks,
  vmwareHardwareChecks,
} from '../../components/common/vmware';
import { numberField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

export const vmwareIsoBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'vmware-iso',
  description: 'Builds a VMware Workstation/Fusion/Player machine by installing an operating system from an ISO.',
  fields: [
    ...communicatorFields('ssh'),
    ...HTTP_FIELDS,
    ...ISO_FIELDS,
    ...BOOT_FIELDS,
    ...SHUTDOWN_FIELDS,
    ...VMWARE_HARDWARE_FIELDS,
    ...VMWARE_RUN_FIELDS,
    numberField('disk_size', 'Size of the main disk in megabytes.', { default: 40000 }),
    stringField('disk_adapter_type', 'Controller of the main disk: ide, sata, nvme, scsi, or a SCSI type (lsilogic, lsisas1068, buslogic, pvscsi).', { default: 'lsilogic' }),
    stringField('disk_type_id', 'vmware-vdiskmanager disk type: 0 growable single file, 1 growable split in 2GB files, 2 preallocated, 3 preallocated split, 4 ESX preallocated, 5 compressed stream.', { default: '1' }),
    stringField('vmdk_name', 'File name (without .vmdk) of the main disk.', { default: 'disk' }),
    stringField('cdrom_adapter_type', 'Controller of the install CD-ROM; defaults to one that fits disk_adapter_type.', { enum: [...VMWARE_CDROM_ADAPTER_TYPES] }),
    stringField('guest_os_type', 'VMware guest OS identifier (guestOS), e.g. "ubuntu-64".', { default: 'other-64' }),
  ],
  ...ISO_RULES,
  messages: {
    ...ISO_RULES.messages,
    enum: { ...COMMUNICATOR_ENUM_MESSAGES, ...VMWARE_ENUM_MESSAGES },
  },
};

export const vmwareIsoBuilderChecks: Check[] = [communicatorChecks('ssh'), httpChecks, isoChecks, bootCommandCheck, vmwareHardwareChecks, vmwareChecks];

/** The vmware-vmx builder's configuration: clones an existing VMware machine (.vmx), provisions it, and exports it. */
import { problem, type Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { VMWARE_RUN_ENUM_MESSAGES, VMWARE_RUN_FIELDS, vmwareChecks } from '../../components/common/vmware';
import { boolField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

export const vmwareVmxBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'vmware-vmx',
  description: 'Builds a VMware Workstation/Fusion/Player machine by cloning an existing one (.vmx).',
  fields: [
    ...communicatorFields('ssh'),
    ...HTTP_FIELDS,
    ...BOOT_FIELDS,
    ...SHUTDOWN_FIELDS,
    ...VMWARE_RUN_FIELDS,
    stringField('source_path', 'Path to the .vmx of the machine to clone.', { required: true }),
    boolField('linked', 'Make a linked clone (vmrun clone … linked) instead of a full copy.', { default: false, notImplemented: true }),
    stringField('attach_snapshot', 'Snapshot of the source machine to clone from (linked clones).', { notImplemented: true }),
    stringField('snapshot_name', 'Name of a snapshot taken of the machine at the end of the build.', { notImplemented: true }),
  ],
  messages: {
    required: { source_path: "'source_path' is blank, but is required" },
    enum: { ...COMMUNICATOR_ENUM_MESSAGES, ...VMWARE_RUN_ENUM_MESSAGES },
  },
};

/** vmx/config.go's Prepare: an OVF/OVA source needs ovftool and a guest_os_type, which Bakehouse's clone does not take yet. */
const sourceCheck: Check = (c) => {
  const source = c.string('source_path');
  if (/\.(ovf|ova)$/i.test(source)) return [problem('source_path: cloning from an OVF/OVA is not supported by Bakehouse yet; give the .vmx of a machine', 'source_path')];
  return [];
};

export const vmwareVmxBuilderChecks: Check[] = [communicatorChecks('ssh'), httpChecks, bootCommandCheck, vmwareChecks, sourceCheck];

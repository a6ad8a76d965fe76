/** Settings shared by the VirtualBox builders (virtualbox-iso, virtualbox-ovf): export, console, shutdown, guest additions, VBoxManage. */
import { problem, type Check } from '../checks';
import { boolField, durationField, field, numberField, stringField, stringListField } from '../fields';
import type { FieldSpec } from '../schema';

/** Controllers the hard disk may hang on (packer-plugin-virtualbox v1.1.5 builder/virtualbox/iso/builder.go Prepare). */
export const DISK_INTERFACES = ['ide', 'sata', 'scsi', 'pcie', 'virtio'] as const;
export type DiskInterface = (typeof DISK_INTERFACES)[number];

/** Controllers the install ISO may hang on (the same Prepare). */
export const ISO_INTERFACES = ['ide', 'sata', 'virtio'] as const;
export type IsoInterface = (typeof ISO_INTERFACES)[number];

export const VIRTUALBOX_FIELDS: FieldSpec[] = [
  stringField('format', 'Export format of the result.', { default: 'ovf', enum: ['ovf', 'ova'] }),
  stringListField('export_opts', 'Extra arguments for VBoxManage export, e.g. product and vendor metadata.'),
  stringField('output_directory', 'Folder the exported machine is written to; must not exist yet.', { default: 'output-<build name>' }),
  stringField('output_filename', 'File name of the exported machine, without extension.', { default: '<vm_name>' }),
  boolField('headless', 'Run the machine without showing its console window.', { default: false }),
  stringField('vrdp_bind_address', 'Address the remote-display (VRDP) server listens on.', { default: '127.0.0.1' }),
  numberField('vrdp_port_min', 'Lowest port the VRDP server may use.', { default: 5900 }),
  numberField('vrdp_port_max', 'Highest port the VRDP server may use.', { default: 6000 }),
  durationField('post_shutdown_delay', 'Wait this long after the machine stops before changing it.', { default: '2s' }),
  boolField('disable_shutdown', 'Do not run shutdown_command; wait for the machine to stop on its own.', { default: false }),
  boolField('acpi_shutdown', 'Shut down by sending an ACPI power-button event instead of running shutdown_command.', { default: false }),
  boolField('ssh_skip_nat_mapping', 'Older name for skip_nat_mapping.', { deprecated: 'Use skip_nat_mapping.' }),
  numberField('cpus', 'Number of virtual CPUs.', { default: 1 }),
  numberField('memory', 'Memory of the machine in megabytes.', { default: 512 }),
  stringField('sound', 'Host audio driver for the machine\'s sound card.', { default: 'none' }),
  boolField('usb', 'Give the machine a USB controller.', { default: false }),
  field('vboxmanage', { list: { list: 'string' } }, 'VBoxManage commands run before the machine starts, each a list of arguments.'),
  field('vboxmanage_post', { list: { list: 'string' } }, 'VBoxManage commands run after the machine stops, before export.'),
  stringField('virtualbox_version_file', 'Path on the machine where the VirtualBox version is uploaded; "" skips the upload.', {
    default: '.vbox_version',
  }),
  stringField('guest_additions_mode', 'What to do with the Guest Additions ISO.', { default: 'upload', enum: ['upload', 'attach', 'disable'] }),
  stringField('guest_additions_interface', 'How the Guest Additions ISO is attached in "attach" mode.', { default: 'ide' }),
  stringField('guest_additions_path', 'Path on the machine the Guest Additions ISO is uploaded to.', { default: 'VBoxGuestAdditions.iso' }),
  stringField('guest_additions_sha256', 'SHA256 checksum of the Guest Additions ISO.'),
  stringField('guest_additions_url', 'Where to get the Guest Additions ISO; by default the copy installed with VirtualBox.'),
  boolField('keep_registered', 'Leave the machine registered in VirtualBox after the build.', { default: false }),
  boolField('skip_export', 'Do not export the machine at the end of the build.', { default: false }),
];

export const virtualboxChecks: Check = (c) => {
  const out = [];
  if ((c.number('vrdp_port_min') ?? 5900) > (c.number('vrdp_port_max') ?? 6000)) {
    out.push(problem('vrdp_port_min must be less than vrdp_port_max', 'vrdp_port_min'));
  }
  const cpus = c.number('cpus');
  if (cpus !== undefined && cpus < 0) out.push(problem(`An invalid number of cpus was specified (cpus < 0): ${cpus}`, 'cpus'));
  const memory = c.number('memory');
  if (memory !== undefined && memory < 0) out.push(problem(`An invalid memory size was specified (memory < 0): ${memory}`, 'memory'));
  const none = c.string('communicator') === 'none';
  if (none && (c.string('guest_additions_mode') || 'upload') === 'upload') {
    out.push(problem("communicator must not be 'none' when guest_additions_mode = 'upload'.", 'guest_additions_mode'));
  }
  // Unset means the default ".vbox_version", which needs a communicator to upload it.
  const versionFile = c.config.values.virtualbox_version_file;
  if (none && (versionFile === undefined || c.string('virtualbox_version_file') !== '')) {
    out.push(problem("virtualbox_version_file has to be an empty string when communicator = 'none'.", 'virtualbox_version_file'));
  }
  if (!c.isSet('shutdown_command') && !c.isUnknown('shutdown_command')) {
    out.push(
      problem('A shutdown_command was not specified. Without a shutdown command, Packer\nwill forcibly halt the virtual machine, which may result in data loss.', 'shutdown_command', 'warning'),
    );
  }
  return out;
};

export const VIRTUALBOX_ENUM_MESSAGES: Record<string, string> = {
  format: "invalid format, only 'ovf' or 'ova' are allowed",
  guest_additions_mode: 'guest_additions_mode is invalid. Must be one of: [disable attach upload]',
};

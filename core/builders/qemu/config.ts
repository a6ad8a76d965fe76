/** The qemu builder's configuration: boots a QEMU virtual machine from an ISO (or a disk image), provisions it, and keeps its disk. */
import { problem, type Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { ISO_FIELDS, ISO_RULES, ISO_SKIP_CACHE, isoChecks } from '../../components/common/iso';
import { CD_FIELDS, FLOPPY_FIELDS, mediaChecks } from '../../components/common/media';
import { PORT_FORWARDING_FIELDS, portForwardingChecks } from '../../components/common/port-forwarding';
import { blockField, boolField, durationField, field, numberField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema, FieldSpec } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

/**
 * Settings the plugin gained after Packer 1.6.6 (v1.1.7's Config, builder/qemu/config.go). Bakehouse runs QEMU as 1.6.6
 * did, so these are checked as Prepare checks them and then warn that they are not used yet.
 */
const SETTINGS_NOT_USED_YET: FieldSpec[] = [
  field('boot_steps', { list: { list: 'string' } }, 'Boot command as steps, each keystrokes and a description to log; not with boot_command.'),
  stringField('cpu_model', 'QEMU CPU model (-cpu), e.g. "host"; QEMU\'s default when unset.'),
  numberField('sockets', 'CPU sockets of the machine\'s topology.'),
  numberField('cores', 'Cores per socket of the machine\'s topology.'),
  numberField('threads', 'Threads per core of the machine\'s topology.'),
  boolField('efi_boot', 'Boot with UEFI firmware (OVMF); implied by efi_firmware_code or efi_firmware_vars.', { default: false }),
  stringField('efi_firmware_code', 'OVMF code file for efi_boot.', { default: '/usr/share/OVMF/OVMF_CODE.fd' }),
  stringField('efi_firmware_vars', 'OVMF variables file copied for efi_boot.', { default: '/usr/share/OVMF/OVMF_VARS.fd' }),
  boolField('efi_drop_efivars', 'Leave the EFI variables file out of the artifact.', { default: false }),
  boolField('use_pflash', 'Load firmware as pflash drives rather than with -bios.', { default: false }),
  stringField('vga', 'VGA card QEMU emulates (-vga), e.g. "virtio".'),
  stringField('vnc_password', 'Password of the VNC console (with vnc_use_password).', { sensitive: true }),
  boolField('vtpm', 'Give the machine a software TPM (swtpm).', { default: false }),
  boolField('use_tpm1', 'Emulate TPM 1.2 instead of 2.0.', { default: false }),
  stringField('tpm_device_type', 'QEMU device of the TPM.', { default: 'tpm-tis' }),
].map((f) => ({ ...f, notImplemented: true as const }));

export const qemuBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'qemu',
  description: 'Builds a disk image (qcow2 or raw) with a QEMU virtual machine.',
  fields: [
    ...communicatorFields('ssh'),
    ...HTTP_FIELDS,
    // iso_skip_cache turns the checksum off, so here a missing checksum is a check rather than a required field.
    ...ISO_FIELDS.map((f) => (f.name === 'iso_checksum' ? { ...f, required: false } : f)),
    ...BOOT_FIELDS,
    boolField('disable_vnc', 'Do not start a VNC server for the machine\'s console (boot_command then cannot be used).', { default: false }),
    durationField('boot_key_interval', 'Pause between individual keystrokes of boot_command.'),
    ...SHUTDOWN_FIELDS,
    ...PORT_FORWARDING_FIELDS,
    ...FLOPPY_FIELDS,
    ...CD_FIELDS,
    ISO_SKIP_CACHE,
    stringField('accelerator', 'Hardware acceleration QEMU uses; by default kvm when /dev/kvm exists, otherwise tcg.', {
      enum: ['none', 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx'],
    }),
    stringListField('disk_additional_size', 'Sizes of extra disks to create, e.g. ["10G"].'),
    numberField('cpus', 'Number of virtual CPUs.', { default: 1 }),
    stringField('disk_interface', 'How the disk is attached to the machine.', {
      default: 'virtio',
      // v1.1.7's diskInterface list (builder/qemu/config.go); QEMU gets it as `if=`, as for the others.
      enum: ['ide', 'sata', 'scsi', 'sd', 'virtio', 'virtio-scsi'],
    }),
    stringField('disk_size', 'Size of the disk, in megabytes or with a unit suffix such as "40G".', { default: '40960M' }),
    boolField('skip_resize_disk', 'Keep a disk_image at its original size instead of growing it to disk_size.', { default: false }),
    stringField('disk_cache', 'QEMU cache mode for the disk.', {
      default: 'writeback',
      enum: ['writethrough', 'writeback', 'none', 'unsafe', 'directsync'],
    }),
    stringField('disk_discard', 'Whether discard (trim) requests reach the disk image.', { default: 'ignore', enum: ['unmap', 'ignore'] }),
    stringField('disk_detect_zeroes', 'Whether QEMU detects writes of zeroes and optimises them.', { default: 'off', enum: ['unmap', 'on', 'off'] }),
    boolField('skip_compaction', 'Do not compact the qcow2 disk at the end of the build.', { default: false }),
    boolField('disk_compression', 'Compress the qcow2 disk at the end of the build.', { default: false }),
    stringField('format', 'Disk image format of the result.', { default: 'qcow2', enum: ['qcow2', 'raw'] }),
    boolField('headless', 'Run the machine without showing its console window.', { default: false }),
    boolField('disk_image', 'iso_url points at a bootable disk image rather than an installer ISO.', { default: false }),
    boolField('use_backing_file', 'Create the disk as a qcow2 overlay on top of disk_image instead of copying it.', { default: false }),
    stringField('machine_type', 'QEMU machine type (-machine).', { default: 'pc' }),
    stringField('firmware', 'Firmware file QEMU boots instead of its default BIOS (passed as -bios), e.g. OVMF.fd for UEFI.'),
    numberField('memory', 'Memory of the machine in megabytes.', { default: 512 }),
    stringField('net_device', 'Emulated network card.', { default: 'virtio-net' }),
    stringField('net_bridge', 'Host bridge to connect the machine to instead of user-mode networking (Linux only).'),
    stringField('output_directory', 'Folder the finished disk image is written to; must not exist yet.', { default: 'output-<build name>' }),
    field('qemuargs', { list: { list: 'string' } }, 'Extra QEMU command-line arguments, each a list such as ["-m", "1024M"].'),
    blockField(
      'qemu_img_args',
      'Extra arguments for the qemu-img commands the builder runs.',
      [
        stringListField('convert', 'Extra arguments for qemu-img convert.'),
        stringListField('create', 'Extra arguments for qemu-img create.'),
        stringListField('resize', 'Extra arguments for qemu-img resize.'),
      ],
      false,
    ),
    stringField('qemu_binary', 'QEMU program to run.', { default: 'qemu-system-x86_64' }),
    boolField('qmp_enable', 'Open a QMP monitor socket for the machine.', { default: false }),
    stringField('qmp_socket_path', 'Path of the QMP monitor socket.'),
    boolField('use_default_display', 'Let QEMU choose its display backend instead of passing -display.', { default: false }),
    stringField('display', 'QEMU display backend (-display), e.g. "gtk" or "none".'),
    stringField('vnc_bind_address', 'Address the VNC server listens on.', { default: '127.0.0.1' }),
    boolField('vnc_use_password', 'Protect the VNC console with a random password.', { default: false }),
    numberField('vnc_port_min', 'Lowest port the VNC server may use.', { default: 5900 }),
    numberField('vnc_port_max', 'Highest port the VNC server may use.', { default: 6000 }),
    stringField('vm_name', 'File name of the resulting disk image.', { default: 'packer-<build name>' }),
    stringField('cdrom_interface', 'How the CD drive is attached, e.g. "ide" or "virtio-scsi".'),
    boolField('run_once', 'Run QEMU once without the builder\'s usual restart handling.', { default: false }),
    ...SETTINGS_NOT_USED_YET,
  ],
  ...ISO_RULES,
  messages: {
    exactlyOneOf: ISO_RULES.messages?.exactlyOneOf,
    enum: {
      ...COMMUNICATOR_ENUM_MESSAGES,
      accelerator: "invalid accelerator, only 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx', or 'none' are allowed",
      disk_interface: 'unrecognized disk interface type',
      disk_cache: 'unrecognized disk cache type',
      disk_discard: 'unrecognized disk discard type',
      disk_detect_zeroes: 'unrecognized disk detect zeroes setting',
      format: "invalid format, only 'qcow2' or 'raw' are allowed",
    },
  },
};

const qemuChecks: Check = (c) => {
  const out = [];
  if (!c.isSet('iso_checksum') && !c.bool('iso_skip_cache')) out.push(problem('A checksum must be specified'));
  const size = c.string('disk_size');
  if (size !== '' && size !== '0' && !/^\d+[bkmgt]?$/.test(size.toLowerCase())) out.push(problem('Invalid disk size.', 'disk_size'));
  const format = c.string('format') || 'qcow2';
  if (c.bool('use_backing_file') && !(c.bool('disk_image') && format === 'qcow2')) {
    out.push(problem('use_backing_file can only be enabled for QCOW2 images and when disk_image is true', 'use_backing_file'));
  }
  if (c.bool('skip_resize_disk') && !c.bool('disk_image')) {
    out.push(problem('skip_resize_disk can only be used when disk_image is true', 'skip_resize_disk'));
  }
  // The counts and port ranges of v1.1.7's Prepare (builder/qemu/config.go); 0 means the default.
  for (const name of ['cpus', 'sockets', 'cores', 'threads']) {
    if ((c.number(name) ?? 0) < 0) out.push(problem(`${name} must be a positive number`, name));
  }
  const vncMin = c.number('vnc_port_min') || 5900;
  const vncMax = c.number('vnc_port_max') || 6000;
  if (vncMin < 5900) out.push(problem('vnc_port_min cannot be below 5900', 'vnc_port_min'));
  if (vncMin > 65535 || vncMax > 65535) {
    out.push(problem('vmc_port_min and vnc_port_max must both be below 65535 to be valid TCP ports', vncMin > 65535 ? 'vnc_port_min' : 'vnc_port_max'));
  }
  if (vncMin > vncMax) out.push(problem('vnc_port_min must be less than vnc_port_max', 'vnc_port_min'));
  if (c.strings('boot_command').length > 0 && c.isSet('boot_steps')) {
    out.push(problem('boot_command and boot_steps cannot be used together', 'boot_steps'));
  }
  if (c.strings('boot_command').length > 0 && c.bool('disable_vnc')) {
    out.push(problem('A boot command cannot be used when vnc is disabled.', 'disable_vnc'));
  }
  return out;
};

export const qemuBuilderChecks: Check[] = [communicatorChecks('ssh'), httpChecks, portForwardingChecks, mediaChecks, isoChecks, bootCommandCheck, qemuChecks];

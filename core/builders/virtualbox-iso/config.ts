/** The virtualbox-iso builder's configuration: creates a VirtualBox machine, installs an OS from an ISO, provisions it, and exports it. */
import { problem, type Check } from '../../components/checks';
import { BOOT_FIELDS, bootCommandCheck, SHUTDOWN_FIELDS } from '../../components/common/boot';
import { HTTP_FIELDS, httpChecks } from '../../components/common/http';
import { ISO_FIELDS, ISO_RULES, isoChecks } from '../../components/common/iso';
import { CD_FIELDS, FLOPPY_FIELDS, mediaChecks } from '../../components/common/media';
import { PORT_FORWARDING_FIELDS, portForwardingChecks } from '../../components/common/port-forwarding';
import { DISK_INTERFACES, ISO_INTERFACES, VIRTUALBOX_ENUM_MESSAGES, VIRTUALBOX_FIELDS, virtualboxChecks } from '../../components/common/virtualbox';
import { boolField, field, numberField, stringField } from '../../components/fields';
import type { ComponentSchema, FieldSpec } from '../../components/schema';
import { COMMUNICATOR_ENUM_MESSAGES, communicatorChecks, communicatorFields } from '../../communicators/config';

/**
 * Machine settings the plugin gained after Packer 1.6.6 (v1.1.5's iso Config). Bakehouse creates the machine as 1.6.6 did,
 * so these are checked as Prepare checks them and then warn that they are not used yet.
 */
const HARDWARE_FIELDS_NOT_USED_YET: FieldSpec[] = [
  stringField('chipset', 'Chipset of the machine.', { default: 'piix3', enum: ['piix3', 'ich9', 'armv8', 'armv8virtual'] }),
  stringField('firmware', 'Firmware the machine boots with.', { default: 'bios', enum: ['bios', 'efi'] }),
  boolField('nested_virt', 'Expose hardware virtualisation to the guest (nested virtualisation).', { default: false }),
  stringField('rtc_time_base', 'Whether the machine\'s clock runs on UTC or local time.', { default: 'local', enum: ['UTC', 'local'] }),
  stringField('nic_type', 'Network adapter the machine sees.', { default: '82540EM', enum: ['82540EM', '82543GC', '82545EM', 'Am79C970A', 'Am79C973', 'Am79C960', 'virtio', 'usbnet'] }),
  stringField('audio_controller', 'Audio controller the machine sees.', { default: 'ac97', enum: ['ac97', 'hda', 'sb16', 'none'] }),
  stringField('usb_controller', 'USB controller the machine sees.', { default: 'ehci', enum: ['ohci', 'ehci', 'xhci', 'none'] }),
  stringField('mouse', 'Pointing device the machine sees.', { default: 'ps2', enum: ['ps2', 'usb', 'usbtablet', 'usbmultitouch'] }),
  stringField('keyboard', 'Keyboard the machine sees.', { default: 'ps2', enum: ['ps2', 'usb'] }),
  stringField('gfx_controller', 'Graphics controller the machine sees.', { enum: ['vboxvga', 'vboxsvga', 'vmsvga', 'qemuramfb', 'none'] }),
  numberField('gfx_vram_size', 'Video memory in megabytes, 1 to 128.', { default: 4 }),
  boolField('gfx_accelerate_3d', 'Turn on 3D acceleration.', { default: false }),
  stringField('gfx_efi_resolution', 'Screen resolution under EFI, as WIDTHxHEIGHT (e.g. "1920x1080").'),
  field('disk_additional_size', { list: 'number' }, 'Sizes in megabytes of further hard disks to create.'),
].map((f) => ({ ...f, notImplemented: true as const }));

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
    stringField('hard_drive_interface', 'Controller the hard disk is attached to.', { default: 'ide', enum: [...DISK_INTERFACES] }),
    numberField('sata_port_count', 'Number of ports on the SATA controller (at most 30).', { default: 1 }),
    numberField('nvme_port_count', 'Number of ports on the NVMe controller (at most 255).', { default: 1 }),
    boolField('hard_drive_nonrotational', 'Tell the guest the hard disk is an SSD.', { default: false }),
    stringField('iso_interface', 'Controller the install ISO is attached to.', { default: 'ide', enum: [...ISO_INTERFACES] }),
    stringField('vm_name', 'Name of the machine in VirtualBox and of the exported files.', { default: 'packer-<build name>-<time>' }),
    ...HARDWARE_FIELDS_NOT_USED_YET,
  ],
  ...ISO_RULES,
  messages: {
    ...ISO_RULES.messages,
    enum: {
      ...COMMUNICATOR_ENUM_MESSAGES,
      ...VIRTUALBOX_ENUM_MESSAGES,
      // packer-plugin-virtualbox v1.1.5 builder/virtualbox/iso/builder.go, Prepare's words.
      hard_drive_interface: 'hard_drive_interface can only be ide, sata, pcie, scsi or virtio',
      iso_interface: 'iso_interface can only be ide, sata or virtio',
      chipset: 'chipset can only be piix3, ich9, armv8, or armv8virtual',
      firmware: 'firmware can only be bios or efi',
      rtc_time_base: 'rtc_time_base can only be UTC or local',
      nic_type: 'NIC type can only be 82540EM, 82543GC, 82545EM, Am79C970A, Am79C973, Am79C960, usbnet, virtio',
      gfx_controller: 'Graphics controller type can only be vboxvga, vboxsvga, vmsvga, qemuramfb, none',
      audio_controller: 'Audio controller type can only be ac97, hda or sb16',
      usb_controller: 'USB controller type can only be ohci, ehci, xhci, or none',
      mouse: 'Mouse type can only be ps2, usb, usbtablet, or usbmultitouch',
      keyboard: 'Keyboard type can only be ps2 or usb',
    },
  },
};

const hardwareRanges: Check = (c) => {
  const out = [];
  // The graphics ranges of v1.1.5's Prepare (builder/virtualbox/iso/builder.go); 0 means the default.
  const vram = c.number('gfx_vram_size');
  if (vram !== undefined && vram !== 0 && (vram < 1 || vram > 128)) out.push(problem('VGRAM size must be from 0 (use default) to 128', 'gfx_vram_size'));
  const resolution = c.string('gfx_efi_resolution');
  if (resolution !== '' && !/^\d+x\d+$/.test(resolution)) {
    out.push(problem('EFI resolution must be in the format WIDTHxHEIGHT, e.g. 1920x1080', 'gfx_efi_resolution'));
  }
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
  hardwareRanges,
];

/**
 * Settings both VMware builders (vmware-iso, vmware-vmx) share, with the defaults, lists and Prepare words of
 * packer-plugin-vmware v2.1.0 (builder/vmware/common/driver.go constants, hw_config.go, export_config.go,
 * run_config.go, tools_config.go, driver_config.go).
 */
import { problem, type Check } from '../checks';
import { boolField, durationField, numberField, stringField, stringListField, stringMapField } from '../fields';
import type { FieldSpec } from '../schema';

export const VMWARE_NETWORK_ADAPTER_TYPES = ['vmxnet3', 'e1000e', 'e1000'] as const;
export const VMWARE_EXPORT_FORMATS = ['ovf', 'ova', 'vmx'] as const;
export const VMWARE_FIRMWARE_TYPES = ['bios', 'efi', 'efi-secure'] as const;
export const VMWARE_CDROM_ADAPTER_TYPES = ['ide', 'sata', 'scsi'] as const;
export const VMWARE_USB_VERSIONS = ['2.0', '3.1', '3.2'] as const;
export const VMWARE_TOOLS_MODES = ['upload', 'attach', 'disable'] as const;
export const VMWARE_TOOLS_FLAVORS = ['darwin', 'linux', 'windows'] as const;
/** v2.1.0's MinimumHardwareVersion and DefaultHardwareVersion. */
export const VMWARE_MIN_HARDWARE_VERSION = 19;
export const VMWARE_DEFAULT_HARDWARE_VERSION = 21;

export type VmwareExportFormat = (typeof VMWARE_EXPORT_FORMATS)[number];

const list = (values: readonly string[]): string => values.join(', ');

/** What the machine is made of and how it runs; vmware-vmx keeps the source's hardware but may change these. */
export const VMWARE_HARDWARE_FIELDS: FieldSpec[] = [
  numberField('cpus', 'Number of virtual CPUs (numvcpus).'),
  numberField('cores', 'Cores per socket (cpuid.coresPerSocket).'),
  numberField('memory', 'Memory in megabytes (memsize).', { default: 512 }),
  stringField('network', 'Network the first adapter connects to: nat, hostonly, bridged, or a custom vmnet.', { default: 'nat' }),
  stringField('network_adapter_type', 'Virtual network adapter (ethernet0.virtualDev); required since plugin v2.', { enum: [...VMWARE_NETWORK_ADAPTER_TYPES] }),
  boolField('sound', 'Give the machine a sound card.', { default: false }),
  boolField('usb', 'Give the machine USB controllers.', { default: false }),
  stringField('usb_version', 'USB version of the controllers when usb is true.', { enum: [...VMWARE_USB_VERSIONS] }),
  stringField('firmware', 'Firmware the machine boots with.', { enum: [...VMWARE_FIRMWARE_TYPES] }),
];

export const VMWARE_RUN_FIELDS: FieldSpec[] = [
  stringField('vm_name', 'Name of the machine: its .vmx and exported files are named after it.', { default: 'packer-<build name>' }),
  stringField('output_directory', 'Folder the machine and its exports are written to.', { default: 'output-<build name>' }),
  boolField('headless', 'Start the machine without a console window (vmrun start … nogui).', { default: false }),
  boolField('disable_vnc', 'Do not turn on the machine\'s VNC server; boot_command cannot be typed then.', { default: false }),
  stringField('vnc_bind_address', 'Address the machine\'s VNC server listens on.', { default: '127.0.0.1' }),
  numberField('vnc_port_min', 'Lowest port tried for the VNC server.', { default: 5900 }),
  numberField('vnc_port_max', 'Highest port tried for the VNC server.', { default: 6000 }),
  boolField('vnc_disable_password', 'Leave the VNC server without a password.', { default: false }),
  durationField('boot_key_interval', 'Pause between single key presses of boot_command.', { default: '100ms' }),
  stringMapField('vmx_data', 'Entries written into the .vmx before the machine boots (keys are lower-cased, as VMware reads them).'),
  stringMapField('vmx_data_post', 'Entries written into the .vmx after shutdown, before the export.'),
  boolField('vmx_remove_ethernet_interfaces', 'Remove every ethernetN entry from the .vmx after the build (for Vagrant boxes).', { default: false }),
  stringField('display_name', 'Display name written into the .vmx (displayName).'),
  numberField('version', 'Virtual hardware version (virtualHW.version).', { default: VMWARE_DEFAULT_HARDWARE_VERSION }),
  boolField('skip_compaction', 'Do not defragment and shrink the disks after the build.', { default: false }),
  stringField('format', 'Export format: ovf, ova, or vmx (the machine folder as it is, no export).', { default: 'vmx', enum: [...VMWARE_EXPORT_FORMATS] }),
  stringListField('ovftool_options', 'Extra options for ovftool when it does the export.'),
  boolField('skip_export', 'Leave the machine in the output folder without exporting it.', { default: false }),
  stringField('tools_mode', 'How VMware Tools reach the guest: upload, attach, or disable.', { enum: [...VMWARE_TOOLS_MODES] }),
  stringField('tools_upload_flavor', 'Which VMware Tools ISO to upload: darwin, linux, or windows.', { enum: [...VMWARE_TOOLS_FLAVORS] }),
  stringField('tools_upload_path', 'Path in the guest the VMware Tools ISO is uploaded to.', { default: '{{ .Flavor }}.iso' }),
  stringField('tools_source_path', 'Local VMware Tools ISO to upload or attach instead of the one installed with VMware.'),
];

export const VMWARE_ENUM_MESSAGES: Record<string, string> = {
  network_adapter_type: `invalid 'network_adapter_type' type specified; must be one of ${list(VMWARE_NETWORK_ADAPTER_TYPES)}`,
  format: `invalid 'format' type specified; must be one of ${list(VMWARE_EXPORT_FORMATS)}`,
  firmware: `invalid 'firmware' type specified; must be one of ${list(VMWARE_FIRMWARE_TYPES)}`,
  usb_version: `invalid 'usb_version' specified; must be one of ${list(VMWARE_USB_VERSIONS)}`,
  cdrom_adapter_type: `invalid 'cdrom_adapter_type' specified; must be one of ${list(VMWARE_CDROM_ADAPTER_TYPES)}`,
  tools_mode: `invalid 'tools_mode' specified; must be one of ${list(VMWARE_TOOLS_MODES)}`,
  tools_upload_flavor: `invalid 'tools_upload_flavor' specified; must be one of ${list(VMWARE_TOOLS_FLAVORS)}`,
};

/** hw_config.go's Prepare (vmware-iso only: vmware-vmx keeps the source machine's hardware). */
export const vmwareHardwareChecks: Check = (c) => {
  const out = [];
  for (const [name, what] of [['cpus', 'number of cpus specified (cpus < 0)'], ['cores', 'number of cpu cores specified (cores < 0)'], ['memory', 'amount of memory specified (memory < 0)']] as const) {
    const n = c.number(name);
    if (n !== undefined && n < 0) out.push(problem(`invalid ${what}: ${n}`, name));
  }
  if (!c.isSet('network_adapter_type')) {
    out.push(problem(`'network_adapter_type' is required; must be one of ${list(VMWARE_NETWORK_ADAPTER_TYPES)}`, 'network_adapter_type'));
  }
  if (!c.bool('usb') && c.isSet('usb_version')) out.push(problem("'usb_version' can only be set when 'usb' is 'true'", 'usb_version'));
  return out;
};

/** The Prepare checks of run_config.go, driver_config.go and tools_config.go, and the hardware version rule both builders have. */
export const vmwareChecks: Check = (c) => {
  const out = [];
  const min = c.number('vnc_port_min') ?? 5900;
  const max = c.number('vnc_port_max') ?? 6000;
  if (min > max) out.push(problem("'vnc_port_min' must be less than 'vnc_port_max'", 'vnc_port_min'));
  if (min < 0) out.push(problem("'vnc_port_min' must be positive", 'vnc_port_min'));
  const remote = c.string('remote_type');
  if (remote !== '') {
    out.push(problem('remote_type: VMware ESX is not supported by the plugin as of v2.0.0. Please use the Packer plugin for VMware vSphere', 'remote_type'));
  }
  const version = c.number('version');
  if (version !== undefined && version !== 0 && version < VMWARE_MIN_HARDWARE_VERSION) {
    out.push(problem(`invalid 'version' ${version}, minimum hardware version: ${VMWARE_MIN_HARDWARE_VERSION}`, 'version'));
  }
  out.push(...toolsProblems(c));
  return out;
};

/** tools_config.go's Prepare: the tools settings only make sense together with an explicit tools_mode. */
function toolsProblems(c: Parameters<Check>[0]) {
  const out = [];
  const mode = c.string('tools_mode');
  const flavor = c.isSet('tools_upload_flavor');
  const source = c.isSet('tools_source_path');
  const path = c.isSet('tools_upload_path');
  if (mode === '') {
    if (flavor || source || path) out.push(problem("'tools_mode' must be explicitly specified when using any tools configuration", 'tools_mode'));
    return out;
  }
  if (mode === 'attach') {
    if (path) out.push(problem("'tools_upload_path' can only be used with 'tools_mode=\"upload\"', not 'tools_mode=\"attach\"'", 'tools_upload_path'));
    if (flavor) out.push(problem("'tools_upload_flavor' can only be used with 'tools_mode=\"upload\"', not 'tools_mode=\"attach\"'", 'tools_upload_flavor'));
    if (!source) out.push(problem("'tools_source_path' is required when 'tools_mode=\"attach\"'", 'tools_source_path'));
  }
  if (mode === 'upload') {
    if (flavor && source) out.push(problem("'tools_upload_flavor' and 'tools_source_path' cannot both be specified - use one or the other", 'tools_upload_flavor'));
    if (!flavor && !source) out.push(problem("'tools_mode=\"upload\"' requires either 'tools_upload_flavor' or 'tools_source_path'", 'tools_mode'));
  }
  return out;
}

/** The enum messages of the fields both builders have (vmware-vmx has no hardware or CD-ROM fields). */
export const VMWARE_RUN_ENUM_MESSAGES: Record<string, string> = Object.fromEntries(
  Object.entries(VMWARE_ENUM_MESSAGES).filter(([name]) => VMWARE_RUN_FIELDS.some((f) => f.name === name)),
);

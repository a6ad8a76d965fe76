/** The settings both VMware builders share, read from the evaluated config with packer-plugin-vmware v2.1.0's defaults. */
import type { ConfigFields } from '../../engine/config-fields';
import type { BuildInfo } from '../../engine/plugin';
import { VMWARE_DEFAULT_HARDWARE_VERSION, type VmwareExportFormat } from '../../components/common/vmware';

export interface VmwareSettings {
  vmName: string;
  outputDir: string;
  displayName: string;
  format: VmwareExportFormat;
  skipExport: boolean;
  ovftoolOptions: string[];
  headless: boolean;
  hardwareVersion: number;
  vmxData: Record<string, string>;
  vmxDataPost: Record<string, string>;
  removeEthernet: boolean;
  skipCompaction: boolean;
  vnc: { enabled: boolean; address: string; portMin: number; portMax: number; disablePassword: boolean };
  bootWaitMs: number;
  bootCommand: string[];
  keyIntervalMs: number;
  keygroupIntervalMs: number;
  communicator: string;
  shutdownCommand: string;
  shutdownTimeoutMs: number;
  network: string;
  /** Where VMware's DHCP server writes its leases; the guest's address is looked up there first. */
  leaseFiles?: string[];
}

export function readVmwareSettings(f: ConfigFields, build: BuildInfo): VmwareSettings {
  const ms = (name: string, fallback: string): number => f.durationMs(name, fallback);
  const format = (f.string('format') || 'vmx') as VmwareExportFormat;
  const communicator = f.string('communicator', 'ssh') || 'ssh';
  if (communicator !== 'ssh' && communicator !== 'none') f.error(`communicator "${communicator}" is not supported by Bakehouse's VMware builders yet: use "ssh" or "none"`);
  for (const unsupported of ['floppy_files', 'floppy_dirs', 'floppy_content', 'cd_files', 'cd_content', 'disk_additional_size', 'vmx_template_path', 'serial', 'parallel']) {
    if (f.has(unsupported)) f.error(`${unsupported} is not supported by Bakehouse's VMware builders yet`);
  }
  if (f.string('tools_mode') === 'attach' || f.string('tools_mode') === 'upload') f.error('tools_mode "upload" and "attach" are not supported by Bakehouse\'s VMware builders yet: use "disable" or leave it unset');
  const map = (name: string): Record<string, string> => Object.fromEntries(Object.entries(f.object(name) ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    vmName: f.string('vm_name') || `packer-${build.name}`,
    outputDir: f.string('output_directory') || `output-${build.name}`,
    displayName: f.string('display_name'),
    format,
    // A vmx "export" is the machine folder itself (the plugin sets skip_export for it).
    skipExport: f.bool('skip_export') || format === 'vmx',
    ovftoolOptions: f.stringList('ovftool_options'),
    headless: f.bool('headless'),
    hardwareVersion: f.number('version', 0) || VMWARE_DEFAULT_HARDWARE_VERSION,
    vmxData: map('vmx_data'),
    vmxDataPost: map('vmx_data_post'),
    removeEthernet: f.bool('vmx_remove_ethernet_interfaces'),
    skipCompaction: f.bool('skip_compaction'),
    vnc: {
      enabled: !f.bool('disable_vnc'),
      address: f.string('vnc_bind_address') || '127.0.0.1',
      portMin: f.number('vnc_port_min', 5900),
      portMax: f.number('vnc_port_max', 6000),
      disablePassword: f.bool('vnc_disable_password'),
    },
    bootWaitMs: ms('boot_wait', '10s'),
    bootCommand: f.stringList('boot_command'),
    keyIntervalMs: f.has('boot_key_interval') ? ms('boot_key_interval', '100ms') : 100,
    keygroupIntervalMs: f.has('boot_keygroup_interval') ? ms('boot_keygroup_interval', '100ms') : 100,
    communicator,
    shutdownCommand: f.string('shutdown_command'),
    shutdownTimeoutMs: ms('shutdown_timeout', '5m'),
    network: f.string('network') || 'nat',
  };
}

/** The settings both VirtualBox builders share, read from the evaluated config with Packer 1.6.6's defaults. */
import type { ConfigFields } from '../../engine/config-fields';
import type { BuildInfo } from '../../engine/plugin';
import type { VirtualBoxSettings } from './steps';

export function readVirtualBoxSettings(f: ConfigFields, build: BuildInfo, now: Date = new Date()): VirtualBoxSettings {
  const ms = (name: string, fallback: string): number => f.durationMs(name, fallback);
  const format = f.string('format', 'ovf') || 'ovf';
  if (format !== 'ovf' && format !== 'ova') f.error("invalid format, only 'ovf' or 'ova' are allowed");
  const communicator = f.string('communicator', 'ssh') || 'ssh';
  if (communicator !== 'ssh' && communicator !== 'none') f.error(`communicator "${communicator}" is not supported by Bakehouse's VirtualBox builders yet: use "ssh" or "none"`);
  const commands = (name: string): string[][] => {
    const raw = f.raw(name);
    if (raw === undefined || raw === null) return [];
    if (Array.isArray(raw) && raw.every((c) => Array.isArray(c))) return (raw as unknown[][]).map((c) => c.map(String));
    f.error(`${name} must be a list of commands, each a list of strings`);
    return [];
  };
  const vmName = f.string('vm_name') || `packer-${build.name}-${Math.floor(now.getTime() / 1000)}`;
  const mode = f.string('guest_additions_mode', 'upload') || 'upload';
  if (mode === 'attach') f.error('guest_additions_mode = "attach" is not supported by Bakehouse yet: use "upload" or "disable"');
  for (const unsupported of ['floppy_files', 'floppy_dirs', 'cd_files']) {
    if (f.has(unsupported)) f.error(`${unsupported} is not supported by Bakehouse's VirtualBox builders yet`);
  }
  return {
    vmName,
    outputDir: f.string('output_directory') || `output-${build.name}`,
    outputFilename: f.string('output_filename'),
    format: format === 'ova' ? 'ova' : 'ovf',
    exportOpts: f.stringList('export_opts'),
    skipExport: f.bool('skip_export'),
    keepRegistered: f.bool('keep_registered'),
    headless: f.bool('headless'),
    vrdp: { address: f.string('vrdp_bind_address', '127.0.0.1') || '127.0.0.1', portMin: f.number('vrdp_port_min', 5900), portMax: f.number('vrdp_port_max', 6000) },
    vboxmanage: commands('vboxmanage'),
    vboxmanagePost: commands('vboxmanage_post'),
    bootWaitMs: ms('boot_wait', '10s'),
    bootCommand: f.stringList('boot_command').join(''),
    keyIntervalMs: f.has('boot_keygroup_interval') ? ms('boot_keygroup_interval', '100ms') : 100,
    communicator,
    guestPort: f.number('ssh_port', 22),
    hostPortMin: f.number('host_port_min', f.number('ssh_host_port_min', 2222)),
    hostPortMax: f.number('host_port_max', f.number('ssh_host_port_max', 4444)),
    skipNatMapping: f.bool('skip_nat_mapping', f.bool('ssh_skip_nat_mapping')),
    shutdownCommand: f.string('shutdown_command'),
    shutdownTimeoutMs: ms('shutdown_timeout', '5m'),
    postShutdownDelayMs: ms('post_shutdown_delay', '2s'),
    disableShutdown: f.bool('disable_shutdown'),
    acpiShutdown: f.bool('acpi_shutdown'),
    bundleIso: f.bool('bundle_iso'),
  };
}

export interface GuestAdditions {
  mode: string;
  path: string;
  versionFile: string;
}

export function readGuestAdditions(f: ConfigFields): GuestAdditions {
  return {
    mode: f.string('guest_additions_mode', 'upload') || 'upload',
    path: f.string('guest_additions_path', 'VBoxGuestAdditions.iso') || 'VBoxGuestAdditions.iso',
    versionFile: f.has('virtualbox_version_file') ? f.string('virtualbox_version_file') : '.vbox_version',
  };
}

/** The qemu builder's evaluated config read into typed settings with Packer's defaults (the schema is in config.ts). */
import { err, ok, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import type { BuildInfo } from '../../engine/plugin';
import { readSshConfig, type SshConfig } from '../../communicators/ssh/config';
import type { ComponentConfig } from '../../template/model';
import { parseBootCommand } from './boot-command';
import { parseChecksum } from '../../downloads/checksum';

export interface QemuConfig {
  isoUrls: string[];
  isoChecksum: string;
  isoTargetPath: string;
  isoTargetExtension: string;
  diskImage: boolean;
  useBackingFile: boolean;
  /** disk_size as qemu-img reads it ("40960M"). */
  diskSize: string;
  diskAdditionalSize: string[];
  skipResizeDisk: boolean;
  format: 'qcow2' | 'raw';
  skipCompaction: boolean;
  diskCompression: boolean;
  diskInterface: string;
  diskCache: string;
  diskDiscard: string;
  diskDetectZeroes: string;
  /** kvm, tcg, …; `auto` picks kvm when it is usable. */
  accelerator: string;
  cpus: number;
  memory: number;
  machineType: string;
  /** firmware: a firmware file QEMU loads instead of its default BIOS (-bios); empty for QEMU's own. */
  firmware: string;
  netDevice: string;
  headless: boolean;
  display: string;
  useDefaultDisplay: boolean;
  qemuBinary: string;
  qemuArgs: string[][];
  qemuImgArgs: { convert: string[]; create: string[]; resize: string[] };
  outputDirectory: string;
  vmName: string;
  http: { directory: string; content: Record<string, string>; portMin: number; portMax: number; bindAddress: string };
  hostPortMin: number;
  hostPortMax: number;
  skipNatMapping: boolean;
  vnc: { disabled: boolean; bindAddress: string; portMin: number; portMax: number };
  qmpSocketPath: string;
  bootWaitMs: number;
  bootCommand: string[];
  bootKeyIntervalMs: number;
  bootKeygroupIntervalMs: number;
  shutdownCommand: string;
  shutdownTimeoutMs: number;
  communicator: 'ssh' | 'none';
  ssh?: SshConfig;
}

export function readQemuConfig(config: ComponentConfig, build: BuildInfo): Result<QemuConfig, string[]> {
  const f = new ConfigFields(config, 'qemu');
  const duration = (name: string, fallback: string): number => {
    const d = durationMs(f.string(name, fallback));
    if (d.ok) return d.value;
    f.error(`qemu: ${name}: ${d.error}`);
    return 0;
  };
  const isoUrls = f.has('iso_urls') ? f.stringList('iso_urls') : f.has('iso_url') ? [f.string('iso_url')] : [];
  if (isoUrls.length === 0) f.error('One of iso_url or iso_urls must be specified');
  const skipCache = f.bool('iso_skip_cache');
  const isoChecksum = f.string('iso_checksum');
  if (!f.has('iso_checksum') && !skipCache) f.error('A checksum must be specified');
  const checksum = parseChecksum(isoChecksum);
  if (!checksum.ok) f.error(checksum.error);
  const format = f.string('format', 'qcow2');
  if (format !== 'qcow2' && format !== 'raw') f.error("invalid format, only 'qcow2' or 'raw' are allowed");
  const diskImage = f.bool('disk_image');
  const useBackingFile = f.bool('use_backing_file');
  if (useBackingFile && !(diskImage && format === 'qcow2')) f.error('use_backing_file can only be enabled for QCOW2 images and when disk_image is true');
  let diskSize = f.string('disk_size', '40960M');
  // A bare number is megabytes, as in Packer.
  if (/^\d+$/.test(diskSize)) diskSize = `${diskSize}M`;
  const accelerator = f.string('accelerator', 'auto');
  const qemuArgs: string[][] = [];
  const rawArgs = f.raw('qemuargs');
  if (Array.isArray(rawArgs)) {
    for (const a of rawArgs) {
      if (Array.isArray(a) && a.length > 0 && a.every((w) => typeof w === 'string' || typeof w === 'number')) qemuArgs.push(a.map(String));
      else f.error('qemu: qemuargs must be a list of non-empty lists of strings, e.g. [["-m", "1024M"]]');
    }
  } else if (rawArgs !== undefined && rawArgs !== null) f.error('qemu: qemuargs must be a list of lists of strings');
  const imgArgs = f.object('qemu_img_args') ?? {};
  const words = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const content: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.object('http_content') ?? {})) content[k] = String(v);
  const bootCommand = f.stringList('boot_command');
  for (const line of bootCommand) {
    const parsed = parseBootCommand(line);
    if (!parsed.ok) f.error(parsed.error);
  }
  if (f.string('net_bridge')) f.error('qemu: net_bridge is not supported by Bakehouse yet: use the default user-mode networking');
  for (const name of ['floppy_files', 'floppy_dirs', 'floppy_content', 'cd_files', 'cd_content']) {
    if (f.has(name)) f.error(`qemu: ${name} is not supported by Bakehouse yet`);
  }
  const communicator = f.string('communicator', 'ssh');
  if (communicator !== 'ssh' && communicator !== 'none') f.error(`qemu: communicator "${communicator}" is not supported by Bakehouse yet: use "ssh" or "none"`);
  let ssh: SshConfig | undefined;
  if (communicator === 'ssh') {
    const r = readSshConfig(config, 'qemu');
    if (!r.ok) f.errors.push(...r.error);
    else ssh = r.value;
    if (ssh && ssh.username === '') f.error('An ssh_username must be specified');
  }
  const shutdownCommand = f.string('shutdown_command');
  const cfg: QemuConfig = {
    isoUrls,
    isoChecksum: skipCache && !f.has('iso_checksum') ? 'none' : isoChecksum,
    isoTargetPath: f.string('iso_target_path'),
    isoTargetExtension: f.string('iso_target_extension', 'iso'),
    diskImage,
    useBackingFile,
    diskSize,
    diskAdditionalSize: f.stringList('disk_additional_size'),
    skipResizeDisk: f.bool('skip_resize_disk'),
    format: format === 'raw' ? 'raw' : 'qcow2',
    // An overlay compacted into a standalone image would lose the point of the backing file, so Packer skips it.
    skipCompaction: f.bool('skip_compaction') || useBackingFile,
    diskCompression: f.bool('disk_compression') && !useBackingFile,
    diskInterface: f.string('disk_interface', 'virtio'),
    diskCache: f.string('disk_cache', 'writeback'),
    diskDiscard: f.string('disk_discard', 'ignore'),
    diskDetectZeroes: f.string('disk_detect_zeroes', 'off'),
    accelerator,
    cpus: f.number('cpus', 1) || 1,
    memory: f.number('memory', 512) || 512,
    machineType: f.string('machine_type', 'pc'),
    firmware: f.string('firmware'),
    netDevice: f.string('net_device', 'virtio-net'),
    headless: f.bool('headless'),
    display: f.string('display'),
    useDefaultDisplay: f.bool('use_default_display'),
    qemuBinary: f.string('qemu_binary', 'qemu-system-x86_64'),
    qemuArgs,
    qemuImgArgs: { convert: words(imgArgs.convert), create: words(imgArgs.create), resize: words(imgArgs.resize) },
    outputDirectory: f.string('output_directory', `output-${build.name}`),
    vmName: f.string('vm_name', `packer-${build.name}`),
    http: {
      directory: f.string('http_directory'),
      content,
      portMin: f.number('http_port_min', 8000),
      portMax: f.number('http_port_max', 9000),
      // The machine reaches the host's loopback through QEMU's user networking (10.0.2.2), so nothing else needs to see it.
      bindAddress: f.has('http_bind_address') && f.string('http_bind_address') !== '0.0.0.0' ? f.string('http_bind_address') : '127.0.0.1',
    },
    hostPortMin: f.number('host_port_min', f.number('ssh_host_port_min', 2222)),
    hostPortMax: f.number('host_port_max', f.number('ssh_host_port_max', 4444)),
    skipNatMapping: f.bool('skip_nat_mapping'),
    vnc: {
      disabled: f.bool('disable_vnc'),
      bindAddress: f.string('vnc_bind_address', '127.0.0.1'),
      portMin: f.number('vnc_port_min', 5900),
      portMax: f.number('vnc_port_max', 6000),
    },
    qmpSocketPath: f.string('qmp_socket_path'),
    bootWaitMs: duration('boot_wait', '10s'),
    bootCommand,
    bootKeyIntervalMs: f.has('boot_key_interval') ? duration('boot_key_interval', '0s') : 100,
    bootKeygroupIntervalMs: duration('boot_keygroup_interval', '100ms'),
    shutdownCommand,
    shutdownTimeoutMs: duration('shutdown_timeout', '5m'),
    communicator: communicator === 'none' ? 'none' : 'ssh',
    ssh,
  };
  if (f.errors.length > 0) return err(f.errors);
  return ok(cfg);
}

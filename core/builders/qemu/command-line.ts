/**
 * QEMU's command line as Packer builds it: default arguments keyed by flag, where a flag given in qemuargs replaces every
 * default value of that flag, then all flags in sorted order. Bakehouse adds a QMP socket, the serial console on stdio
 * and `-display none` for headless machines.
 */
import { fillPlaceholders } from '../../engine/placeholders';
import type { QemuConfig } from './read-config';

export interface LaunchFacts {
  disk: string;
  additionalDisks: string[];
  /** The ISO to attach as a CD (installs); absent for disk_image builds. */
  cdrom?: string;
  /** Boot the disk even with a CD attached: the machine starts from the build cache's disk, installed already. */
  bootDisk?: boolean;
  /** Start paused, waiting for a saved machine state over QMP (`-incoming defer`). */
  incoming?: boolean;
  accelerator: string;
  /** Host port forwarded to the machine's communicator port; undefined for none. */
  sshHostPort?: number;
  communicatorPort: number;
  vncPort?: number;
  qmpSocket: string;
  /** `-display` when the machine has no window: "none", unless the user chose otherwise. */
  hasDisplay: boolean;
  placeholders: Record<string, string>;
}

export function qemuArgs(cfg: QemuConfig, f: LaunchFacts): { args: string[]; overridden: boolean } {
  const defaults = new Map<string, string[]>();
  const add = (flag: string, value?: string): void => {
    const list = defaults.get(flag) ?? [];
    if (value !== undefined) list.push(value);
    defaults.set(flag, list);
  };
  add('-name', cfg.vmName);
  add('-machine', `type=${cfg.machineType},accel=${f.accelerator}`);
  // Without efi_boot (which Bakehouse does not have), a firmware file is simply QEMU's BIOS image.
  if (cfg.firmware) add('-bios', cfg.firmware);
  const forward = f.sshHostPort !== undefined ? `,hostfwd=tcp:127.0.0.1:${f.sshHostPort}-:${f.communicatorPort}` : '';
  add('-netdev', `user,id=user.0${forward}`);
  add('-device', `${cfg.netDevice},netdev=user.0`);
  const drive = (file: string, index: number): string => {
    const opts = [`file=${file}`, `cache=${cfg.diskCache}`, `discard=${cfg.diskDiscard}`, `format=${cfg.format}`];
    if (cfg.diskDetectZeroes !== 'off') opts.push(`detect-zeroes=${cfg.diskDetectZeroes}`);
    if (cfg.diskInterface === 'virtio-scsi') {
      add('-device', `scsi-hd,bus=scsi0.0,drive=drive${index}`);
      return [...opts, 'if=none', `id=drive${index}`].join(',');
    }
    return [...opts, `if=${cfg.diskInterface}`].join(',');
  };
  if (cfg.diskInterface === 'virtio-scsi') add('-device', 'virtio-scsi-pci,id=scsi0');
  [f.disk, ...f.additionalDisks].forEach((d, i) => add('-drive', drive(d, i)));
  if (f.cdrom) {
    add('-cdrom', f.cdrom);
    add('-boot', f.bootDisk ? 'c' : 'once=d');
  } else {
    add('-boot', 'c');
  }
  add('-m', `${cfg.memory}M`);
  add('-smp', `cpus=${cfg.cpus},sockets=${cfg.cpus}`);
  if (f.vncPort !== undefined) add('-vnc', `${cfg.vnc.bindAddress}:${f.vncPort - 5900}`);
  else add('-vnc', 'none');
  if (cfg.display) add('-display', cfg.display);
  else if (!cfg.useDefaultDisplay && (cfg.headless || !f.hasDisplay)) add('-display', 'none');
  add('-qmp', `unix:${f.qmpSocket},server=on,wait=off`);
  add('-serial', 'stdio');
  if (f.incoming) add('-incoming', 'defer');

  const overrides = new Map<string, string[]>();
  for (const words of cfg.qemuArgs) {
    const [flag, ...rest] = words.map((w) => fillPlaceholders(w, f.placeholders));
    const list = overrides.get(flag) ?? [];
    const value = rest.join('');
    if (value !== '') list.push(value);
    overrides.set(flag, list);
  }
  for (const [flag, values] of overrides) defaults.set(flag, values);

  const args: string[] = [];
  for (const flag of [...defaults.keys()].sort()) {
    const values = defaults.get(flag) ?? [];
    if (values.length === 0) args.push(flag);
    for (const v of values) args.push(flag, v);
  }
  return { args, overridden: overrides.size > 0 };
}

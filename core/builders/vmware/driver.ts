/**
 * How the VMware builders reach VMware Workstation/Player: `vmrun -T ws …` for the machine's life, `vmware-vdiskmanager`
 * for disks (`qemu-img` writes the same VMDK subformats when vdiskmanager is not installed), and `ovftool` for exports
 * when present. The argv is packer-plugin-vmware v2.1.0's (common/driver_workstation.go); steps reach the programs only
 * through `Tools`, so tests record the exact calls without VMware installed.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { err, ok, type Result } from '../../common/result';

export interface Tools {
  vmrun: string;
  /** vmware-vdiskmanager, when installed. */
  vdiskmanager?: string;
  /** qemu-img, the fallback for disks. */
  qemuImg?: string;
  ovftool?: string;
  /** Runs one program; the result is its standard output. */
  run(program: string, args: string[], signal: AbortSignal): Promise<Result<string>>;
}

export function findProgram(env: Record<string, string | undefined>, names: string[]): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Not in this folder.
      }
    }
  }
  return undefined;
}

export function localTools(env: Record<string, string | undefined>, cwd: string, onCommand?: (program: string, args: string[]) => void): Tools | undefined {
  const vmrun = findProgram(env, ['vmrun']);
  if (!vmrun) return undefined;
  return {
    vmrun,
    vdiskmanager: findProgram(env, ['vmware-vdiskmanager']),
    qemuImg: findProgram(env, ['qemu-img']),
    ovftool: findProgram(env, ['ovftool']),
    run: (program, args, signal) =>
      new Promise((resolve) => {
        onCommand?.(program, args);
        execFile(program, args, { env: env as NodeJS.ProcessEnv, cwd, signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (!error) return resolve(ok(stdout));
          // vmrun prints its errors ("Error: …") on standard output.
          const text = `${stderr}${stdout}`.trim() || error.message;
          resolve(err(`${program.split('/').pop()} error: ${text}`));
        });
      }),
  };
}

export const vmrun = {
  start: (vmx: string, headless: boolean) => ['-T', 'ws', 'start', vmx, headless ? 'nogui' : 'gui'],
  stop: (vmx: string) => ['-T', 'ws', 'stop', vmx, 'hard'],
  list: () => ['-T', 'ws', 'list'],
  guestIp: (vmx: string) => ['-T', 'ws', 'getGuestIPAddress', vmx],
};

/** `vmrun list` names each running machine's .vmx on a line of its own, after a count. */
export function isListed(listOutput: string, vmx: string): boolean {
  return listOutput.split(/\r?\n/).some((line) => line.trim() === vmx);
}

/** vdiskmanager's adapter names for `-a`: its own three, with every SCSI controller type as lsilogic. */
function vdiskAdapter(diskAdapterType: string): string {
  const a = diskAdapterType.toLowerCase();
  return a === 'ide' || a === 'buslogic' ? a : 'lsilogic';
}

/** qemu-img's VMDK subformat for each vdiskmanager disk type (0–5). */
const SUBFORMATS: Record<string, string> = {
  '0': 'monolithicSparse',
  '1': 'twoGbMaxExtentSparse',
  '2': 'monolithicFlat',
  '3': 'twoGbMaxExtentFlat',
  '4': 'monolithicFlat',
  '5': 'streamOptimized',
};

export const DISK_TYPE_IDS = Object.keys(SUBFORMATS);

/** The command that creates a disk: vdiskmanager's `-c -s <n>M -a <adapter> -t <type> <path>`, or qemu-img's equivalent. */
export function createDiskCommand(tools: Pick<Tools, 'vdiskmanager' | 'qemuImg'>, path: string, sizeMb: number, adapter: string, typeId: string): Result<[string, string[]]> {
  if (tools.vdiskmanager) return ok([tools.vdiskmanager, ['-c', '-s', `${sizeMb}M`, '-a', vdiskAdapter(adapter), '-t', typeId, path]]);
  const subformat = SUBFORMATS[typeId];
  if (!subformat) return err(`disk_type_id ${typeId} cannot be made with qemu-img; use 0 to 5`);
  if (!tools.qemuImg) return err('neither vmware-vdiskmanager nor qemu-img was found in PATH to create the disk');
  const adapterType = vdiskAdapter(adapter);
  return ok([tools.qemuImg, ['create', '-f', 'vmdk', '-o', `subformat=${subformat},adapter_type=${adapterType}`, path, `${sizeMb}M`]]);
}

/** StepCompactDisk's two vdiskmanager runs (defragment, then shrink); none where only qemu-img is there. */
export function compactDiskCommands(tools: Pick<Tools, 'vdiskmanager'>, path: string): [string, string[]][] {
  return tools.vdiskmanager ? [[tools.vdiskmanager, ['-d', path]], [tools.vdiskmanager, ['-k', path]]] : [];
}

/** Where VMware Workstation's DHCP server keeps its leases on Linux, per network (the plugin's dhcpLeasesPaths). */
export function defaultLeaseFiles(network: string): string[] {
  const device = network === 'nat' ? 'vmnet8' : network === 'hostonly' ? 'vmnet1' : network;
  return ['dhcp/dhcp.leases', 'dhcp/dhcpd.leases', 'dhcpd/dhcp.leases', 'dhcpd/dhcpd.leases'].map((p) => join('/etc/vmware', device, p));
}

/**
 * The address an ISC dhcpd leases file gives the MAC, from its latest-ending lease (a machine rebooted during an
 * install may hold several).
 */
export function ipFromLeases(text: string, mac: string): string | undefined {
  let best: { ip: string; ends: number } | undefined;
  for (const m of text.matchAll(/lease\s+([\d.]+)\s*\{([^}]*)\}/g)) {
    const body = m[2]!;
    const hw = /hardware\s+ethernet\s+([0-9a-f:]+)\s*;/i.exec(body)?.[1];
    if (!hw || hw.toLowerCase() !== mac.toLowerCase()) continue;
    const endText = /ends\s+\d+\s+([\d/]+\s+[\d:]+)\s*;/.exec(body)?.[1];
    const ends = endText ? Date.parse(`${endText.replace(/\//g, '-').replace(' ', 'T')}Z`) : 0;
    if (!best || ends >= best.ends) best = { ip: m[1]!, ends };
  }
  return best?.ip;
}

export function readLeases(files: string[], mac: string): string | undefined {
  for (const f of files) {
    try {
      const ip = ipFromLeases(readFileSync(f, 'utf8'), mac);
      if (ip) return ip;
    } catch {
      // No leases file for this network here.
    }
  }
  return undefined;
}

/** The VBoxManage command lines of a VirtualBox build, exactly as Packer 1.6.6 issues them (plus 1.14's VirtIO controller). */
import type { DiskInterface, IsoInterface } from '../../components/common/virtualbox';

export type { DiskInterface, IsoInterface };

export interface NewMachine {
  name: string;
  guestOsType: string;
  cpus: number;
  memoryMb: number;
  usb: boolean;
  sound: string;
}

export function createVm(m: NewMachine): string[][] {
  const audio = m.sound.toLowerCase() === 'none' ? ['--audio', m.sound] : ['--audio', m.sound, '--audioin', 'on', '--audioout', 'on'];
  return [
    ['createvm', '--name', m.name, '--ostype', m.guestOsType, '--register'],
    ['modifyvm', m.name, '--boot1', 'disk', '--boot2', 'dvd', '--boot3', 'none', '--boot4', 'none'],
    ['modifyvm', m.name, '--cpus', String(m.cpus)],
    ['modifyvm', m.name, '--memory', String(m.memoryMb)],
    ['modifyvm', m.name, '--usb', m.usb ? 'on' : 'off'],
    ['modifyvm', m.name, ...audio],
  ];
}

export interface NewDisk {
  vm: string;
  path: string;
  sizeMb: number;
  hardDriveInterface: DiskInterface;
  isoInterface: IsoInterface;
  sataPortCount: number;
  nvmePortCount: number;
  nonrotational: boolean;
  discard: boolean;
}

export const CONTROLLER: Record<DiskInterface, string> = {
  ide: 'IDE Controller',
  sata: 'SATA Controller',
  scsi: 'SCSI Controller',
  pcie: 'NVMe Controller',
  virtio: 'VirtIO Controller',
};

/** The disk, its controllers (IDE always, for the ISO), and the disk attached on port 0. */
export function createDisk(d: NewDisk): string[][] {
  const out = [
    ['createhd', '--filename', d.path, '--size', String(d.sizeMb), '--format', 'VDI', '--variant', 'Standard'],
    ['storagectl', d.vm, '--name', 'IDE Controller', '--add', 'ide'],
  ];
  if (d.hardDriveInterface === 'sata' || d.isoInterface === 'sata') {
    out.push(['storagectl', d.vm, '--name', 'SATA Controller', '--add', 'sata', '--portcount', String(d.sataPortCount)]);
  }
  // As packer-plugin-virtualbox v1.1.5 does (iso/step_create_disk.go): one VirtIO SCSI controller for the disk, the ISO or both.
  if (d.hardDriveInterface === 'virtio' || d.isoInterface === 'virtio') {
    out.push(['storagectl', d.vm, '--name', CONTROLLER.virtio, '--add', 'VirtIO', '--controller', 'VirtIO']);
  }
  if (d.hardDriveInterface === 'scsi') out.push(['storagectl', d.vm, '--name', 'SCSI Controller', '--add', 'scsi', '--controller', 'LSILogic']);
  else if (d.hardDriveInterface === 'pcie') {
    out.push(['storagectl', d.vm, '--name', 'NVMe Controller', '--add', 'pcie', '--controller', 'NVMe', '--portcount', String(d.nvmePortCount)]);
  }
  out.push([
    'storageattach', d.vm, '--storagectl', CONTROLLER[d.hardDriveInterface], '--port', '0', '--device', '0', '--type', 'hdd', '--medium', d.path,
    '--nonrotational', d.nonrotational ? 'on' : 'off', '--discard', d.discard ? 'on' : 'off',
  ]);
  return out;
}

/** Where the boot ISO goes: IDE primary slave, or port 1 of the SATA or VirtIO controller (port 0 is the disk's). */
export function attachIso(vm: string, isoPath: string, isoInterface: IsoInterface): { attach: string[]; detach: string[] } {
  const [controller, port, device] = isoInterface === 'ide' ? ['IDE Controller', '0', '1'] : [CONTROLLER[isoInterface], '1', '0'];
  const base = ['storageattach', vm, '--storagectl', controller, '--port', port, '--device', device, '--type', 'dvddrive', '--medium'];
  return { attach: [...base, isoPath], detach: [...base, 'none'] };
}

export function importVm(name: string, source: string, flags: string[]): string[] {
  return ['import', source, '--vsys', '0', '--vmname', name, ...flags];
}

export function configureVrdp(vm: string, address: string, port: number): string[] {
  return ['modifyvm', vm, '--vrdeaddress', address, '--vrdeauthtype', 'null', '--vrde', 'on', '--vrdeport', String(port)];
}

export function natForward(vm: string, hostPort: number, guestPort: number): string[][] {
  return [
    ['modifyvm', vm, '--nic1', 'nat'],
    ['modifyvm', vm, '--natpf1', `packercomm,tcp,127.0.0.1,${hostPort},,${guestPort}`],
  ];
}

export function deleteNatForward(vm: string): string[] {
  return ['modifyvm', vm, '--natpf1', 'delete', 'packercomm'];
}

export function startVm(vm: string, headless: boolean): string[] {
  return ['startvm', vm, '--type', headless ? 'headless' : 'gui'];
}

export function putScancodes(vm: string, codes: string[]): string[] {
  return ['controlvm', vm, 'keyboardputscancode', ...codes];
}

export function exportVm(vm: string, outputPath: string, exportOpts: string[]): string[] {
  return ['export', vm, '--output', outputPath, ...exportOpts];
}

export const powerOff = (vm: string): string[] => ['controlvm', vm, 'poweroff'];
export const acpiPowerButton = (vm: string): string[] => ['controlvm', vm, 'acpipowerbutton'];
export const deleteVm = (vm: string): string[] => ['unregistervm', vm, '--delete'];
export const machineInfo = (vm: string): string[] => ['showvminfo', vm, '--machinereadable'];

/** Packer quiets VirtualBox's first-run dialogs before every build. */
export function suppressMessages(year: number): string[][] {
  return [
    ['setextradata', 'global', 'GUI/RegistrationData', 'triesLeft=0'],
    ['setextradata', 'global', 'GUI/SuppressMessages', 'confirmInputCapture,remindAboutAutoCapture,remindAboutMouseIntegrationOff,remindAboutMouseIntegrationOn,remindAboutWrongColorDepth'],
    ['setextradata', 'global', 'GUI/UpdateDate', `1 d, ${year + 1}-01-01, stable`],
    ['setextradata', 'global', 'GUI/UpdateCheckCount', '60'],
  ];
}

/** `vboxmanage` / `vboxmanage_post` entries with `{{ .Name }}`, `{{ .HTTPIP }}` and `{{ .HTTPPort }}` filled in. */
export function customCommands(commands: string[][], data: Readonly<Record<string, string>>, fill: (text: string, data: Readonly<Record<string, string>>) => string): string[][] {
  return commands.map((c) => c.map((arg) => fill(arg, data)));
}

/** `showvminfo --machinereadable` says the machine still runs (running, stopping or paused, as Packer counts). */
export function isRunning(info: string): boolean {
  return info.split('\n').some((l) => ['VMState="running"', 'VMState="stopping"', 'VMState="paused"'].includes(l.trimEnd()));
}

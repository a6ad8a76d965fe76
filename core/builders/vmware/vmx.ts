/**
 * The .vmx file: a flat list of `key = "value"` lines that VMware reads case-insensitively. Read and written as
 * packer-plugin-vmware v2.1.0 does (common/vmx.go: keys lower-cased, written sorted), and generated for vmware-iso
 * from the plugin's default template (iso/step_create_vmx.go) with the settings Packer's fields give.
 */

export type Vmx = Map<string, string>;

const LINE = /^(.+?)\s*=\s*"?(.*?)"?\s*$/;

export function parseVmx(text: string): Vmx {
  const vmx: Vmx = new Map();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m) vmx.set(m[1]!.toLowerCase(), m[2]!);
  }
  return vmx;
}

/** Sorted by key, every value quoted except `.virtualSSD` flags, which VMware wants bare and in that case. */
export function encodeVmx(vmx: Vmx): string {
  return [...vmx.keys()]
    .sort()
    .map((k) => {
      const v = vmx.get(k)!;
      if (k.includes('.virtualssd')) return `${k.replace('.virtualssd', '.virtualSSD')} = ${v}\n`;
      return `${k} = "${v}"\n`;
    })
    .join('');
}

/** Where the disk and the install CD-ROM go, as DefaultDiskAndCDROMTypes decides from disk_adapter_type and cdrom_adapter_type. */
export interface Controllers {
  scsiPresent: boolean;
  scsiAdapter: string;
  sataPresent: boolean;
  nvmePresent: boolean;
  diskBus: string;
  cdromBus: string;
  /** The CD-ROM's unit on its bus ("0" or "1"). */
  cdromUnit: string;
}

export function controllers(diskAdapterType: string, cdromAdapterType: string): Controllers {
  const c: Controllers = { scsiPresent: false, scsiAdapter: 'lsilogic', sataPresent: false, nvmePresent: false, diskBus: 'scsi', cdromBus: 'ide', cdromUnit: '0' };
  let disk = diskAdapterType.toLowerCase();
  if (disk === 'ide') Object.assign(c, { diskBus: 'ide', cdromBus: 'ide', cdromUnit: '1' });
  else if (disk === 'sata') Object.assign(c, { sataPresent: true, diskBus: 'sata', cdromBus: 'sata', cdromUnit: '1' });
  else if (disk === 'nvme') Object.assign(c, { nvmePresent: true, sataPresent: true, diskBus: 'nvme', cdromBus: 'sata', cdromUnit: '0' });
  else {
    // Any other name is a SCSI controller type ("scsi" itself meaning VMware's default, lsilogic).
    if (disk === 'scsi' || disk === '') disk = 'lsilogic';
    Object.assign(c, { scsiPresent: true, scsiAdapter: disk, diskBus: 'scsi', cdromBus: 'ide', cdromUnit: '0' });
  }
  let cdrom = cdromAdapterType.toLowerCase();
  if (cdrom === '') cdrom = c.cdromBus;
  else c.cdromUnit = cdrom === disk ? '1' : '0';
  if (cdrom === 'sata') c.sataPresent = true;
  if (cdrom === 'scsi') c.scsiPresent = true;
  if (cdrom === 'ide' || cdrom === 'sata' || cdrom === 'scsi') c.cdromBus = cdrom;
  return c;
}

export interface NewMachine {
  name: string;
  guestOs: string;
  /** Absolute path of the install ISO. */
  isoPath: string;
  hardwareVersion: number;
  firmware: string;
  cpus: number;
  cores: number;
  memoryMb: number;
  diskName: string;
  diskAdapterType: string;
  cdromAdapterType: string;
  network: string;
  networkAdapterType: string;
  sound: boolean;
  usb: boolean;
  usbVersion: string;
}

const bool = (b: boolean): string => (b ? 'TRUE' : 'FALSE');

/** The machine's .vmx before vmx_data: the plugin's default template, filled in. */
export function machineVmx(m: NewMachine): Vmx {
  const c = controllers(m.diskAdapterType, m.cdromAdapterType);
  const cd = `${c.cdromBus}0:${c.cdromUnit}`;
  // Without a VMware network map the plugin connects to its default network type (nat) and names the device as given.
  const known = ['nat', 'hostonly', 'bridged'].includes(m.network);
  const entries: [string, string][] = [
    ['.encoding', 'UTF-8'],
    ['displayName', m.name],
    ...(m.firmware === 'efi' || m.firmware === 'efi-secure' ? ([['firmware', 'efi']] as [string, string][]) : m.firmware === 'bios' ? ([['firmware', 'bios']] as [string, string][]) : []),
    ...(m.firmware === 'efi-secure' ? ([['uefi.secureBoot.enabled', 'TRUE']] as [string, string][]) : []),
    ...(m.cpus > 0 ? ([['numvcpus', String(m.cpus)]] as [string, string][]) : []),
    ...(m.cores > 0 ? ([['cpuid.coresPerSocket', String(m.cores)]] as [string, string][]) : []),
    ['memsize', String(m.memoryMb > 0 ? m.memoryMb : 512)],
    ['config.version', '8'],
    ['virtualHW.productCompatibility', 'hosted'],
    ['virtualHW.version', String(m.hardwareVersion)],
    ['vhv.enable', 'FALSE'],
    ['nvram', `${m.name}.nvram`],
    ['floppy0.present', 'FALSE'],
    ['bios.bootOrder', 'hdd,cdrom'],
    ['extendedConfigFile', `${m.name}.vmxf`],
    ['gui.fullScreenAtPowerOn', 'FALSE'],
    ['gui.viewModeAtPowerOn', 'windowed'],
    ['hgfs.linkRootShare', 'TRUE'],
    ['hgfs.mapRootShare', 'TRUE'],
    ['isolation.tools.hgfs.disable', 'FALSE'],
    ['proxyApps.publishToHost', 'FALSE'],
    ['replay.filename', ''],
    ['replay.supported', 'FALSE'],
    ['checkpoint.vmState', ''],
    ['vmotion.checkpointFBSize', '65536000'],
    ['cleanShutdown', 'TRUE'],
    ['powerType.powerOff', 'soft'],
    ['powerType.powerOn', 'soft'],
    ['powerType.reset', 'soft'],
    ['powerType.suspend', 'soft'],
    ['guestOS', m.guestOs],
    ['tools.syncTime', 'TRUE'],
    ['tools.upgrade.policy', 'upgradeAtPowerCycle'],
    ['pciBridge0.pciSlotNumber', '17'],
    ['pciBridge0.present', 'TRUE'],
    ...[4, 5, 6, 7].flatMap((n, i): [string, string][] => [
      [`pciBridge${n}.functions`, '8'],
      [`pciBridge${n}.pciSlotNumber`, String(21 + i)],
      [`pciBridge${n}.present`, 'TRUE'],
      [`pciBridge${n}.virtualDev`, 'pcieRootPort'],
    ]),
    ['vmci0.present', 'TRUE'],
    ['vmci0.id', '1861462627'],
    ['vmci0.pciSlotNumber', '35'],
    ['hpet0.present', 'TRUE'],
    ['ethernet0.addressType', 'generated'],
    ['ethernet0.bsdName', 'en0'],
    ['ethernet0.connectionType', known ? m.network : 'custom'],
    ['ethernet0.vnet', known ? '' : m.network],
    ['ethernet0.displayName', 'Ethernet'],
    ['ethernet0.linkStatePropagation.enable', 'FALSE'],
    ['ethernet0.pciSlotNumber', '33'],
    ['ethernet0.present', 'TRUE'],
    ['ethernet0.virtualDev', m.networkAdapterType.toLowerCase()],
    ['ethernet0.wakeOnPcktRcv', 'FALSE'],
    ['scsi0.present', bool(c.scsiPresent)],
    ['scsi0.virtualDev', c.scsiAdapter],
    ['scsi0.pciSlotNumber', '16'],
    ['scsi0:0.redo', ''],
    ['sata0.present', bool(c.sataPresent)],
    ['nvme0.present', bool(c.nvmePresent)],
    [`${c.diskBus}0:0.present`, 'TRUE'],
    [`${c.diskBus}0:0.fileName`, `${m.diskName}.vmdk`],
    [`${cd}.present`, 'TRUE'],
    [`${cd}.fileName`, m.isoPath],
    [`${cd}.deviceType`, 'cdrom-image'],
    ['sound.startConnected', bool(m.sound)],
    ['sound.present', bool(m.sound)],
    ['sound.fileName', '-1'],
    ['sound.autodetect', 'TRUE'],
    ...(m.usb ? ([['usb.present', 'TRUE'], ['ehci.present', 'TRUE']] as [string, string][]) : []),
    ...(m.usb && (m.usbVersion === '3.1' || m.usbVersion === '3.2') ? ([['usb_xhci.present', 'TRUE']] as [string, string][]) : []),
    ['serial0.present', 'FALSE'],
    ['parallel0.present', 'FALSE'],
  ];
  return new Map(entries.map(([k, v]) => [k.toLowerCase(), v]));
}

/** The devices StepCleanVMX detaches after the build: the install CD-ROM of vmware-iso. */
export function installCdrom(diskAdapterType: string, cdromAdapterType: string): string {
  const c = controllers(diskAdapterType, cdromAdapterType);
  return `${c.cdromBus}0:${c.cdromUnit}`;
}

/** StepConfigureVMX: answers VMware's questions itself, gets a fresh UUID and MAC, then applies vmx_data / vmx_data_post. */
export function configureVmx(vmx: Vmx, custom: Record<string, string>, o: { vmName: string; displayName: string }): Vmx {
  const out = new Map(vmx);
  out.set('msg.autoanswer', 'true');
  out.set('uuid.action', 'create');
  for (const k of [...out.keys()]) if (/^ethernet\d+\.generatedaddress/.test(k)) out.delete(k);
  for (const [k, v] of Object.entries(custom)) out.set(k.toLowerCase(), v);
  if (o.displayName) out.set('displayname', o.displayName);
  out.set('extendedconfigfile', `${o.displayName || o.vmName}.vmxf`);
  return out;
}

/** StepConfigureVNC: the machine's own VNC server, which boot_command is typed through. */
export function withVnc(vmx: Vmx, address: string, port: number, password: string): Vmx {
  const out = new Map(vmx);
  out.set('remotedisplay.vnc.enabled', 'TRUE');
  out.set('remotedisplay.vnc.port', String(port));
  out.set('remotedisplay.vnc.ip', address);
  if (password) out.set('remotedisplay.vnc.password', password);
  return out;
}

/** StepCleanVMX: detaches the install media, turns VNC off, and removes the network adapters when asked. */
export function cleanVmx(vmx: Vmx, o: { devices: string[]; removeEthernet: boolean; vncEnabled: boolean }): Vmx {
  const out = new Map(vmx);
  for (const d of o.devices) {
    const device = d.toLowerCase();
    if ((out.get(`${device}.devicetype`) ?? '').startsWith('cdrom-')) {
      out.set(`${device}.devicetype`, 'cdrom-raw');
      out.set(`${device}.filename`, 'auto detect');
      out.set(`${device}.clientdevice`, 'TRUE');
    } else if (out.has(`${device}.present`)) {
      out.set(`${device}.present`, 'FALSE');
    }
  }
  if (o.vncEnabled) out.set('remotedisplay.vnc.enabled', 'FALSE');
  if (o.removeEthernet) for (const k of [...out.keys()]) if (/^ethernet\d+\./.test(k)) out.delete(k);
  return out;
}

/**
 * The vmware-iso builder: creates a VMware machine (a new disk and a .vmx from Packer's fields), boots it from the
 * install ISO, types the boot command over VNC, provisions it over SSH, and exports it as OVF/OVA or leaves the .vmx.
 */
import type { BuilderPlugin } from '../../engine/plugin';
import { downloadStep } from '../qemu/download';
import { makeVmwareBuilder } from '../vmware/builder';
import { DISK_TYPE_IDS } from '../vmware/driver';
import { realTools, type ToolsFor } from '../vmware/pipeline';
import * as step from '../vmware/steps';
import { installCdrom } from '../vmware/vmx';

export function makeVmwareIsoBuilder(toolsFor: ToolsFor = realTools): BuilderPlugin {
  return makeVmwareBuilder('vmware-iso', toolsFor, (f, s, build) => {
    const isoUrls = f.has('iso_urls') ? f.stringList('iso_urls') : [f.string('iso_url')].filter((u) => u !== '');
    if (isoUrls.length === 0) f.error('One of iso_url or iso_urls must be specified');
    const disk = {
      name: f.string('vmdk_name') || 'disk',
      sizeMb: f.number('disk_size', 0) || 40000,
      adapterType: f.string('disk_adapter_type') || 'lsilogic',
      typeId: f.string('disk_type_id') || '1',
    };
    if (!DISK_TYPE_IDS.includes(disk.typeId)) f.error(`disk_type_id ${disk.typeId} is not supported by Bakehouse: use 0 to 5`);
    const cdromAdapterType = f.string('cdrom_adapter_type');
    const machine = {
      guestOs: f.string('guest_os_type') || 'other-64',
      firmware: f.string('firmware'),
      cpus: f.number('cpus', 0),
      cores: f.number('cores', 0),
      memoryMb: f.number('memory', 0) || 512,
      diskName: disk.name,
      diskAdapterType: disk.adapterType,
      cdromAdapterType,
      network: s.network,
      networkAdapterType: f.string('network_adapter_type'),
      sound: f.bool('sound'),
      usb: f.bool('usb'),
      usbVersion: f.string('usb_version') || (f.bool('usb') ? '3.1' : ''),
    };
    const download = downloadStep({ urls: isoUrls, checksum: f.string('iso_checksum'), targetPath: f.string('iso_target_path'), targetExtension: f.string('iso_target_extension', 'iso') || 'iso', cwd: build.cwd, env: build.env, what: 'ISO' });
    return {
      before: [download],
      machine: (tools) => [step.createDisksStep(tools, s, build, disk), step.createVmxStep(s, build, machine, installCdrom(disk.adapterType, cdromAdapterType))],
    };
  });
}

export const vmwareIsoBuilder = makeVmwareIsoBuilder();

/**
 * Bakehouse's own OVF/OVA export, used when VMware's `ovftool` is not installed: each disk converted to a
 * streamOptimized VMDK (the subformat OVF packages carry) with qemu-img, an OVF 1.0 descriptor describing the machine
 * from its .vmx, a manifest of SHA256 sums, and for OVA one tar holding descriptor, manifest, then disks (the order
 * the OVF specification requires, descriptor first).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { packFlat } from '../../archives/tar';
import { err, ok, type Result } from '../../common/result';
import type { Tools } from './driver';
import type { Vmx } from './vmx';

export interface OvfExport {
  vmName: string;
  vmx: Vmx;
  /** The machine's disks, absolute. */
  disks: string[];
  /** Folder the export is written to. */
  outDir: string;
  format: 'ovf' | 'ova';
  tools: Pick<Tools, 'qemuImg' | 'run'>;
  signal: AbortSignal;
}

interface DiskFile {
  file: string;
  capacity: number;
  size: number;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** CIM's OS ids for the guest families a .vmx names; anything else is "Other". */
function osId(guestOs: string): { id: number; description: string } {
  const g = guestOs.toLowerCase();
  if (g.includes('windows')) return { id: 1, description: 'Microsoft Windows' };
  if (/ubuntu/.test(g)) return { id: g.includes('64') ? 94 : 93, description: 'Ubuntu' };
  if (/debian/.test(g)) return { id: g.includes('64') ? 96 : 95, description: 'Debian' };
  if (/linux|centos|rhel|fedora|oracle/.test(g)) return { id: g.includes('64') ? 101 : 36, description: 'Linux' };
  return { id: 1, description: 'Other' };
}

export function ovfDescriptor(vmName: string, vmx: Vmx, disks: DiskFile[]): string {
  const cpus = Number(vmx.get('numvcpus') ?? '1') || 1;
  const memory = Number(vmx.get('memsize') ?? '512') || 512;
  const hw = vmx.get('virtualhw.version') ?? '21';
  const os = osId(vmx.get('guestos') ?? 'other');
  const nic = vmx.get('ethernet0.present') === 'TRUE' ? (vmx.get('ethernet0.virtualdev') ?? 'e1000') : undefined;
  const scsi = vmx.get('scsi0.virtualdev') ?? 'lsilogic';
  let id = 1;
  const item = (body: string) => `      <Item>\n${body}        <rasd:InstanceID>${id++}</rasd:InstanceID>\n      </Item>\n`;
  const rasd = (fields: Record<string, string | number>) =>
    Object.entries(fields)
      .map(([k, v]) => `        <rasd:${k}>${xml(String(v))}</rasd:${k}>\n`)
      .join('');
  let items = item(rasd({ AllocationUnits: 'hertz * 10^6', Description: 'Number of Virtual CPUs', ElementName: `${cpus} virtual CPU(s)`, ResourceType: 3, VirtualQuantity: cpus }));
  items += item(rasd({ AllocationUnits: 'byte * 2^20', Description: 'Memory Size', ElementName: `${memory}MB of memory`, ResourceType: 4, VirtualQuantity: memory }));
  const controller = id;
  items += item(rasd({ Address: 0, Description: 'SCSI Controller', ElementName: 'SCSI Controller 0', ResourceSubType: scsi, ResourceType: 6 }));
  disks.forEach((_, i) => {
    items += item(rasd({ AddressOnParent: i, ElementName: `Hard Disk ${i + 1}`, HostResource: `ovf:/disk/vmdisk${i + 1}`, Parent: controller, ResourceType: 17 }));
  });
  if (nic) {
    items += item(rasd({ AddressOnParent: 7, AutomaticAllocation: 'true', Connection: 'nat', Description: `${nic} ethernet adapter on "nat"`, ElementName: 'Ethernet 1', ResourceSubType: nic, ResourceType: 10 }));
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope vmw:buildId="bakehouse" xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
${disks.map((d, i) => `    <File ovf:href="${xml(d.file)}" ovf:id="file${i + 1}" ovf:size="${d.size}"/>`).join('\n')}
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
${disks.map((d, i) => `    <Disk ovf:capacity="${d.capacity}" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk${i + 1}" ovf:fileRef="file${i + 1}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>`).join('\n')}
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="nat">
      <Description>The nat network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${xml(vmName)}">
    <Info>A virtual machine</Info>
    <Name>${xml(vmName)}</Name>
    <OperatingSystemSection ovf:id="${os.id}" vmw:osType="${xml(vmx.get('guestos') ?? 'other')}">
      <Info>The kind of installed guest operating system</Info>
      <Description>${os.description}</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${xml(vmName)}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-${xml(hw)}</vssd:VirtualSystemType>
      </System>
${items}    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Writes the export; the answer is the files written, relative to outDir. */
export async function writeOvf(o: OvfExport): Promise<Result<string[]>> {
  if (!o.tools.qemuImg) return err('neither ovftool nor qemu-img was found in PATH to export the machine');
  const disks: DiskFile[] = [];
  for (const [i, disk] of o.disks.entries()) {
    const file = `${o.vmName}-disk${i + 1}.vmdk`;
    const info = await o.tools.run(o.tools.qemuImg, ['info', '--output=json', disk], o.signal);
    if (!info.ok) return err(`error reading disk ${disk}: ${info.error}`);
    const capacity = Number((JSON.parse(info.value) as { 'virtual-size'?: number })['virtual-size'] ?? 0);
    const converted = await o.tools.run(o.tools.qemuImg, ['convert', '-O', 'vmdk', '-o', 'subformat=streamOptimized', disk, join(o.outDir, file)], o.signal);
    if (!converted.ok) return err(`error converting disk ${basename(disk)}: ${converted.error}`);
    disks.push({ file, capacity, size: statSync(join(o.outDir, file)).size });
  }
  const ovf = `${o.vmName}.ovf`;
  const mf = `${o.vmName}.mf`;
  writeFileSync(join(o.outDir, ovf), ovfDescriptor(o.vmName, o.vmx, disks));
  const sums: string[] = [];
  for (const f of [ovf, ...disks.map((d) => d.file)]) sums.push(`SHA256(${f})= ${await sha256(join(o.outDir, f))}\n`);
  writeFileSync(join(o.outDir, mf), sums.join(''));
  const files = [ovf, mf, ...disks.map((d) => d.file)];
  if (o.format === 'ovf') return ok(files);
  const ova = `${o.vmName}.ova`;
  await pipeline(packFlat(files.map((f) => join(o.outDir, f))), createWriteStream(join(o.outDir, ova)), { signal: o.signal });
  // The OVA replaces the loose files, as ovftool leaves only the .ova.
  for (const f of files) rmSync(join(o.outDir, f), { force: true });
  return ok([ova]);
}

/** The disks a .vmx names (`<bus>N:M.fileName` ending in .vmdk), resolved against its folder. */
export function vmxDisks(vmx: Vmx, dir: string): string[] {
  return [...vmx.entries()]
    .filter(([k, v]) => /^(scsi|sata|ide|nvme)\d+:\d+\.filename$/.test(k) && v.toLowerCase().endsWith('.vmdk') && vmx.get(k.replace(/filename$/, 'present')) !== 'FALSE')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, v]) => (v.startsWith('/') ? v : join(dir, v)));
}

export function readVmxFile(path: string): string {
  return readFileSync(path, 'utf8');
}

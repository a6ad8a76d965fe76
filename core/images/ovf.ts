/**
 * An OVF 1.0 descriptor for one machine with one disk and one NAT network card: the standard sections any OVF reader
 * understands, plus VirtualBox's own `vbox:Machine` section, which VirtualBox imports exactly and Vagrant reads the
 * base MAC address from.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface OvfDisk {
  /** File name of the disk inside the package (`box-disk001.vmdk`). */
  file: string;
  /** Bytes of the disk file. */
  fileSize: number;
  /** Bytes the guest sees. */
  capacity: number;
  uuid: string;
}

export interface OvfMachine {
  name: string;
  cpus: number;
  memoryMb: number;
  /** VirtualBox's OS type name (`VBoxManage list ostypes`), e.g. Ubuntu_64. */
  osType: string;
  disk: OvfDisk;
  /** Twelve hex digits without separators, as VirtualBox writes them. */
  macAddress: string;
  uuid: string;
}

/** CIM operating-system ids for the VirtualBox OS types people build most; anything else is "Other". */
const CIM_OS: Record<string, number> = {
  Other: 1,
  Other_64: 102,
  Linux: 36,
  Linux26: 36,
  Linux26_64: 101,
  Linux_64: 101,
  Ubuntu: 93,
  Ubuntu_64: 94,
  Debian: 95,
  Debian_64: 96,
  RedHat: 79,
  RedHat_64: 80,
  Fedora: 99,
  Fedora_64: 100,
  OpenSUSE: 105,
  OpenSUSE_64: 106,
  FreeBSD: 42,
  FreeBSD_64: 78,
};

export const STREAM_OPTIMIZED_VMDK = 'http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized';

/** A MAC address in VirtualBox's own range (08:00:27), which VirtualBox hands out to its machines' network cards. */
export function virtualBoxMac(): string {
  return `080027${randomBytes(3).toString('hex').toUpperCase()}`;
}

export function newUuid(): string {
  return randomUUID();
}

export function ovfDescriptor(m: OvfMachine): string {
  const name = xml(m.name);
  const os = xml(m.osType);
  const cpuText = `${m.cpus} virtual CPU`;
  const memText = `${m.memoryMb} MB of memory`;
  return `<?xml version="1.0"?>
<Envelope ovf:version="1.0" xml:lang="en-US" xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:vbox="http://www.virtualbox.org/ovf/machine">
  <References>
    <File ovf:id="file1" ovf:href="${xml(m.disk.file)}" ovf:size="${m.disk.fileSize}"/>
  </References>
  <DiskSection>
    <Info>List of the virtual disks used in the package</Info>
    <Disk ovf:capacity="${m.disk.capacity}" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="${STREAM_OPTIMIZED_VMDK}" vbox:uuid="${m.disk.uuid}"/>
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks used in the package</Info>
    <Network ovf:name="NAT">
      <Description>Logical network used by this appliance.</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${name}">
    <Info>A virtual machine</Info>
    <OperatingSystemSection ovf:id="${CIM_OS[m.osType] ?? 1}">
      <Info>The kind of installed guest operating system</Info>
      <Description>${os}</Description>
      <vbox:OSType ovf:required="false">${os}</vbox:OSType>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements for a virtual machine</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>virtualbox-2.2</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:Caption>${cpuText}</rasd:Caption>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>${cpuText}</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>${m.cpus}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits>
        <rasd:Caption>${memText}</rasd:Caption>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>${memText}</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>${m.memoryMb}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Caption>sataController0</rasd:Caption>
        <rasd:Description>SATA Controller</rasd:Description>
        <rasd:ElementName>sataController0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>AHCI</rasd:ResourceSubType>
        <rasd:ResourceType>20</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:Caption>disk1</rasd:Caption>
        <rasd:Description>Disk Image</rasd:Description>
        <rasd:ElementName>disk1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Caption>Ethernet adapter on 'NAT'</rasd:Caption>
        <rasd:Connection>NAT</rasd:Connection>
        <rasd:ElementName>Ethernet adapter on 'NAT'</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
    <vbox:Machine ovf:required="false" version="1.16-linux" uuid="{${m.uuid}}" name="${name}" OSType="${os}">
      <ovf:Info>Complete VirtualBox machine configuration in VirtualBox format</ovf:Info>
      <Hardware>
        <CPU count="${m.cpus}"/>
        <Memory RAMSize="${m.memoryMb}"/>
        <Network>
          <Adapter slot="0" enabled="true" MACAddress="${m.macAddress}" type="82540EM">
            <NAT/>
          </Adapter>
        </Network>
      </Hardware>
      <StorageControllers>
        <StorageController name="SATA Controller" type="AHCI" PortCount="1" useHostIOCache="false" Bootable="true">
          <AttachedDevice type="HardDisk" hotpluggable="false" port="0" device="0">
            <Image uuid="{${m.disk.uuid}}"/>
          </AttachedDevice>
        </StorageController>
      </StorageControllers>
    </vbox:Machine>
  </VirtualSystem>
</Envelope>
`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVdi, writeVirtualBoxMachine } from '../../core/images/virtualbox-machine';
import { extractFlat, openTar } from '../../core/archives/tar';
import { inspectDisk, listTar, makeDisk, qemuImg } from './disks';
import { parseXml, select } from './xml';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-images-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const signal = new AbortController().signal;

test('an OVA holds the descriptor first, then the manifest and a stream-optimised VMDK that qemu-img checks clean', async (t) => {
  const dir = scratch(t);
  makeDisk(join(dir, 'disk.raw'), 'raw', '64M');
  const out = join(dir, 'out');
  const r = await writeVirtualBoxMachine({ source: join(dir, 'disk.raw'), outputDir: out, name: 'web', format: 'ova', cpus: 2, memoryMb: 1024, osType: 'Ubuntu_64', signal });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.value.files, [join(out, 'web.ova')]);
  assert.deepEqual(readdirSync(out), ['web.ova']);

  const entries = await listTar(join(out, 'web.ova'));
  assert.deepEqual(entries.map((e) => e.name), ['web.ovf', 'web.mf', 'web-disk001.vmdk']);
  const [ovfEntry, mfEntry, diskEntry] = entries;
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
  assert.equal(mfEntry.content.toString(), `SHA1(web.ovf)= ${sha1(ovfEntry.content)}\nSHA1(web-disk001.vmdk)= ${sha1(diskEntry.content)}\n`);

  const envelope = parseXml(ovfEntry.content.toString());
  assert.equal(envelope.name, 'Envelope');
  assert.equal(envelope.attrs['ovf:version'], '1.0');
  const [file] = select(envelope, 'References/File');
  assert.equal(file.attrs['ovf:href'], 'web-disk001.vmdk');
  assert.equal(Number(file.attrs['ovf:size']), diskEntry.size);
  const [disk] = select(envelope, 'DiskSection/Disk');
  assert.equal(disk.attrs['ovf:capacity'], String(64 * 1024 * 1024));
  assert.equal(disk.attrs['ovf:fileRef'], 'file1');
  assert.match(disk.attrs['ovf:format'], /streamOptimized$/);
  const items = select(envelope, 'VirtualSystem/VirtualHardwareSection/Item');
  const byType = (n: number) => items.find((i) => select(i, 'rasd:ResourceType')[0]?.text === String(n));
  assert.equal(select(byType(3)!, 'rasd:VirtualQuantity')[0].text, '2');
  assert.equal(select(byType(4)!, 'rasd:VirtualQuantity')[0].text, '1024');
  assert.equal(select(byType(20)!, 'rasd:ResourceSubType')[0].text, 'AHCI');
  assert.equal(select(byType(17)!, 'rasd:HostResource')[0].text, 'ovf:/disk/vmdisk1');
  assert.equal(select(byType(17)!, 'rasd:Parent')[0].text, '3');
  assert.equal(select(byType(10)!, 'rasd:Connection')[0].text, 'NAT');
  assert.equal(select(envelope, 'VirtualSystem/OperatingSystemSection/vbox:OSType')[0].text, 'Ubuntu_64');
  const [adapter] = select(envelope, 'VirtualSystem/vbox:Machine/Hardware/Network/Adapter');
  assert.equal(adapter.attrs.slot, '0');
  assert.equal(adapter.attrs.MACAddress, r.value.macAddress);
  assert.match(r.value.macAddress, /^080027[0-9A-F]{6}$/);
  const [image] = select(envelope, 'VirtualSystem/vbox:Machine/StorageControllers/StorageController/AttachedDevice/Image');
  assert.equal(image.attrs.uuid, `{${disk.attrs['vbox:uuid']}}`);

  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked);
  await extractFlat(openTar(join(out, 'web.ova')), unpacked);
  const vmdk = join(unpacked, 'web-disk001.vmdk');
  assert.match(qemuImg('check', vmdk), /No errors were found/);
  assert.deepEqual(inspectDisk(vmdk), { format: 'vmdk', virtualSize: 64 * 1024 * 1024, createType: 'streamOptimized' });
});

test('ovf format writes the descriptor beside its disk, from a qcow2 source', async (t) => {
  const dir = scratch(t);
  makeDisk(join(dir, 'disk.qcow2'), 'qcow2', '32M');
  const out = join(dir, 'out');
  const r = await writeVirtualBoxMachine({ source: join(dir, 'disk.qcow2'), sourceFormat: 'qcow2', outputDir: out, name: 'db', format: 'ovf', signal });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.value.files, [join(out, 'db.ovf'), join(out, 'db-disk001.vmdk')]);
  assert.deepEqual(readdirSync(out).sort(), ['db-disk001.vmdk', 'db.ovf']);
  assert.match(qemuImg('check', join(out, 'db-disk001.vmdk')), /No errors were found/);
  assert.equal(inspectDisk(join(out, 'db-disk001.vmdk')).virtualSize, 32 * 1024 * 1024);
});

test('a VDI copy of a raw disk passes qemu-img check', async (t) => {
  const dir = scratch(t);
  makeDisk(join(dir, 'disk.raw'), 'raw', '16M');
  const r = await writeVdi(join(dir, 'disk.raw'), join(dir, 'vdi', 'disk.vdi'), signal);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.match(qemuImg('check', join(dir, 'vdi', 'disk.vdi')), /No errors were found/);
  assert.deepEqual(inspectDisk(join(dir, 'vdi', 'disk.vdi')), { format: 'vdi', virtualSize: 16 * 1024 * 1024, createType: undefined });
  assert.deepEqual(readdirSync(join(dir, 'vdi')), ['disk.vdi']);
});

test('a disk qemu-img cannot read fails with its message and leaves nothing in the output folder', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'broken.qcow2'), 'not a disk');
  const out = join(dir, 'out');
  const r = await writeVirtualBoxMachine({ source: join(dir, 'broken.qcow2'), sourceFormat: 'qcow2', outputDir: out, name: 'x', format: 'ova', signal });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /qemu-img convert failed: .*qcow2/i);
  assert.deepEqual(readdirSync(out), []);
  const missing = await writeVdi(join(dir, 'nope.raw'), join(dir, 'v', 'nope.vdi'), signal);
  assert.equal(missing.ok, false);
  assert.deepEqual(readdirSync(join(dir, 'v')), []);
});

test('a cancelled conversion leaves nothing behind', async (t) => {
  const dir = scratch(t);
  makeDisk(join(dir, 'disk.raw'), 'raw', '16M');
  const out = join(dir, 'out');
  const ac = new AbortController();
  ac.abort();
  const r = await writeVirtualBoxMachine({ source: join(dir, 'disk.raw'), outputDir: out, name: 'x', format: 'ova', signal: ac.signal });
  assert.equal(r.ok, false);
  assert.deepEqual(readdirSync(out), []);
});

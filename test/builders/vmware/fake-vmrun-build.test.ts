/**
 * Real `bakehouse build` processes of vmware-iso and vmware-vmx templates against a fake vmrun on PATH
 * (test/support/fake-vmrun.ts) whose guest is a real sshd container: SSH, a real shell provisioner, shutdown_command
 * powering the guest off, and the export through Bakehouse's own OVF writer (ovftool is absent), checked with
 * sha256 and qemu-img; the recorded vmrun argv is the plugin's, and no machine is left running.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseVmx } from '../../../core/builders/vmware/vmx';
import { fakeVmrun, startBuild, type FakeVmrun } from '../../support/fake-vmrun';
import { isoTemplate, vmxTemplate, writeIso, writeSourceVm } from './templates';

let fake: FakeVmrun | undefined;
afterEach(() => fake?.remove());

/** The calls with runs of the same call folded into one: how often `list` polls while the guest goes down is timing. */
function folded(calls: string[][]): string[][] {
  return calls.filter((c, i) => i === 0 || c.join('\t') !== calls[i - 1]!.join('\t'));
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface QemuImgInfo {
  format: string;
  'virtual-size': number;
  'format-specific'?: { data?: { 'create-type'?: string } };
}

/** What both builders leave: the OVF export beside the machine, a manifest whose sums hold, a disk qemu-img reads. */
function assertExport(out: string, diskBytes: number): void {
  const mf = readFileSync(join(out, 'bakehouse-debian.mf'), 'utf8');
  const sums = [...mf.matchAll(/^SHA256\((.+)\)= ([0-9a-f]{64})$/gm)].map((m) => [m[1]!, m[2]!] as const);
  assert.deepEqual(sums.map(([f]) => f), ['bakehouse-debian.ovf', 'bakehouse-debian-disk1.vmdk'], mf);
  assert.equal(mf.split('\n').filter((l) => l !== '').length, sums.length, mf);
  for (const [file, sum] of sums) assert.equal(sha256(join(out, file)), sum, `${file}'s sum in the manifest`);
  const disk = join(out, 'bakehouse-debian-disk1.vmdk');
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', disk], { encoding: 'utf8' })) as QemuImgInfo;
  assert.equal(info.format, 'vmdk');
  assert.equal(info['virtual-size'], diskBytes);
  assert.equal(info['format-specific']?.data?.['create-type'], 'streamOptimized');
  const ovf = readFileSync(join(out, 'bakehouse-debian.ovf'), 'utf8');
  assert.match(ovf, new RegExp(`<File ovf:href="bakehouse-debian-disk1.vmdk" ovf:id="file1" ovf:size="${statSync(disk).size}"/>`));
  assert.match(ovf, new RegExp(`ovf:capacity="${diskBytes}"`));
  assert.match(ovf, /<rasd:VirtualQuantity>1024<\/rasd:VirtualQuantity>/);
}

/** The guest ran the provisioner: the file it wrote names the container `vmrun start` ran, and nothing runs now. */
function assertProvisionedAndOff(f: FakeVmrun, out: string): void {
  const started = f.started();
  assert.equal(started.length, 1, 'one machine booted');
  assert.equal(f.kept('bakehouse-baked'), `baked on ${started[0]!.slice(0, 12)}\n`);
  assert.match(out, new RegExp(`baked on ${started[0]!.slice(0, 12)}`));
  assert.deepEqual(f.machines(), [], 'no machine left');
}

test('vmware-iso: a real build boots the machine, provisions it over SSH, powers it off with shutdown_command and exports OVF', { timeout: 120_000 }, async () => {
  fake = fakeVmrun(['/etc/bakehouse-baked']);
  const run = startBuild(fake, isoTemplate(writeIso(fake.dir)));
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  const folder = join(fake.dir, 'output-debian');
  const vmx = join(folder, 'bakehouse-debian.vmx');
  assert.deepEqual(folded(fake.calls()), [
    ['-T', 'ws', 'start', vmx, 'nogui'],
    ['-T', 'ws', 'getGuestIPAddress', vmx],
    // Polled until the guest is off after shutdown_command, then asked once more by the cleanup: no `stop`.
    ['-T', 'ws', 'list'],
  ]);
  assertProvisionedAndOff(fake, out);
  // Without vdiskmanager the disk (disk_type_id 1, split in 2 GB extents) is qemu-img's; beside it the export.
  assert.deepEqual(readdirSync(folder).sort(), ['bakehouse-debian-disk1.vmdk', 'bakehouse-debian.mf', 'bakehouse-debian.ovf', 'bakehouse-debian.vmx', 'disk-s001.vmdk', 'disk.vmdk']);
  assertExport(folder, 1024 * 1024 * 1024);
  const written = parseVmx(readFileSync(vmx, 'utf8'));
  assert.equal(written.get('remotedisplay.vnc.enabled'), 'FALSE', 'VNC is turned off in the finished machine');
  // The install CD-ROM (ide0:0 beside an lsilogic disk) is a client device once the build is done.
  assert.equal(written.get('ide0:0.devicetype'), 'cdrom-raw');
  assert.equal(written.get('ide0:0.filename'), 'auto detect');
  assert.match(out, /Build 'vmware-iso\.debian' finished/);
  assert.match(out, /--> vmware-iso\.debian: VM files in directory: output-debian/);
});

test('vmware-vmx: a real build clones a machine made by hand, provisions the clone and exports OVF; the source is untouched', { timeout: 120_000 }, async () => {
  fake = fakeVmrun(['/etc/bakehouse-baked']);
  const source = writeSourceVm(fake.dir);
  const sourceBefore = readFileSync(join(fake.dir, source), 'utf8');
  const diskBefore = sha256(join(fake.dir, 'base', 'base.vmdk'));
  const run = startBuild(fake, vmxTemplate(source));
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  const folder = join(fake.dir, 'output-debian');
  const vmx = join(folder, 'bakehouse-debian.vmx');
  assert.deepEqual(folded(fake.calls()), [
    ['-T', 'ws', 'start', vmx, 'nogui'],
    ['-T', 'ws', 'getGuestIPAddress', vmx],
    ['-T', 'ws', 'list'],
  ]);
  assertProvisionedAndOff(fake, out);
  assert.deepEqual(readdirSync(folder).sort(), ['bakehouse-debian-base.vmdk', 'bakehouse-debian-disk1.vmdk', 'bakehouse-debian.mf', 'bakehouse-debian.ovf', 'bakehouse-debian.vmx']);
  assertExport(folder, 512 * 1024 * 1024);
  const clone = parseVmx(readFileSync(vmx, 'utf8'));
  assert.equal(clone.get('scsi0:0.filename'), 'bakehouse-debian-base.vmdk');
  assert.equal(clone.get('displayname'), 'bakehouse-debian');
  assert.equal(readFileSync(join(fake.dir, source), 'utf8'), sourceBefore);
  assert.equal(sha256(join(fake.dir, 'base', 'base.vmdk')), diskBefore);
});

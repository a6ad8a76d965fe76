/**
 * vmware-iso and vmware-vmx without VMware (it cannot be installed here): the exact vmrun / vmware-vdiskmanager argv
 * and .vmx contents against the plugin's (v2.1.0) recorded behaviour, a machine whose life a recorder plays (start →
 * listed → stop), real disks made by qemu-img when vdiskmanager is absent, and Bakehouse's own OVF/OVA export checked
 * structurally and with `qemu-img info`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok } from '../../../core/common/result';
import { CONTINUE, runSteps, type Step } from '../../../core/engine/steps';
import type { BuildInfo, BuildState, BuilderPlugin, Ui } from '../../../core/engine/plugin';
import { makeVmwareIsoBuilder } from '../../../core/builders/vmware-iso/builder';
import { makeVmwareVmxBuilder } from '../../../core/builders/vmware-vmx/builder';
import { findProgram, ipFromLeases, type Tools } from '../../../core/builders/vmware/driver';
import { encodeVmx, machineVmx, parseVmx } from '../../../core/builders/vmware/vmx';
import { openTar, readTar } from '../../../core/archives/tar';
import type { Plain } from '../../../core/template/values/value';
import { config } from '../../engine/helpers';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vmware-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface FakeVmware {
  calls: string[][];
  tools: Tools;
}

/**
 * Stands in for vmrun (and vdiskmanager when `vdisk`): records each call and plays the machine's life — `start` makes
 * it listed, `stop` unlisted — while qemu-img and ovftool-less exports run for real.
 */
function fakeVmware(o: { vdisk?: boolean; failWhen?: (args: string[]) => string | undefined } = {}): FakeVmware {
  const calls: string[][] = [];
  const running = new Set<string>();
  const qemuImg = findProgram(process.env, ['qemu-img']);
  const tools: Tools = {
    vmrun: 'vmrun',
    vdiskmanager: o.vdisk ? 'vmware-vdiskmanager' : undefined,
    qemuImg,
    async run(program, args, signal) {
      if (program === qemuImg) {
        try {
          return signal.aborted ? err('cancelled') : ok(execFileSync(program, args, { encoding: 'utf8' }));
        } catch (e) {
          return err((e as Error).message);
        }
      }
      calls.push([program, ...args]);
      const failure = o.failWhen?.(args);
      if (failure) return err(failure);
      if (program === 'vmware-vdiskmanager' && args[0] === '-c') writeFileSync(args.at(-1)!, '# Disk DescriptorFile\n');
      if (args[2] === 'start') running.add(args[3]!);
      if (args[2] === 'stop') running.delete(args[3]!);
      if (args[2] === 'list') return ok(`Total running VMs: ${running.size}\n${[...running].map((r) => `${r}\n`).join('')}`);
      return ok('');
    },
  };
  return { calls, tools };
}

function buildInfo(cwd: string, builderType: string): BuildInfo {
  return { name: 'debian', displayName: `${builderType}.debian`, hcl2: true, builderType, runId: 'run-1', env: { PATH: process.env.PATH }, cwd, force: false };
}

async function runBuilder(plugin: BuilderPlugin, fields: Record<string, Plain>, info: BuildInfo, signal = new AbortController().signal) {
  const prepared = plugin.prepare(config(fields), info);
  if (!prepared.ok) throw new Error(prepared.error.join('\n'));
  const lines: string[] = [];
  const ui: Ui = { say: (t) => lines.push(`==> ${t}`), message: (t) => lines.push(`    ${t}`), error: (t) => lines.push(`!! ${t}`), output: () => undefined, log: () => undefined, ask: async () => 'cleanup' };
  const state: BuildState = { generated: {} };
  const provision: Step<BuildState> = { name: 'StepProvision', run: async () => CONTINUE };
  const outcome = await runSteps({
    steps: prepared.value.steps(provision),
    state,
    ui,
    signal,
    abandon: new AbortController().signal,
    onError: 'cleanup',
    events: { stepStarted: () => undefined, stepFinished: () => undefined, resource: () => undefined },
  });
  return { outcome, lines, artifact: outcome.result === 'succeeded' ? prepared.value.artifact(state) : undefined };
}

const base = { communicator: 'none', iso_url: 'install.iso', iso_checksum: 'none', vm_name: 'vm', network_adapter_type: 'vmxnet3', boot_wait: '0s', disable_vnc: true };

test('vmware-iso: the vmrun and vdiskmanager argv from disk creation to shutdown and compaction, the machine left as a .vmx', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const fake = fakeVmware({ vdisk: true });
  const { outcome, artifact } = await runBuilder(makeVmwareIsoBuilder(() => fake.tools), { ...base, disk_size: 2048, disk_adapter_type: 'sata', headless: true }, buildInfo(dir, 'vmware-iso'));
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const out = join(dir, 'output-debian');
  const vmx = join(out, 'vm.vmx');
  assert.deepEqual(fake.calls, [
    ['vmware-vdiskmanager', '-c', '-s', '2048M', '-a', 'lsilogic', '-t', '1', join(out, 'disk.vmdk')],
    ['vmrun', '-T', 'ws', 'start', vmx, 'nogui'],
    ['vmrun', '-T', 'ws', 'stop', vmx, 'hard'],
    ['vmware-vdiskmanager', '-d', join(out, 'disk.vmdk')],
    ['vmware-vdiskmanager', '-k', join(out, 'disk.vmdk')],
    // The cleanup asks whether the machine still runs; stopped, it is left alone.
    ['vmrun', '-T', 'ws', 'list'],
  ]);
  assert.equal(artifact?.builderId, 'vmware.desktop');
  assert.equal(artifact?.id, 'vm');
  assert.deepEqual(artifact?.files, ['output-debian/disk.vmdk', 'output-debian/vm.vmx']);
  const written = parseVmx(readFileSync(vmx, 'utf8'));
  // The install CD-ROM (sata0:1 beside a SATA disk) is turned into a client device once the build is done.
  assert.equal(written.get('sata0:1.devicetype'), 'cdrom-raw');
  assert.equal(written.get('sata0:1.filename'), 'auto detect');
  assert.equal(written.get('sata0:0.filename'), 'disk.vmdk');
  assert.equal(written.get('sata0.present'), 'TRUE');
  assert.equal(written.get('msg.autoanswer'), 'true');
});

test('vmware-iso: the generated .vmx for Packer\'s fields, sorted and quoted as the plugin writes it', () => {
  const vmx = machineVmx({
    name: 'vm', guestOs: 'debian12-64', isoPath: '/isos/debian.iso', hardwareVersion: 21, firmware: 'efi-secure', cpus: 2, cores: 2, memoryMb: 2048,
    diskName: 'disk', diskAdapterType: 'nvme', cdromAdapterType: '', network: 'vmnet5', networkAdapterType: 'E1000E', sound: false, usb: true, usbVersion: '3.1',
  });
  const text = encodeVmx(vmx);
  for (const line of [
    'cpuid.corespersocket = "2"', 'displayname = "vm"', 'ethernet0.connectiontype = "custom"', 'ethernet0.virtualdev = "e1000e"', 'ethernet0.vnet = "vmnet5"',
    'firmware = "efi"', 'guestos = "debian12-64"', 'memsize = "2048"', 'numvcpus = "2"', 'nvme0.present = "TRUE"', 'nvme0:0.filename = "disk.vmdk"',
    'sata0.present = "TRUE"', 'sata0:0.devicetype = "cdrom-image"', 'sata0:0.filename = "/isos/debian.iso"', 'scsi0.present = "FALSE"',
    'uefi.secureboot.enabled = "TRUE"', 'usb.present = "TRUE"', 'usb_xhci.present = "TRUE"', 'virtualhw.version = "21"',
  ]) assert.ok(text.split('\n').includes(line), `missing ${line}`);
  assert.deepEqual(text.split('\n').filter(Boolean), [...text.split('\n').filter(Boolean)].sort());
  assert.equal(encodeVmx(parseVmx(text)), text, 'a written .vmx reads back unchanged');
});

test('vmware-iso: vmx_data before boot, vmx_data_post and vmx_remove_ethernet_interfaces after, VNC turned off again', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const fake = fakeVmware({ vdisk: true });
  const seen: string[] = [];
  const tools: Tools = { ...fake.tools, run: async (p, a, s) => {
    if (a[2] === 'start') seen.push(readFileSync(a[3]!, 'utf8'));
    return fake.tools.run(p, a, s);
  } };
  const fields = { ...base, disable_vnc: false, vnc_port_min: 5971, vnc_port_max: 5979, vmx_data: { 'RemoteDisplay.vnc.WebSocket.enabled': 'FALSE', 'cpuid.coresPerSocket': '1' }, vmx_data_post: { 'annotation': 'built' }, vmx_remove_ethernet_interfaces: true };
  const { outcome } = await runBuilder(makeVmwareIsoBuilder(() => tools), fields, buildInfo(dir, 'vmware-iso'));
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const atBoot = parseVmx(seen[0]!);
  assert.equal(atBoot.get('remotedisplay.vnc.enabled'), 'TRUE');
  assert.match(atBoot.get('remotedisplay.vnc.port') ?? '', /^597\d$/);
  assert.equal(atBoot.get('remotedisplay.vnc.websocket.enabled'), 'FALSE');
  assert.equal(atBoot.get('ethernet0.virtualdev'), 'vmxnet3');
  const after = parseVmx(readFileSync(join(dir, 'output-debian', 'vm.vmx'), 'utf8'));
  assert.equal(after.get('remotedisplay.vnc.enabled'), 'FALSE');
  assert.equal(after.get('annotation'), 'built');
  assert.deepEqual([...after.keys()].filter((k) => k.startsWith('ethernet')), []);
});

test('vmware-iso without vdiskmanager or ovftool: qemu-img makes the split sparse VMDK, Bakehouse writes the OVA (descriptor, manifest, disk in that order)', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const fake = fakeVmware();
  const { outcome, artifact } = await runBuilder(makeVmwareIsoBuilder(() => fake.tools), { ...base, disk_size: 64, format: 'ova', guest_os_type: 'debian12-64', cpus: 2, memory: 1024 }, buildInfo(dir, 'vmware-iso'));
  assert.equal(outcome.result, 'succeeded', outcome.error);
  // A split disk (disk_type_id 1) is a descriptor and its 2GB extents, as vdiskmanager makes it.
  assert.deepEqual(artifact?.files, ['output-debian/disk-s001.vmdk', 'output-debian/disk.vmdk', 'output-debian/vm.ova', 'output-debian/vm.vmx']);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(dir, 'output-debian', 'disk.vmdk')], { encoding: 'utf8' })) as Record<string, unknown>;
  assert.equal(info['format'], 'vmdk');
  assert.equal(info['virtual-size'], 64 * 1024 * 1024);
  assert.equal((info['format-specific'] as { data: { 'create-type': string } }).data['create-type'], 'twoGbMaxExtentSparse');
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked);
  const names: string[] = [];
  await readTar(openTar(join(dir, 'output-debian', 'vm.ova')), async (entry, content) => {
    names.push(entry.name);
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(c);
    writeFileSync(join(unpacked, entry.name), Buffer.concat(chunks));
  });
  assert.deepEqual(names, ['vm.ovf', 'vm.mf', 'vm-disk1.vmdk']);
  const ovf = readFileSync(join(unpacked, 'vm.ovf'), 'utf8');
  assert.match(ovf, /<File ovf:href="vm-disk1.vmdk" ovf:id="file1" ovf:size="\d+"\/>/);
  assert.match(ovf, /ovf:capacity="67108864"/);
  assert.match(ovf, /<vssd:VirtualSystemType>vmx-21<\/vssd:VirtualSystemType>/);
  assert.match(ovf, /<rasd:VirtualQuantity>2<\/rasd:VirtualQuantity>/);
  assert.match(ovf, /<rasd:VirtualQuantity>1024<\/rasd:VirtualQuantity>/);
  assert.match(ovf, /vmw:osType="debian12-64"/);
  const sha = (f: string) => execFileSync('sha256sum', [join(unpacked, f)], { encoding: 'utf8' }).split(' ')[0];
  assert.equal(readFileSync(join(unpacked, 'vm.mf'), 'utf8'), `SHA256(vm.ovf)= ${sha('vm.ovf')}\nSHA256(vm-disk1.vmdk)= ${sha('vm-disk1.vmdk')}\n`);
  const disk = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(unpacked, 'vm-disk1.vmdk')], { encoding: 'utf8' })) as { 'format-specific': { data: { 'create-type': string } }; 'virtual-size': number };
  assert.equal(disk['format-specific'].data['create-type'], 'streamOptimized');
  assert.equal(disk['virtual-size'], 64 * 1024 * 1024);
});

test('vmware-vmx: clones the source .vmx and its disk under the new name, boots and exports the clone as OVF', async (t) => {
  const dir = scratch(t);
  const src = join(dir, 'source');
  mkdirSync(src);
  execFileSync('qemu-img', ['create', '-f', 'vmdk', join(src, 'base.vmdk'), '32M']);
  writeFileSync(join(src, 'base.vmx'), '.encoding = "UTF-8"\ndisplayName = "base"\nguestOS = "ubuntu-64"\nnumvcpus = "1"\nmemsize = "768"\nscsi0.present = "TRUE"\nscsi0:0.present = "TRUE"\nscsi0:0.fileName = "base.vmdk"\nethernet0.present = "TRUE"\nethernet0.virtualDev = "e1000"\nethernet0.generatedAddress = "00:0c:29:aa:bb:cc"\n');
  const fake = fakeVmware();
  const { outcome, artifact } = await runBuilder(makeVmwareVmxBuilder(() => fake.tools), { communicator: 'none', source_path: 'source/base.vmx', vm_name: 'clone', format: 'ovf', boot_wait: '0s', disable_vnc: true }, buildInfo(dir, 'vmware-vmx'));
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const out = join(dir, 'output-debian');
  assert.deepEqual(fake.calls.filter((c) => c[3] === 'start' || c[3] === 'stop'), [
    ['vmrun', '-T', 'ws', 'start', join(out, 'clone.vmx'), 'gui'],
    ['vmrun', '-T', 'ws', 'stop', join(out, 'clone.vmx'), 'hard'],
  ]);
  const vmx = parseVmx(readFileSync(join(out, 'clone.vmx'), 'utf8'));
  assert.equal(vmx.get('scsi0:0.filename'), 'clone-base.vmdk');
  assert.equal(vmx.get('displayname'), 'clone');
  assert.equal(vmx.has('ethernet0.generatedaddress'), false, 'the clone gets a MAC of its own');
  assert.deepEqual(artifact?.files.sort(), ['output-debian/clone-base.vmdk', 'output-debian/clone-disk1.vmdk', 'output-debian/clone.mf', 'output-debian/clone.ovf', 'output-debian/clone.vmx']);
  assert.ok(existsSync(join(src, 'base.vmdk')), 'the source is left alone');
});

test('vmware-iso: a failed start stops nothing it did not start and removes the machine folder', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const fake = fakeVmware({ vdisk: true, failWhen: (a) => (a[2] === 'start' ? 'Error: The operation was canceled' : undefined) });
  const { outcome } = await runBuilder(makeVmwareIsoBuilder(() => fake.tools), base, buildInfo(dir, 'vmware-iso'));
  assert.equal(outcome.result, 'failed');
  assert.match(outcome.error ?? '', /error starting VM: Error: The operation was canceled/);
  assert.deepEqual(fake.calls.map((c) => c[0] === 'vmrun' ? c[3] : c[1]), ['-c', 'start', 'list']);
  assert.equal(existsSync(join(dir, 'output-debian')), false);
});

test('vmware-iso: cancelled during boot_wait, the running machine is stopped and its folder removed', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const fake = fakeVmware({ vdisk: true });
  const ac = new AbortController();
  const tools: Tools = { ...fake.tools, run: async (p, a, s) => {
    const r = await fake.tools.run(p, a, s);
    if (a[2] === 'start') setTimeout(() => ac.abort(), 50);
    return r;
  } };
  const { outcome } = await runBuilder(makeVmwareIsoBuilder(() => tools), { ...base, disable_vnc: false, boot_wait: '1m', boot_command: ['<enter>'] }, buildInfo(dir, 'vmware-iso'), ac.signal);
  assert.equal(outcome.result, 'cancelled');
  assert.deepEqual(fake.calls.slice(-2).map((c) => c[3]), ['list', 'stop']);
  assert.equal(existsSync(join(dir, 'output-debian')), false);
  assert.deepEqual(readdirSync(dir), ['install.iso']);
});

test('the guest\'s address from an ISC dhcpd leases file: the latest lease for its MAC', () => {
  const leases = `lease 192.168.77.128 {
  starts 1 2026/12/07 10:00:00;
  ends 1 2026/12/07 10:30:00;
  hardware ethernet 00:0c:29:aa:bb:cc;
}
lease 192.168.77.129 {
  starts 1 2026/12/07 11:00:00;
  ends 1 2026/12/07 11:30:00;
  hardware ethernet 00:0C:29:AA:BB:CC;
}
lease 192.168.77.130 {
  ends 1 2026/12/07 12:30:00;
  hardware ethernet 00:0c:29:00:00:01;
}
`;
  assert.equal(ipFromLeases(leases, '00:0c:29:aa:bb:cc'), '192.168.77.129');
  assert.equal(ipFromLeases(leases, '00:0c:29:ff:ff:ff'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVirtualboxIsoBuilder } from '../../../core/builders/virtualbox-iso/builder';
import { makeVirtualboxOvfBuilder } from '../../../core/builders/virtualbox-ovf/builder';
import type { VirtualBoxState } from '../../../core/builders/virtualbox/state';
import * as steps from '../../../core/builders/virtualbox/steps';
import { buildInfo, recorder, runBuilder, type Recorder } from './fake-vboxmanage';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vbox-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const iso = (rec: Recorder) => makeVirtualboxIsoBuilder(() => ({ deps: rec.deps, found: true }));
const ovf = (rec: Recorder) => makeVirtualboxOvfBuilder(() => ({ deps: rec.deps, found: true }));

const noCommunicator = { communicator: 'none', guest_additions_mode: 'disable', virtualbox_version_file: '' };

test('virtualbox-iso: the VBoxManage argv sequence from machine creation to an OVA export, and deletion at the end', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const rec = recorder();
  const fields = {
    ...noCommunicator,
    iso_url: 'install.iso',
    iso_checksum: 'none',
    vm_name: 'vm',
    guest_os_type: 'Ubuntu_64',
    cpus: 2,
    memory: 1024,
    disk_size: 2048,
    hard_drive_interface: 'sata',
    headless: true,
    boot_wait: '3s',
    boot_command: ['<esc>a', '<enter>'],
    format: 'ova',
    vboxmanage: [['modifyvm', '{{.Name}}', '--nictype1', 'virtio']],
    vboxmanage_post: [['modifyvm', '{{ .Name }}', '--description', 'built by {{ .Name }}']],
  };
  const { outcome, artifact } = await runBuilder(iso(rec), fields, buildInfo(dir), rec);
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const isoPath = rec.calls.find((c) => c.includes('dvddrive'))?.at(-1) ?? '';
  assert.match(isoPath, /install\.iso$/);
  assert.deepEqual(rec.calls, [
    ['setextradata', 'global', 'GUI/RegistrationData', 'triesLeft=0'],
    ['setextradata', 'global', 'GUI/SuppressMessages', 'confirmInputCapture,remindAboutAutoCapture,remindAboutMouseIntegrationOff,remindAboutMouseIntegrationOn,remindAboutWrongColorDepth'],
    ['setextradata', 'global', 'GUI/UpdateDate', '1 d, 2027-01-01, stable'],
    ['setextradata', 'global', 'GUI/UpdateCheckCount', '60'],
    ['createvm', '--name', 'vm', '--ostype', 'Ubuntu_64', '--register'],
    ['modifyvm', 'vm', '--boot1', 'disk', '--boot2', 'dvd', '--boot3', 'none', '--boot4', 'none'],
    ['modifyvm', 'vm', '--cpus', '2'],
    ['modifyvm', 'vm', '--memory', '1024'],
    ['modifyvm', 'vm', '--usb', 'off'],
    ['modifyvm', 'vm', '--audio', 'none'],
    ['createhd', '--filename', 'output-ubuntu/vm.vdi', '--size', '2048', '--format', 'VDI', '--variant', 'Standard'],
    ['storagectl', 'vm', '--name', 'IDE Controller', '--add', 'ide'],
    ['storagectl', 'vm', '--name', 'SATA Controller', '--add', 'sata', '--portcount', '1'],
    ['storageattach', 'vm', '--storagectl', 'SATA Controller', '--port', '0', '--device', '0', '--type', 'hdd', '--medium', 'output-ubuntu/vm.vdi', '--nonrotational', 'off', '--discard', 'off'],
    ['storageattach', 'vm', '--storagectl', 'IDE Controller', '--port', '0', '--device', '1', '--type', 'dvddrive', '--medium', isoPath],
    ['modifyvm', 'vm', '--vrdeaddress', '127.0.0.1', '--vrdeauthtype', 'null', '--vrde', 'on', '--vrdeport', '5900'],
    ['modifyvm', 'vm', '--nictype1', 'virtio'],
    ['startvm', 'vm', '--type', 'headless'],
    ['controlvm', 'vm', 'keyboardputscancode', '01', '81', '1e', '9e', '1c', '9c'],
    ['controlvm', 'vm', 'poweroff'],
    ['showvminfo', 'vm', '--machinereadable'],
    ['storageattach', 'vm', '--storagectl', 'IDE Controller', '--port', '0', '--device', '1', '--type', 'dvddrive', '--medium', 'none'],
    ['modifyvm', 'vm', '--description', 'built by vm'],
    ['export', 'vm', '--output', 'output-ubuntu/vm.ova'],
    ['showvminfo', 'vm', '--machinereadable'],
    ['unregistervm', 'vm', '--delete'],
  ]);
  // boot_wait, the pause after the one scancode group, and post_shutdown_delay's default.
  assert.deepEqual(rec.sleeps, [3000, 100, 2000]);
  assert.ok(rec.lines.includes('==> Waiting 3s for boot...'));
  assert.ok(rec.lines.includes('    Executing: export vm --output output-ubuntu/vm.ova'));
  assert.equal(artifact?.builderId, 'mitchellh.virtualbox');
  assert.equal(artifact?.text, 'VM files in directory: output-ubuntu');
});

test('virtualbox-iso: hard_drive_interface and iso_interface "virtio" put the disk and the ISO on one VirtIO SCSI controller (plugin v1.1.5)', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const rec = recorder();
  const fields = { ...noCommunicator, iso_url: 'install.iso', iso_checksum: 'none', vm_name: 'vm', disk_size: 2048, hard_drive_interface: 'virtio', iso_interface: 'virtio', boot_wait: '0s' };
  const { outcome } = await runBuilder(iso(rec), fields, buildInfo(dir), rec);
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const storage = rec.calls.filter((c) => c[0] === 'storagectl' || c[0] === 'storageattach');
  const isoPath = rec.calls.find((c) => c.includes('dvddrive'))?.at(-1) ?? '';
  assert.deepEqual(storage.slice(0, 4), [
    ['storagectl', 'vm', '--name', 'IDE Controller', '--add', 'ide'],
    ['storagectl', 'vm', '--name', 'VirtIO Controller', '--add', 'VirtIO', '--controller', 'VirtIO'],
    ['storageattach', 'vm', '--storagectl', 'VirtIO Controller', '--port', '0', '--device', '0', '--type', 'hdd', '--medium', 'output-ubuntu/vm.vdi', '--nonrotational', 'off', '--discard', 'off'],
    ['storageattach', 'vm', '--storagectl', 'VirtIO Controller', '--port', '1', '--device', '0', '--type', 'dvddrive', '--medium', isoPath],
  ]);
});

test('SSH port forwarding: NAT on nic1, the packercomm rule, replaced when it exists', async () => {
  const rec = recorder({ failWhen: (a) => (a[3]?.startsWith('packercomm') && rec.calls.filter((c) => c[3]?.startsWith('packercomm')).length === 1 ? 'VBoxManage error: A NAT rule of this name already exists' : undefined) });
  const state: VirtualBoxState = { generated: {} };
  const settings = { vmName: 'vm', communicator: 'ssh', guestPort: 22, hostPortMin: 2222, hostPortMax: 4444, skipNatMapping: false } as Parameters<typeof steps.portForwardingStep>[1];
  const ctx = { signal: new AbortController().signal, ui: { say: () => undefined, message: () => undefined, error: () => undefined, output: () => undefined, log: () => undefined, ask: async () => 'cleanup' as const }, track: () => ({ release: () => undefined, created: () => undefined }) };
  const r = await steps.portForwardingStep(rec.deps, settings).run(state, ctx);
  assert.deepEqual(r, { ok: true, value: undefined });
  assert.equal(state.commHostPort, 2222);
  assert.deepEqual(rec.calls, [
    ['modifyvm', 'vm', '--nic1', 'nat'],
    ['modifyvm', 'vm', '--natpf1', 'packercomm,tcp,127.0.0.1,2222,,22'],
    ['modifyvm', 'vm', '--natpf1', 'delete', 'packercomm'],
    ['modifyvm', 'vm', '--natpf1', 'packercomm,tcp,127.0.0.1,2222,,22'],
  ]);
});

test('virtualbox-ovf: import with flags and options, then export to output_filename.ovf', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'base.ova'), 'ova');
  const rec = recorder();
  const fields = { ...noCommunicator, source_path: 'base.ova', vm_name: 'imported', import_flags: ['--eula', 'accept'], import_opts: 'keepallmacs', output_filename: 'exported', boot_wait: '0s', output_directory: 'out' };
  const { outcome, artifact } = await runBuilder(ovf(rec), fields, buildInfo(dir), rec);
  assert.equal(outcome.result, 'succeeded', outcome.error);
  const names = rec.calls.map((c) => c.slice(0, 2).join(' '));
  assert.deepEqual(names.slice(0, 5), ['setextradata global', 'setextradata global', 'setextradata global', 'setextradata global', `import ${rec.calls[4][1]}`]);
  assert.match(rec.calls[4][1], /base\.ova$/);
  assert.deepEqual(rec.calls[4].slice(2), ['--vsys', '0', '--vmname', 'imported', '--eula', 'accept', '--options', 'keepallmacs']);
  assert.deepEqual(rec.calls.slice(5), [
    ['modifyvm', 'imported', '--vrdeaddress', '127.0.0.1', '--vrdeauthtype', 'null', '--vrde', 'on', '--vrdeport', '5900'],
    ['startvm', 'imported', '--type', 'gui'],
    ['controlvm', 'imported', 'poweroff'],
    ['showvminfo', 'imported', '--machinereadable'],
    ['export', 'imported', '--output', 'out/exported.ovf'],
    ['showvminfo', 'imported', '--machinereadable'],
    ['unregistervm', 'imported', '--delete'],
  ]);
  assert.equal(artifact?.id, 'VM');
});

test('keep_registered leaves a successful machine registered', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'base.ova'), 'ova');
  const rec = recorder();
  const { outcome } = await runBuilder(ovf(rec), { ...noCommunicator, source_path: 'base.ova', vm_name: 'kept', keep_registered: true, boot_wait: '0s' }, buildInfo(dir), rec);
  assert.equal(outcome.result, 'succeeded', outcome.error);
  assert.equal(rec.calls.some((c) => c[0] === 'unregistervm'), false);
  assert.ok(rec.lines.includes('==> Keeping virtual machine registered with VirtualBox host (keep_registered = true)'));
});

test('skip_export: the machine is not exported, the build says so, and there is no artifact', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'base.ova'), 'ova');
  const rec = recorder();
  const { outcome, artifact } = await runBuilder(ovf(rec), { ...noCommunicator, source_path: 'base.ova', vm_name: 'unexported', skip_export: true, boot_wait: '0s' }, buildInfo(dir), rec);
  assert.equal(outcome.result, 'succeeded', outcome.error);
  assert.equal(rec.calls.some((c) => c[0] === 'export'), false);
  assert.ok(rec.lines.includes('==> Skipping export of virtual machine...'));
  assert.equal(artifact, undefined);
});

test('a failing VBoxManage command halts the build; the machine is deleted and the output folder removed', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  const rec = recorder({ failWhen: (a) => (a[0] === 'createhd' ? 'VBoxManage error: VBoxManage: error: Could not create the medium storage unit' : undefined) });
  const { outcome } = await runBuilder(iso(rec), { ...noCommunicator, iso_url: 'install.iso', iso_checksum: 'none', vm_name: 'vm', boot_wait: '0s' }, buildInfo(dir), rec);
  assert.equal(outcome.result, 'failed');
  assert.equal(outcome.error, 'Error creating hard drive: VBoxManage error: VBoxManage: error: Could not create the medium storage unit');
  assert.deepEqual(rec.calls.at(-1), ['unregistervm', 'vm', '--delete']);
  assert.equal(existsSync(join(dir, 'output-ubuntu')), false);
  assert.deepEqual(outcome.leftBehind, []);
});

test('an existing output directory stops the build unless -force', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'install.iso'), 'iso');
  mkdirSync(join(dir, 'output-ubuntu'));
  const rec = recorder();
  const { outcome } = await runBuilder(iso(rec), { ...noCommunicator, iso_url: 'install.iso', iso_checksum: 'none', vm_name: 'vm' }, buildInfo(dir), rec);
  assert.equal(outcome.error, 'Output directory exists: output-ubuntu\n\nUse the force flag to delete it prior to building.');
  assert.equal(existsSync(join(dir, 'output-ubuntu')), true);
  assert.deepEqual(rec.calls, []);
});

test('without VirtualBox the build stops first, in Packer\'s words', async (t) => {
  const dir = scratch(t);
  const rec = recorder();
  const plugin = makeVirtualboxOvfBuilder(() => ({ deps: rec.deps, found: false }));
  const { outcome } = await runBuilder(plugin, { ...noCommunicator, source_path: 'base.ova' }, buildInfo(dir), rec);
  assert.equal(outcome.error, 'Failed creating VirtualBox driver: exec: "VBoxManage": executable file not found in $PATH');
  assert.deepEqual(rec.calls, []);
});

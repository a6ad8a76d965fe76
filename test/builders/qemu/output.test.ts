import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuild, workDir } from './harness';

/** A machine that boots an empty 16 MB disk (into its BIOS) with no communicator: the whole build without a guest. */
function tinyBuilder(dir: string, fields: Record<string, string | boolean> = {}): Record<string, string | boolean> {
  const disk = join(dir, 'tiny.qcow2');
  if (!existsSync(disk)) execFileSync('qemu-img', ['create', '-f', 'qcow2', disk, '16M']);
  return { iso_url: disk, iso_checksum: 'none', disk_image: true, communicator: 'none', headless: true, disable_vnc: true, boot_wait: '0s', disk_size: '16M', ...fields };
}

test('an existing output_directory stops the build before anything runs, unless -force', async () => {
  const dir = workDir();
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'out', 'keep.txt'), 'mine');
  const r = await runBuild({ builder: tinyBuilder(dir, { output_directory: 'out' }) }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, 'Output directory exists: out\n\nUse the force flag to delete it prior to building.');
  assert.deepEqual(readdirSync(join(dir, 'out')), ['keep.txt'], 'the folder is left as it was');
  assert.ok(!r.log.some((l) => l.startsWith('Qemu command:')), 'QEMU never started');

  const forced = await runBuild({ builder: tinyBuilder(dir, { output_directory: 'out', vm_name: 'disk.raw', format: 'raw' }) }, dir, { force: true });
  assert.equal(forced.summary.builds[0].result, 'succeeded', forced.summary.builds[0].error);
  assert.deepEqual(readdirSync(join(dir, 'out')), ['disk.raw']);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(dir, 'out', 'disk.raw')], { encoding: 'utf8' })) as { format: string };
  assert.equal(info.format, 'raw');
  assert.ok(forced.log.includes('Deleting previous output directory...'));
  assert.ok(forced.log.includes('Converting hard drive...'), 'compaction runs unless skip_compaction');
});

test('a failed build removes the output directory it made; QEMU failing to start is reported with its own words', async () => {
  const dir = workDir();
  const r = await runBuild({ builder: tinyBuilder(dir, { qemuargs: [['-no-such-flag']] } as unknown as Record<string, string>) }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', /^Error launching VM: Qemu failed to start: .*\n.*-no-such-flag/s);
  assert.equal(existsSync(join(dir, 'output-test')), false);
});

test('boot_command is typed through QMP: every special key and printable ASCII character is a key QEMU accepts', async () => {
  const dir = workDir();
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
  const specials = '<bs><del><enter><esc><tab><spacebar><insert><home><end><pageUp><pageDown><up><down><left><right><menu>' +
    '<f1><f2><f3><f4><f5><f6><f7><f8><f9><f10><f11><f12><leftSuper><rightSuper>' +
    '<leftAltOn>a<leftAltOff><rightAltOn>b<rightAltOff><leftCtrlOn>c<leftCtrlOff><rightCtrlOn>d<rightCtrlOff><leftShiftOn>e<leftShiftOff><rightShiftOn>f<rightShiftOff>';
  const r = await runBuild(
    { builder: { ...tinyBuilder(dir), boot_key_interval: '1ms', boot_keygroup_interval: '1ms', boot_command: [printable, `${specials}<wait1ms>http://{{ .HTTPIP }}:{{ .HTTPPort }}/`] } },
    dir,
  );
  assert.equal(r.summary.builds[0].result, 'succeeded', r.summary.builds[0].error);
  assert.ok(r.log.includes('Typing the boot command over QMP...'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plain } from '../../../core/template/values/value';
import { runBuild, workDir } from './harness';

interface Info {
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
}

const info = (path: string): Info => JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' })) as Info;

/** A machine with no communicator that boots `disk` (into its BIOS, the disk being empty) and is stopped straight away. */
function tinyBuilder(disk: string, fields: Record<string, Plain> = {}): Record<string, Plain> {
  return { iso_url: disk, iso_checksum: 'none', disk_image: true, communicator: 'none', headless: true, disable_vnc: true, boot_wait: '0s', disk_size: '16M', ...fields };
}

const converts = (log: string[]): string[] => log.filter((l) => l.startsWith('Executing qemu-img convert'));

test('a disk_image already in the output format is copied as it is: no qemu-img convert, the same bytes, a writable disk', async () => {
  const dir = workDir();
  const source = join(dir, 'tiny.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', source, '16M']);
  // A read-only image (a shared cache's) must still give a disk QEMU can open for writing.
  chmodSync(source, 0o444);
  const r = await runBuild({ builder: tinyBuilder(source, { skip_compaction: true }) }, dir);
  assert.equal(r.summary.builds[0].result, 'succeeded', r.summary.builds[0].error);
  assert.ok(r.log.includes('The disk image is already qcow2: copying it as it is, without qemu-img convert'), r.log.join('\n'));
  assert.deepEqual(converts(r.log), []);
  const disk = join(dir, 'output-test', 'packer-test');
  assert.deepEqual(readFileSync(disk), readFileSync(source), 'QEMU booting an empty disk writes nothing to it');
  assert.deepEqual([info(disk).format, info(disk)['virtual-size']], ['qcow2', 16 * 1024 * 1024]);
  assert.equal(statSync(disk).mode & 0o200, 0o200);
});

test('a disk_image in another format, or with convert arguments, goes through qemu-img convert as before', async () => {
  const dir = workDir();
  const source = join(dir, 'tiny.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', source, '16M']);
  const raw = await runBuild({ builder: tinyBuilder(source, { format: 'raw', skip_compaction: true, output_directory: 'raw' }) }, dir);
  assert.equal(raw.summary.builds[0].result, 'succeeded', raw.summary.builds[0].error);
  assert.equal(converts(raw.log).length, 1);
  assert.match(converts(raw.log)[0], / -O raw .*tiny\.qcow2 /);
  assert.deepEqual([info(join(dir, 'raw', 'packer-test')).format, info(join(dir, 'raw', 'packer-test'))['virtual-size']], ['raw', 16 * 1024 * 1024]);

  // Packer's rule: any qemu_img_args convert argument means convert, even to the same format.
  const args = await runBuild({ builder: tinyBuilder(source, { skip_compaction: true, output_directory: 'args', qemu_img_args: { convert: ['-W'] } }) }, dir);
  assert.equal(args.summary.builds[0].result, 'succeeded', args.summary.builds[0].error);
  assert.match(converts(args.log)[0] ?? '', /^Executing qemu-img convert -W -O qcow2 /);
});

test('an overlay disk_image is converted, so the machine disk does not depend on its backing file; compaction still runs', async () => {
  const dir = workDir();
  const base = join(dir, 'base.qcow2');
  const overlay = join(dir, 'overlay.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', base, '16M']);
  execFileSync('qemu-img', ['create', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay]);
  const r = await runBuild({ builder: tinyBuilder(overlay) }, dir);
  assert.equal(r.summary.builds[0].result, 'succeeded', r.summary.builds[0].error);
  assert.equal(converts(r.log).length, 2, 'the copy and the compaction');
  assert.ok(r.log.includes('Converting hard drive...'));
  const disk = info(join(dir, 'output-test', 'packer-test'));
  assert.deepEqual([disk.format, disk['virtual-size'], disk['backing-filename']], ['qcow2', 16 * 1024 * 1024, undefined]);
});

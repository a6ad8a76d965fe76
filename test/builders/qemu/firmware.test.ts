import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { qemuArgs } from '../../../core/builders/qemu/command-line';
import { readQemuConfig } from '../../../core/builders/qemu/read-config';
import type { BuildInfo } from '../../../core/engine/plugin';
import { plannedBuild, runBuild, workDir } from './harness';

const build: BuildInfo = { name: 'test', displayName: 'qemu.test', hcl2: true, builderType: 'qemu', runId: 'r', env: {}, cwd: '/tmp', force: false };

function argsFor(fields: Record<string, string | boolean | string[][]>): string[] {
  const cfg = readQemuConfig(plannedBuild({ builder: { iso_url: 'disk.qcow2', iso_checksum: 'none', disk_image: true, headless: true, ssh_username: 'root', ...fields } }).builder, build);
  assert.ok(cfg.ok, cfg.ok ? '' : cfg.error.join('\n'));
  return qemuArgs(cfg.value, { disk: '/out/d', additionalDisks: [], accelerator: 'tcg', communicatorPort: 22, qmpSocket: '/tmp/q.sock', hasDisplay: false, placeholders: {} }).args;
}

test('firmware is passed to QEMU as -bios; without it QEMU keeps its own BIOS; qemuargs -bios wins', () => {
  const withFirmware = argsFor({ firmware: '/usr/share/OVMF/OVMF_CODE.fd' });
  assert.deepEqual(withFirmware.slice(0, 4), ['-bios', '/usr/share/OVMF/OVMF_CODE.fd', '-boot', 'c'], 'sorted by flag like every other argument');
  assert.equal(withFirmware.filter((a) => a === '-bios').length, 1);
  assert.ok(!argsFor({}).includes('-bios'));
  const overridden = argsFor({ firmware: 'a.fd', qemuargs: [['-bios', 'b.fd']] });
  assert.deepEqual(overridden.slice(0, 2), ['-bios', 'b.fd']);
  assert.equal(overridden.filter((a) => a === '-bios').length, 1);
});

test('a real QEMU is given the firmware file: a missing one fails the build with QEMU\'s own words', async () => {
  const dir = workDir();
  const disk = join(dir, 'tiny.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', disk, '16M']);
  const r = await runBuild(
    { builder: { iso_url: disk, iso_checksum: 'none', disk_image: true, communicator: 'none', headless: true, disable_vnc: true, boot_wait: '0s', disk_size: '16M', firmware: join(dir, 'no-such-firmware.fd') } },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', /^Error launching VM: Qemu failed to start: [\s\S]*no-such-firmware\.fd/, b.error);
});

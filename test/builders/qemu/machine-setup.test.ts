import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qemuArgs } from '../../../core/builders/qemu/command-line';
import { httpServerStep, type HttpServerState } from '../../../core/builders/qemu/http-server';
import { readQemuConfig } from '../../../core/builders/qemu/read-config';
import type { BuildInfo, Ui } from '../../../core/engine/plugin';
import type { StepContext } from '../../../core/engine/steps';
import { listeningPorts, plannedBuild, workDir } from './harness';

const ui: Ui = { say: () => undefined, message: () => undefined, error: () => undefined, output: () => undefined, log: () => undefined, ask: async () => 'cleanup' };
const ctx = (): StepContext => ({ signal: new AbortController().signal, ui, track: () => ({ release: () => undefined, created: () => undefined }) });
const build: BuildInfo = { name: 'test', displayName: 'qemu.test', hcl2: true, builderType: 'qemu', runId: 'r', env: {}, cwd: '/tmp', force: false };

test('http_directory and http_content are served on 127.0.0.1 within the port range, nothing outside the folder, closed at cleanup', async () => {
  const dir = workDir();
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'preseed.cfg'), 'd-i debian-installer/locale string en_US');
  writeFileSync(join(dir, 'secret.txt'), 'no');
  const state: HttpServerState = { generated: {} };
  const step = httpServerStep({ directory: 'www', content: { '/user-data': '#cloud-config' }, portMin: 8100, portMax: 8199, bindAddress: '127.0.0.1', cwd: dir });
  assert.deepEqual(await step.run(state, ctx()), { ok: true, value: undefined });
  const port = state.httpPort ?? 0;
  assert.ok(port >= 8100 && port <= 8199);
  const get = async (path: string): Promise<[number, string]> => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return [r.status, await r.text()];
  };
  assert.deepEqual(await get('/preseed.cfg'), [200, 'd-i debian-installer/locale string en_US']);
  assert.deepEqual(await get('/user-data'), [200, '#cloud-config']);
  assert.equal((await get('/../secret.txt'))[0], 404);
  assert.equal((await get('/%2e%2e/secret.txt'))[0], 404);
  await step.cleanup?.(state, { ui, signal: new AbortController().signal, halted: false, cancelled: false });
  assert.equal(listeningPorts().has(port), false);
});

test('qemuargs replace every default value of the flags they name, and the command line is sorted by flag as in Packer', () => {
  const planned = plannedBuild({
    builder: {
      iso_url: 'disk.qcow2',
      iso_checksum: 'none',
      disk_image: true,
      headless: true,
      ssh_username: 'root',
      qemuargs: [['-m', '1024M'], ['-device', 'e1000,netdev=user.0'], ['-device', 'virtio-rng-pci'], ['-append', 'console=ttyS0 port={{ .SSHHostPort }}'], ['-no-reboot']],
    },
  });
  const cfg = readQemuConfig(planned.builder, build);
  assert.ok(cfg.ok, cfg.ok ? '' : cfg.error.join('\n'));
  const { args, overridden } = qemuArgs(cfg.value, {
    disk: '/out/packer-test',
    additionalDisks: [],
    accelerator: 'tcg',
    sshHostPort: 3333,
    communicatorPort: 22,
    qmpSocket: '/tmp/q/qmp.sock',
    hasDisplay: false,
    placeholders: { SSHHostPort: '3333' },
  });
  assert.equal(overridden, true);
  assert.deepEqual(args, [
    '-append', 'console=ttyS0 port=3333',
    '-boot', 'c',
    '-device', 'e1000,netdev=user.0',
    '-device', 'virtio-rng-pci',
    '-display', 'none',
    '-drive', 'file=/out/packer-test,cache=writeback,discard=ignore,format=qcow2,if=virtio',
    '-m', '1024M',
    '-machine', 'type=pc,accel=tcg',
    '-name', 'packer-test',
    '-netdev', 'user,id=user.0,hostfwd=tcp:127.0.0.1:3333-:22',
    '-no-reboot',
    '-qmp', 'unix:/tmp/q/qmp.sock,server=on,wait=off',
    '-serial', 'stdio',
    '-smp', 'cpus=1,sockets=1',
    '-vnc', 'none',
  ]);
});

test('config problems are reported together: bad checksum, use_backing_file without disk_image, unsupported settings', () => {
  const planned = plannedBuild({
    builder: { iso_url: 'x.iso', iso_checksum: 'sha256:abc', use_backing_file: true, net_bridge: 'br0', boot_command: ['<wait0s>'] },
  });
  const cfg = readQemuConfig(planned.builder, build);
  assert.ok(!cfg.ok);
  assert.deepEqual(cfg.error, [
    'iso_checksum: "abc" is not a sha256 sum (64 hex digits expected)',
    'use_backing_file can only be enabled for QCOW2 images and when disk_image is true',
    'boot_command: <wait0s>: a wait must be positive',
    'qemu: net_bridge is not supported by Bakehouse yet: use the default user-mode networking',
    'An ssh_username must be specified',
  ]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_DISK, guestBuilder, listeningPorts, qemuProcesses, readFromImage, requireGuest, runBuild, workDir } from './harness';

test('a real QEMU build: boot the guest, provision over SSH (file and shell), power off, keep an overlay disk holding the change', { timeout: 15 * 60_000 }, async () => {
  requireGuest();
  const dir = workDir();
  writeFileSync(join(dir, 'upload.txt'), 'uploaded by the file provisioner\n');
  const r = await runBuild(
    {
      builder: guestBuilder({ shutdown_command: 'poweroff', http_content: { '/hello.txt': 'served by bakehouse' } }),
      provisioners: [
        ['file', { source: join(dir, 'upload.txt'), destination: '/root/uploaded.txt' }],
        ['shell', { inline: ['echo "built by bakehouse on $(hostname)" > /root/marker', 'sync'] }],
      ],
    },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.slice(-30).join('\n')}`);

  const disk = join(dir, 'output-test', 'packer-test');
  assert.deepEqual(b.artifacts[0].files, ['output-test/packer-test']);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', disk], { encoding: 'utf8' })) as {
    format: string;
    'backing-filename'?: string;
    'virtual-size': number;
  };
  assert.equal(info.format, 'qcow2');
  assert.equal(info['backing-filename'], GUEST_DISK, 'use_backing_file keeps the guest disk as the backing file');
  assert.equal(info['virtual-size'], 40960 * 1024 * 1024, 'grown to the default disk_size');
  assert.equal(readFromImage(disk, '/root/marker', dir), 'built by bakehouse on bakehouse-guest\n');
  assert.equal(readFromImage(disk, '/root/uploaded.txt', dir), 'uploaded by the file provisioner\n');

  assert.ok(!r.log.some((l) => l.startsWith('serial: ')), 'the serial console is kept out of the output without PACKER_LOG');
  assert.ok(r.detail.some((l) => l.startsWith('serial: ')), 'the run log keeps the serial console');
  assert.ok(r.log.includes('VM shut down.'));
  const qemuCommand = r.log.find((l) => l.startsWith('Qemu command: ')) ?? '';
  const port = Number(/hostfwd=tcp:127\.0\.0\.1:(\d+)-:22/.exec(qemuCommand)?.[1]);
  assert.ok(port >= 2222 && port <= 4444);
  const temp = /-qmp unix:(\S+)\/qmp\.sock/.exec(qemuCommand)?.[1] ?? '';
  assert.notEqual(temp, '');
  assert.equal(existsSync(temp), false, 'the QMP socket folder is removed');
  assert.deepEqual(qemuProcesses(dir), []);
  assert.equal(listeningPorts().has(port), false);
});

/**
 * The ISO path end to end with real QEMU: the test ISO from .ci/qemu-iso.sh is downloaded over HTTP and verified against
 * its sha256, booted from the CD, and only does something when boot_command types the kernel line with the build's
 * HTTP server address; its installer then fetches the SSH key from http_directory, prepares the blank disk and starts
 * sshd, the shell provisioner writes to that disk, shutdown_command powers it off, and the output disk is read back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GUEST_KEY, qemuProcesses, readFromImage, runBuild, workDir } from './harness';

const ISO = '/var/cache/bakehouse/qemu-iso/bakehouse-test.iso';

let server: Server;
let isoUrl = '';
let isoSum = '';
const requests: string[] = [];

before(async () => {
  assert.ok(existsSync(ISO), `${ISO} is missing: run .ci/qemu-guest.sh and then .ci/qemu-iso.sh`);
  assert.ok(existsSync(`${GUEST_KEY}.pub`), `${GUEST_KEY}.pub is missing: run .ci/qemu-guest.sh`);
  isoSum = createHash('sha256').update(readFileSync(ISO)).digest('hex');
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== '/bakehouse-test.iso') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': statSync(ISO).size });
    createReadStream(ISO).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  isoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bakehouse-test.iso`;
});

after(() => server.close());

function isoBuilder(dir: string, fields: Record<string, string | number | boolean | string[]> = {}): Record<string, string | number | boolean | string[]> {
  const http = join(dir, 'http');
  mkdirSync(http, { recursive: true });
  copyFileSync(`${GUEST_KEY}.pub`, join(http, 'authorized_keys'));
  return {
    iso_url: isoUrl,
    iso_checksum: `sha256:${isoSum}`,
    headless: true,
    disk_size: '64M',
    format: 'raw',
    vm_name: 'disk.raw',
    output_directory: 'out',
    memory: 512,
    http_directory: 'http',
    // isolinux's prompt comes up a few seconds into a software-emulated boot; the default entry would power off.
    boot_wait: '10s',
    boot_command: ['<wait>/boot/vmlinuz initrd=/boot/initrd.gz console=ttyS0 ', 'bakehouse.url=http://{{ .HTTPIP }}:{{ .HTTPPort }}<enter>'],
    ssh_username: 'root',
    ssh_private_key_file: GUEST_KEY,
    ssh_timeout: '10m',
    shutdown_command: 'sync; umount /target; poweroff -f',
    ...fields,
  };
}

test('ISO path: download + sha256, typed boot command, key from http_directory, shell provisioner, shutdown, disk read back', { timeout: 15 * 60_000 }, async () => {
  const dir = workDir();
  const started = Date.now();
  const r = await runBuild(
    {
      builder: isoBuilder(dir),
      provisioners: [['shell', { inline: ['echo "provisioned on $(hostname)" > /target/root/marker', 'sync'] }]],
    },
    dir,
    { env: { ...process.env, PACKER_CACHE_DIR: join(dir, 'cache') } },
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.slice(-40).join('\n')}`);
  console.log(`ISO build wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(b.artifacts[0].files, ['out/disk.raw']);
  assert.ok(requests.includes('/bakehouse-test.iso'), 'the ISO came from the HTTP server');
  assert.ok(r.log.some((l) => l.includes('Typing the boot command')));
  // The installer's own words on the serial console show the typed line reached the kernel with the right URL.
  const fetched = r.log.find((l) => /bakehouse-iso: fetching http:\/\/10\.0\.2\.2:\d+\/authorized_keys/.test(l));
  assert.ok(fetched, `the installer fetched the key from the build's HTTP server\n${r.log.filter((l) => l.startsWith('serial:')).slice(-20).join('\n')}`);
  const port = /10\.0\.2\.2:(\d+)/.exec(fetched)?.[1];

  const disk = join(dir, 'out', 'disk.raw');
  assert.equal(statSync(disk).size, 64 * 1024 * 1024);
  assert.equal(readFromImage(disk, '/root/marker', dir), 'provisioned on bakehouse-iso\n');
  assert.equal(readFromImage(disk, '/bakehouse-install.txt', dir), `installed by the bakehouse test ISO from http://10.0.2.2:${port}\n`);
  assert.deepEqual(qemuProcesses(dir), []);
});

test('ISO path: a wrong iso_checksum stops the build before QEMU starts, naming both sums', async () => {
  const dir = workDir();
  const wrong = 'f'.repeat(64);
  const r = await runBuild({ builder: isoBuilder(dir, { iso_checksum: `sha256:${wrong}` }) }, dir, { env: { ...process.env, PACKER_CACHE_DIR: join(dir, 'cache') } });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', new RegExp(`${wrong}[\\s\\S]*${isoSum}|${isoSum}[\\s\\S]*${wrong}`), b.error);
  assert.ok(!r.log.some((l) => l.startsWith('Qemu command:')), 'QEMU never started');
  assert.equal(existsSync(join(dir, 'out')), false);
});

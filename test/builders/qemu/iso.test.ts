/**
 * The ISO path end to end with real QEMU: the test ISO from .ci/qemu-iso.sh is downloaded over HTTP and verified against
 * its sha256, booted from the CD, and only does something when boot_command types the kernel line with the build's
 * HTTP server address; its installer then fetches the SSH key from http_directory, prepares the blank disk and starts
 * sshd, the shell provisioner writes to that disk, shutdown_command powers it off, and the output disk is read back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeVirtualBoxMachine, writeVdi } from '../../../core/images/virtualbox-machine';
import { convertDisk } from '../../../core/images/qemu-img';
import { inspectDisk, listTar, qemuImg } from '../../images/disks';
import { parseXml, select } from '../../images/xml';
import { GUEST_KEY, qemuProcesses, readFromImage, runBuild, workDir } from './harness';

const ISO = '/var/cache/bakehouse/qemu-iso/bakehouse-test.iso';

let server: Server;
let isoUrl = '';
let isoSum = '';
const requests: string[] = [];
/** The first test's build folder, its disk converted by the last test instead of booting another machine. */
let built: string | undefined;

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

const dirs: string[] = [];
function scratch(): string {
  const d = workDir();
  dirs.push(d);
  return d;
}

after(() => {
  server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

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
  const dir = scratch();
  const started = Date.now();
  const r = await runBuild(
    {
      builder: isoBuilder(dir),
      provisioners: [['shell', { inline: ['echo "provisioned on $(hostname)" > /target/root/marker', 'sync'] }]],
      // The vagrant post-processor on the real build's artifact, for both providers a QEMU disk can become.
      postProcessors: [
        [['vagrant', { provider_override: 'libvirt', compression_level: 1 }]],
        [['vagrant', { provider_override: 'virtualbox', compression_level: 1 }]],
      ],
    },
    dir,
    { env: { ...process.env, PACKER_CACHE_DIR: join(dir, 'cache') } },
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.slice(-40).join('\n')}`);
  console.log(`ISO build wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(
    b.artifacts.map((a) => a.files),
    [['out/disk.raw'], ['packer_test_libvirt.box'], ['packer_test_virtualbox.box']],
  );
  assert.ok(requests.includes('/bakehouse-test.iso'), 'the ISO came from the HTTP server');
  assert.ok(r.log.some((l) => l.includes('Typing the boot command')));
  // The installer's own words on the serial console (kept in the run log) show the typed line reached the kernel with the right URL.
  const fetched = r.detail.find((l) => /bakehouse-iso: fetching http:\/\/10\.0\.2\.2:\d+\/authorized_keys/.test(l));
  assert.ok(fetched, `the installer fetched the key from the build's HTTP server\n${r.detail.slice(-20).join('\n')}`);
  const port = /10\.0\.2\.2:(\d+)/.exec(fetched)?.[1];

  const disk = join(dir, 'out', 'disk.raw');
  assert.equal(statSync(disk).size, 64 * 1024 * 1024);
  assert.equal(readFromImage(disk, '/root/marker', dir), 'provisioned on bakehouse-iso\n');
  assert.equal(readFromImage(disk, '/bakehouse-install.txt', dir), `installed by the bakehouse test ISO from http://10.0.2.2:${port}\n`);
  assert.deepEqual(qemuProcesses(dir), []);
  built = dir;
});

test('conversions of the ISO build\'s disk: VDI, VMDK, OVA, and Vagrant boxes for libvirt and virtualbox', { timeout: 5 * 60_000 }, async () => {
  assert.ok(built, 'needs the ISO build of the first test');
  const dir = built;
  const disk = join(dir, 'out', 'disk.raw');
  const size = 64 * 1024 * 1024;
  const signal = new AbortController().signal;
  const checked = (path: string): void => assert.match(qemuImg('check', path), /No errors were found/, path);

  const vdi = join(dir, 'conv', 'disk.vdi');
  mkdirSync(join(dir, 'conv'));
  const v = await writeVdi(disk, vdi, signal, 'raw');
  assert.ok(v.ok, v.ok ? '' : v.error);
  assert.deepEqual(inspectDisk(vdi), { format: 'vdi', virtualSize: size, createType: undefined });
  checked(vdi);
  const vmdk = join(dir, 'conv', 'disk.vmdk');
  const k = await convertDisk({ source: disk, sourceFormat: 'raw', target: vmdk, to: 'vmdk', signal });
  assert.ok(k.ok, k.ok ? '' : k.error);
  assert.deepEqual(inspectDisk(vmdk), { format: 'vmdk', virtualSize: size, createType: 'streamOptimized' });
  checked(vmdk);
  // The provisioned file survives every conversion.
  assert.equal(readFromImage(vmdk, '/root/marker', dir), 'provisioned on bakehouse-iso\n');
  assert.equal(readFromImage(vdi, '/root/marker', dir), 'provisioned on bakehouse-iso\n');

  const ova = await writeVirtualBoxMachine({ source: disk, outputDir: join(dir, 'conv'), name: 'machine', format: 'ova', cpus: 2, memoryMb: 1024, signal });
  assert.ok(ova.ok, ova.ok ? '' : ova.error);
  const entries = await listTar(join(dir, 'conv', 'machine.ova'));
  assert.deepEqual(entries.map((e) => e.name), ['machine.ovf', 'machine.mf', 'machine-disk001.vmdk']);
  const envelope = parseXml(entries[0].content.toString());
  const file = select(envelope, 'References/File')[0];
  assert.equal(file.attrs['ovf:href'], 'machine-disk001.vmdk');
  assert.equal(Number(file.attrs['ovf:size']), entries[2].content.length);
  assert.equal(Number(select(envelope, 'DiskSection/Disk')[0].attrs['ovf:capacity']), size);
  const items = select(envelope, 'VirtualSystem/VirtualHardwareSection/Item');
  const quantity = (type: string): string => select(items.find((i) => select(i, 'rasd:ResourceType')[0].text === type)!, 'rasd:VirtualQuantity')[0].text;
  assert.equal(quantity('3'), '2', 'cpus');
  assert.equal(quantity('4'), '1024', 'memory in MB');
  writeFileSync(join(dir, 'conv', 'from-ova.vmdk'), entries[2].content);
  checked(join(dir, 'conv', 'from-ova.vmdk'));
  assert.equal(readFromImage(join(dir, 'conv', 'from-ova.vmdk'), '/root/marker', dir), 'provisioned on bakehouse-iso\n');

  // The boxes the build's own post-processors made.
  const libvirt = await listTar(join(dir, 'packer_test_libvirt.box'));
  assert.deepEqual(libvirt.map((e) => e.name).sort(), ['Vagrantfile', 'box.img', 'metadata.json']);
  assert.deepEqual(JSON.parse(libvirt.find((e) => e.name === 'metadata.json')!.content.toString()), { provider: 'libvirt', format: 'raw', virtual_size: 1 });
  writeFileSync(join(dir, 'conv', 'box.img'), libvirt.find((e) => e.name === 'box.img')!.content);
  assert.equal(inspectDisk(join(dir, 'conv', 'box.img')).virtualSize, size);
  const vbox = await listTar(join(dir, 'packer_test_virtualbox.box'));
  assert.deepEqual(vbox.map((e) => e.name), ['Vagrantfile', 'box-disk001.vmdk', 'box.ovf', 'metadata.json']);
  assert.deepEqual(JSON.parse(vbox[3].content.toString()), { provider: 'virtualbox' });
  const boxOvf = parseXml(vbox[2].content.toString());
  assert.equal(select(boxOvf, 'References/File')[0].attrs['ovf:href'], 'box-disk001.vmdk');
  writeFileSync(join(dir, 'conv', 'box.vmdk'), vbox[1].content);
  assert.deepEqual(inspectDisk(join(dir, 'conv', 'box.vmdk')), { format: 'vmdk', virtualSize: size, createType: 'streamOptimized' });
  checked(join(dir, 'conv', 'box.vmdk'));
  assert.equal(readFromImage(join(dir, 'conv', 'box.vmdk'), '/root/marker', dir), 'provisioned on bakehouse-iso\n');
});

test('a machine that never answers: the SSH timeout names the last serial console lines (the ISO waiting at its prompt)', { timeout: 10 * 60_000 }, async () => {
  const dir = scratch();
  const r = await runBuild({ builder: isoBuilder(dir, { boot_command: [], ssh_timeout: '40s' }) }, dir, { env: { ...process.env, PACKER_CACHE_DIR: join(dir, 'cache') } });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', /^Timeout waiting for SSH\. [^\n]*\nThe machine's serial console ended with:\n  ISOLINUX 6\.04 [^\n]*\n  boot:$/, b.error);
  assert.ok(!r.log.some((l) => l.startsWith('serial: ')), 'without PACKER_LOG the console is not printed line by line');
  assert.ok(r.log.includes('The serial console is in the run log and shown here with PACKER_LOG=1; its last lines are reported if the machine never answers.'));
  assert.ok(r.detail.some((l) => l.startsWith('serial: ') && l.includes('ISOLINUX')), 'the run log keeps the console line by line');
  assert.deepEqual(qemuProcesses(dir), []);
});

test('ISO path: a wrong iso_checksum stops the build before QEMU starts, naming both sums', async () => {
  const dir = scratch();
  const wrong = 'f'.repeat(64);
  const r = await runBuild({ builder: isoBuilder(dir, { iso_checksum: `sha256:${wrong}` }) }, dir, { env: { ...process.env, PACKER_CACHE_DIR: join(dir, 'cache') } });
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', new RegExp(`${wrong}[\\s\\S]*${isoSum}|${isoSum}[\\s\\S]*${wrong}`), b.error);
  assert.ok(!r.log.some((l) => l.startsWith('Qemu command:')), 'QEMU never started');
  assert.equal(existsSync(join(dir, 'out')), false);
});

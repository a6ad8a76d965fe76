import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact } from '../../../core/engine/artifact';
import type { BuildInfo, PostProcessor, Ui } from '../../../core/engine/plugin';
import { writeVirtualBoxMachine } from '../../../core/images/virtualbox-machine';
import { vagrantPostProcessor } from '../../../core/post-processors/vagrant/post-processor';
import type { Plain } from '../../../core/template/values/value';
import { config } from '../../engine/helpers';
import { inspectDisk, listTar, makeDisk, qemuImg } from '../../images/disks';
import { parseXml, select } from '../../images/xml';

// A private temporary folder, so checking that nothing is left there is not disturbed by other test files.
const privateTmp = mkdtempSync(join(tmpdir(), 'bakehouse-vagrant-test-tmp-'));
process.env.TMPDIR = privateTmp;
after(() => rmSync(privateTmp, { recursive: true, force: true }));

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vagrant-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function buildInfo(cwd: string): BuildInfo {
  return { name: 'ubuntu', displayName: 'qemu.ubuntu', hcl2: true, builderType: 'qemu', runId: 'run-1', env: {}, cwd, force: false };
}

interface Heard {
  ui: Ui;
  lines: string[];
}

function recordingUi(): Heard {
  const lines: string[] = [];
  return {
    lines,
    ui: {
      say: (t) => lines.push(`==> ${t}`),
      message: (t) => lines.push(`    ${t}`),
      error: (t) => lines.push(`!! ${t}`),
      output: (_s, l) => lines.push(l),
      log: (l) => lines.push(l),
      ask: async () => 'cleanup',
    },
  };
}

function prepare(cwd: string, fields: Record<string, Plain>): PostProcessor {
  const p = vagrantPostProcessor.prepare(config(fields), buildInfo(cwd));
  assert.ok(p.ok, p.ok ? '' : p.error.join('\n'));
  return p.value;
}

async function run(cwd: string, fields: Record<string, Plain>, input: Artifact) {
  const heard = recordingUi();
  const result = await prepare(cwd, fields).postProcess({ ui: heard.ui, mask: (s) => s, signal: new AbortController().signal, build: buildInfo(cwd), generated: {} }, input);
  return { result, lines: heard.lines };
}

function qemuArtifact(cwd: string, format: 'raw' | 'qcow2', size: string, state: Record<string, unknown> = {}): Artifact {
  mkdirSync(join(cwd, 'output-ubuntu'), { recursive: true });
  makeDisk(join(cwd, 'output-ubuntu', 'packer-ubuntu'), format, size);
  return {
    id: 'packer-ubuntu',
    builderId: 'transcend.qemu',
    files: ['output-ubuntu/packer-ubuntu'],
    text: 'qemu disk',
    state: { diskName: 'packer-ubuntu', diskType: format, diskSize: size, domainType: 'tcg', ...state },
  };
}

const names = async (box: string) => (await listTar(box)).map((e) => e.name);
const entry = async (box: string, name: string) => (await listTar(box)).find((e) => e.name === name)?.content.toString() ?? '';

test('a libvirt box from a QEMU disk: box.img, metadata with format and size in whole gigabytes, the qemu driver', async (t) => {
  const dir = scratch(t);
  const input = qemuArtifact(dir, 'qcow2', '1536M');
  const { result, lines } = await run(dir, {}, input);
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.deepEqual(result.value.artifact?.files, ['packer_ubuntu_libvirt.box']);
  assert.equal(result.value.artifact?.text, "'libvirt' provider box: packer_ubuntu_libvirt.box");
  assert.equal(result.value.artifact?.builderId, 'mitchellh.post-processor.vagrant');
  assert.equal(result.value.artifact?.id, 'libvirt');
  assert.deepEqual([result.value.keep, result.value.forceOverride], [false, true]);
  const box = join(dir, 'packer_ubuntu_libvirt.box');
  assert.deepEqual(readFileSync(box).subarray(0, 2), Buffer.from([0x1f, 0x8b]));
  assert.deepEqual(await names(box), ['Vagrantfile', 'box.img', 'metadata.json']);
  assert.equal(await entry(box, 'metadata.json'), '{"format":"qcow2","provider":"libvirt","virtual_size":2}\n');
  assert.match(await entry(box, 'Vagrantfile'), /^\n# The contents below were provided by the Packer Vagrant post-processor\n\nVagrant.configure\("2"\) do \|config\|\n  config.vm.provider :libvirt do \|libvirt\|\n    libvirt.driver = "qemu"\n/);
  assert.deepEqual(lines, [
    '==> Creating a dummy Vagrant box to ensure the host system can create one correctly',
    "==> Creating Vagrant box for 'libvirt' provider",
    `    Copying from artifact: ${join(dir, 'output-ubuntu', 'packer-ubuntu')}`,
    '    Compressing: Vagrantfile',
    '    Compressing: box.img',
    '    Compressing: metadata.json',
  ]);
  // The disk inside is the QEMU disk, intact.
  const extracted = join(dir, 'box.img');
  writeFileSync(extracted, (await listTar(box)).find((e) => e.name === 'box.img')!.content);
  assert.equal(inspectDisk(extracted).format, 'qcow2');
  assert.match(qemuImg('check', extracted), /No errors were found/);
});

test('kvm domains get the kvm driver; an unknown domain type is an error', async (t) => {
  const dir = scratch(t);
  const kvm = await run(dir, { output: 'kvm.box' }, qemuArtifact(dir, 'qcow2', '10G', { domainType: 'kvm' }));
  assert.ok(kvm.result.ok);
  assert.match(await entry(join(dir, 'kvm.box'), 'Vagrantfile'), /libvirt.driver = "kvm"/);
  assert.equal(await entry(join(dir, 'kvm.box'), 'metadata.json'), '{"format":"qcow2","provider":"libvirt","virtual_size":10}\n');
  const odd = await run(dir, { output: 'odd.box' }, qemuArtifact(dir, 'raw', '1M', { domainType: 'xen' }));
  assert.equal(odd.result.ok ? '' : odd.result.error, 'Unknown libvirt domain type: xen');
  assert.equal(existsSync(join(dir, 'odd.box')), false);
});

test('compression_level 0 writes a plain tar; 9 and the default write gzip', async (t) => {
  const dir = scratch(t);
  for (const [level, file] of [[0, 'none.box'], [9, 'best.box']] as const) {
    const r = await run(dir, { compression_level: level, output: file }, qemuArtifact(dir, 'raw', '4M'));
    assert.ok(r.result.ok);
  }
  assert.equal(readFileSync(join(dir, 'none.box')).toString('utf8', 257, 262), 'ustar');
  assert.deepEqual(readFileSync(join(dir, 'best.box')).subarray(0, 2), Buffer.from([0x1f, 0x8b]));
  // gzip records the best level (9) as XFL=2.
  assert.equal(readFileSync(join(dir, 'best.box'))[8], 2);
  assert.deepEqual(await names(join(dir, 'none.box')), ['Vagrantfile', 'box.img', 'metadata.json']);
  const bad = await run(dir, { compression_level: 12, output: 'bad.box' }, qemuArtifact(dir, 'raw', '1M'));
  assert.equal(bad.result.ok ? '' : bad.result.error, 'Invalid compression level. Expected an integer from -1 to 9.');
});

test('output, include and a vagrantfile_template filled with the build name, provider and artifact id', async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'info.json'), '{"author":"me"}\n');
  writeFileSync(join(dir, 'Vagrantfile.tpl'), 'config.vm.hostname = "{{ .BuildName }}-{{ .Provider }}-{{ .ArtifactId }}"\n');
  const fields = { output: 'boxes/{{ .BuildName }}-{{.Provider}}-{{ .ArtifactId }}.box', include: ['info.json'], vagrantfile_template: 'Vagrantfile.tpl' };
  const { result, lines } = await run(dir, fields, qemuArtifact(dir, 'raw', '1M'));
  assert.ok(result.ok, result.ok ? '' : result.error);
  const box = join(dir, 'boxes', 'ubuntu-libvirt-packer-ubuntu.box');
  assert.deepEqual(await names(box), ['Vagrantfile', 'box.img', 'info.json', 'metadata.json']);
  assert.equal(await entry(box, 'info.json'), '{"author":"me"}\n');
  assert.match(await entry(box, 'Vagrantfile'), /# Packer template during image build.\nconfig.vm.hostname = "ubuntu-libvirt-packer-ubuntu"\n\n$/);
  assert.ok(lines.includes('    Copying from include: info.json'));
  assert.ok(lines.includes('    Using custom Vagrantfile: Vagrantfile.tpl'));
});

test('override applies settings for one provider only', async (t) => {
  const dir = scratch(t);
  const fields = { output: 'default.box', override: { libvirt: { output: 'libvirt-only.box', compression_level: 0 }, virtualbox: { output: 'vb.box' } } };
  const { result } = await run(dir, fields, qemuArtifact(dir, 'raw', '1M'));
  assert.ok(result.ok);
  assert.deepEqual(result.value.artifact?.files, ['libvirt-only.box']);
  assert.equal(readFileSync(join(dir, 'libvirt-only.box')).toString('utf8', 257, 262), 'ustar');
});

test('a virtualbox box from a VirtualBox export (OVF + disk): box.ovf, the disk, base_mac from the first adapter', async (t) => {
  const dir = scratch(t);
  const ovf = '<?xml version="1.0"?>\n<Envelope>\n  <vbox:Machine>\n    <Adapter slot="0" enabled="true" MACAddress="0800271F2E3D" type="82540EM">\n  </vbox:Machine>\n</Envelope>\n';
  writeFileSync(join(dir, 'packer-vb.ovf'), ovf);
  writeFileSync(join(dir, 'packer-vb-disk001.vmdk'), 'disk bytes');
  const input: Artifact = { id: 'VM', builderId: 'mitchellh.virtualbox', files: ['packer-vb.ovf', 'packer-vb-disk001.vmdk'], text: '', state: {} };
  const { result, lines } = await run(dir, {}, input);
  assert.ok(result.ok, result.ok ? '' : result.error);
  const box = join(dir, 'packer_ubuntu_virtualbox.box');
  assert.deepEqual(await names(box), ['Vagrantfile', 'box.ovf', 'metadata.json', 'packer-vb-disk001.vmdk']);
  assert.equal(await entry(box, 'metadata.json'), '{"provider":"virtualbox"}\n');
  assert.equal(await entry(box, 'box.ovf'), ovf);
  assert.match(await entry(box, 'Vagrantfile'), /config.vm.base_mac = "0800271F2E3D"/);
  assert.ok(lines.includes('    Renaming the OVF to box.ovf...'));
  // The input files are untouched (the engine decides whether to delete them).
  assert.equal(readFileSync(join(dir, 'packer-vb.ovf'), 'utf8'), ovf);
});

test('a virtualbox box from a QEMU disk without VirtualBox: converted to a stream-optimised VMDK with an OVF', async (t) => {
  const dir = scratch(t);
  const { result, lines } = await run(dir, { provider_override: 'virtualbox' }, qemuArtifact(dir, 'qcow2', '32M', { cpus: 2, memory: 2048 }));
  assert.ok(result.ok, result.ok ? '' : result.error);
  const box = join(dir, 'packer_ubuntu_virtualbox.box');
  const entries = await listTar(box);
  assert.deepEqual(entries.map((e) => e.name), ['Vagrantfile', 'box-disk001.vmdk', 'box.ovf', 'metadata.json']);
  const envelope = parseXml(entries[2].content.toString());
  assert.equal(select(envelope, 'References/File')[0].attrs['ovf:href'], 'box-disk001.vmdk');
  const mac = select(envelope, 'VirtualSystem/vbox:Machine/Hardware/Network/Adapter')[0].attrs.MACAddress;
  assert.match(entries[0].content.toString(), new RegExp(`config.vm.base_mac = "${mac}"`));
  const memory = select(envelope, 'VirtualSystem/VirtualHardwareSection/Item').find((i) => select(i, 'rasd:ResourceType')[0].text === '4');
  assert.equal(select(memory!, 'rasd:VirtualQuantity')[0].text, '2048');
  writeFileSync(join(dir, 'disk.vmdk'), entries[1].content);
  assert.deepEqual(inspectDisk(join(dir, 'disk.vmdk')), { format: 'vmdk', virtualSize: 32 * 1024 * 1024, createType: 'streamOptimized' });
  assert.match(qemuImg('check', join(dir, 'disk.vmdk')), /No errors were found/);
  assert.ok(lines.some((l) => l.startsWith('    Converting ')));
});

test('a virtualbox box from an OVA unpacks it', async (t) => {
  const dir = scratch(t);
  makeDisk(join(dir, 'd.raw'), 'raw', '8M');
  const made = await writeVirtualBoxMachine({ source: join(dir, 'd.raw'), outputDir: join(dir, 'out'), name: 'vm', format: 'ova', signal: new AbortController().signal });
  assert.ok(made.ok);
  const input: Artifact = { id: 'vm', builderId: 'mitchellh.virtualbox', files: ['out/vm.ova'], text: '', state: {} };
  const { result, lines } = await run(dir, {}, input);
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.deepEqual(await names(join(dir, 'packer_ubuntu_virtualbox.box')), ['Vagrantfile', 'box.ovf', 'metadata.json', 'vm-disk001.vmdk', 'vm.mf']);
  assert.ok(lines.includes('    Unpacking OVA: out/vm.ova'));
});

test('a docker box names the image in its Vagrantfile', async (t) => {
  const dir = scratch(t);
  const input: Artifact = { id: 'sha256:abc123', builderId: 'packer.post-processor.docker-import', files: [], text: '', state: {} };
  const { result } = await run(dir, {}, input);
  assert.ok(result.ok, result.ok ? '' : result.error);
  const box = join(dir, 'packer_ubuntu_docker.box');
  assert.deepEqual(await names(box), ['Vagrantfile', 'metadata.json']);
  assert.equal(await entry(box, 'metadata.json'), '{"provider":"docker"}\n');
  assert.match(await entry(box, 'Vagrantfile'), /config.vm.provider :docker do \|docker, override\|\n\t\tdocker.image = "sha256:abc123"/);
});

test('errors as Packer words them, and nothing left behind when a box fails', async (t) => {
  const dir = scratch(t);
  const unknown = await run(dir, {}, { id: 'x', builderId: 'packer.docker', files: [], text: '', state: {} });
  assert.equal(unknown.result.ok ? '' : unknown.result.error, "Unknown artifact type, can't build box: packer.docker");
  const noOvf: Artifact = { id: 'VM', builderId: 'mitchellh.virtualbox', files: ['d.vmdk'], text: '', state: {} };
  writeFileSync(join(dir, 'd.vmdk'), 'x');
  const failed = await run(dir, {}, noOvf);
  assert.equal(failed.result.ok ? '' : failed.result.error, "ovf file couldn't be found");
  assert.deepEqual(readdirSync(dir).sort(), ['d.vmdk']);
  assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('bakehouse-vagrant-') && !n.startsWith('bakehouse-vagrant-test-')), []);
  const notYet = await run(dir, { provider_override: 'aws' }, noOvf);
  assert.match(notYet.result.ok ? '' : notYet.result.error, /The aws provider is not supported by Bakehouse's vagrant post-processor yet/);
});

test('prepare reports a vagrantfile_template that does not exist, unless it is generated during the build', (t) => {
  const dir = scratch(t);
  const missing = vagrantPostProcessor.prepare(config({ vagrantfile_template: 'nope.tpl' }), buildInfo(dir));
  assert.deepEqual(missing.ok ? [] : missing.error, ["vagrantfile_template 'nope.tpl' does not exist"]);
  const generated = vagrantPostProcessor.prepare(config({ vagrantfile_template: 'nope.tpl', vagrantfile_template_generated: true }), buildInfo(dir));
  assert.equal(generated.ok, true);
});

test('a cancelled run writes no box and leaves no partial file or temporary folder', async (t) => {
  const dir = scratch(t);
  const input = qemuArtifact(dir, 'raw', '4M');
  const ac = new AbortController();
  ac.abort();
  const heard = recordingUi();
  // A private temporary root, so other test files' temporary folders (they run at the same time) are not counted.
  const privateTmp = mkdtempSync(join(tmpdir(), 'bakehouse-vagrant-test-tmp-'));
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
  try {
    const r = await prepare(dir, {}).postProcess({ ui: heard.ui, mask: (s) => s, signal: ac.signal, build: buildInfo(dir), generated: {} }, input);
    assert.equal(r.ok, false);
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  assert.deepEqual(readdirSync(dir), ['output-ubuntu']);
  assert.deepEqual(readdirSync(privateTmp), []);
  rmSync(privateTmp, { recursive: true, force: true });
});

/** A raw disk holding `bytes` of text and random runs, so its box spans many gzip blocks and compresses as a real one. */
function filledDisk(cwd: string, bytes: number): Artifact {
  const input = qemuArtifact(cwd, 'raw', '1M');
  const parts: Buffer[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const part = i % 4 === 3 ? randomBytes(64 * 1024) : Buffer.from(`block ${i}: bakehouse vagrant box test data\n`.repeat(1500));
    parts.push(part);
    n += part.length;
  }
  writeFileSync(join(cwd, 'output-ubuntu', 'packer-ubuntu'), Buffer.concat(parts).subarray(0, bytes));
  return input;
}

test('a box gzipped on every core is one gzip stream: gzip -t and tar -tzf read it, its disk comes back byte for byte', async (t) => {
  const dir = scratch(t);
  const input = filledDisk(dir, 12 * 1024 * 1024);
  const r = await run(dir, { output: 'big.box' }, input);
  assert.ok(r.result.ok, r.result.ok ? '' : r.result.error);
  const box = join(dir, 'big.box');
  assert.equal(spawnSync('gzip', ['-t', box]).status, 0);
  assert.deepEqual(execFileSync('tar', ['-tzf', box], { encoding: 'utf8' }).trim().split('\n'), ['Vagrantfile', 'box.img', 'metadata.json']);
  const disk = execFileSync('tar', ['-xzOf', box, 'box.img'], { maxBuffer: 64 * 1024 * 1024 });
  assert.ok(disk.equals(readFileSync(join(dir, 'output-ubuntu', 'packer-ubuntu'))), 'box.img is the disk');
  assert.deepEqual(await names(box), ['Vagrantfile', 'box.img', 'metadata.json'], "Node's zlib reads it too");
});

test('a cancel while the box is being compressed leaves no box and no partial file', async (t) => {
  const dir = scratch(t);
  const input = filledDisk(dir, 48 * 1024 * 1024);
  const ac = new AbortController();
  const heard = recordingUi();
  let sawPartial = false;
  // Cancel once the partial box exists and has grown: compression is under way.
  const watch = setInterval(() => {
    const partial = readdirSync(dir).find((n) => n.endsWith('.partial'));
    if (partial && statSync(join(dir, partial)).size > 0) {
      sawPartial = true;
      ac.abort();
      clearInterval(watch);
    }
  }, 5);
  t.after(() => clearInterval(watch));
  const r = await prepare(dir, { output: 'big.box', compression_level: 9 }).postProcess({ ui: heard.ui, mask: (s) => s, signal: ac.signal, build: buildInfo(dir), generated: {} }, input);
  assert.ok(sawPartial, 'the cancel came mid-compression');
  assert.equal(r.ok, false);
  assert.deepEqual(readdirSync(dir), ['output-ubuntu']);
});

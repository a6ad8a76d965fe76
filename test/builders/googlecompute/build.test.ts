/**
 * Real `bakehouse build`s of Packer's googlecompute example against the project's Compute Engine emulator: the source
 * image found by family, an instance with the generated key in its ssh-keys metadata, a shell provisioner over SSH that
 * writes a file, and an image of the disk at the end — with Packer's artifact text and builder id — while the instance
 * and disk are gone. Wrong credentials fail at once, saying where they came from.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startGceEmulator, type GceEmulator } from '../../emulators/gce/emulator';
import { build } from './harness';

let emu: GceEmulator;

before(async () => {
  emu = await startGceEmulator();
});
after(async () => emu?.close());

test('bakehouse build provisions the instance over SSH and leaves only the image, with Packer\'s artifact', { timeout: 240_000 }, async () => {
  const run = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'bakehouse-debian' }, ['-machine-readable']);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.match(out, /baked by bakehouse/);
  assert.match(out, /Using image: debian-12-bookworm-v20240110/);
  assert.match(out, /,googlecompute\.debian,artifact,0,builder-id,packer\.googlecompute\n/);
  assert.match(out, /,googlecompute\.debian,artifact,0,id,bakehouse-debian\n/);
  assert.ok(out.includes(`,googlecompute.debian,artifact,0,string,A disk image was created in the '${emu.project}' project: bakehouse-debian\n`), out);
  assert.deepEqual(emu.resources(), ['image bakehouse-debian'], out);
  assert.equal(emu.machines().length, 0, 'the disk\'s container is gone');
  const image = emu.compute.images.get(`${emu.project}/bakehouse-debian`);
  assert.equal(image?.family, 'bakehouse-debian');
  assert.equal(image?.labels.team, 'bakehouse');
  assert.match(image?.labels['bakehouse-run-id'] ?? '', /^[0-9a-f-]{36}$/);
  assert.match(image?.labels['bakehouse-completed'] ?? '', /^\d+$/, 'the last step marks the image as the build\'s output');
  // What the provisioner wrote is in the image (the emulator's image is the disk's container, committed).
  assert.equal(execFileSync('docker', ['run', '--rm', '--entrypoint', 'cat', image?.dockerImage ?? '', '/etc/bakehouse-baked'], { encoding: 'utf8' }), 'baked by bakehouse\n');
  // The instance's SSH key went through its metadata: the emulator's token endpoint was called by the JWT flow.
  assert.ok((emu.calls['oauth.token'] ?? 0) >= 1);
});

test('a key the token endpoint refuses fails the build at once, naming the key file, and creates nothing', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const before = emu.calls['compute.instances.insert'] ?? 0;
  const run = build(emu, { sshPort: 1, imageName: 'never-made', keyFile: emu.wrongKeyFile });
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /Error creating the Compute Engine client: credentials_file key\.json: https:\/\/127\.0\.0\.1:\d+\/token refused packer@bakehouse-emulator\.iam\.gserviceaccount\.com: invalid_grant: Invalid JWT Signature\./);
  assert.ok(Date.now() - started < 30_000, 'fails fast');
  assert.equal(emu.calls['compute.instances.insert'] ?? 0, before);
  assert.deepEqual(emu.resources().filter((r) => r !== 'image bakehouse-debian'), []);
});

/**
 * Real `bakehouse build`s of googlecompute templates with a `startup_script_file`, against the project's Compute Engine
 * emulator, whose instances run their startup script at boot and give it a metadata server (test/emulators/gce/guest.ts):
 * the builder wraps the script as Packer's plugin does, and after provisioning waits for the wrapper to set the
 * instance's `startup-script-status` — the image has what the script wrote last; a script that fails fails the build
 * with the plugin's words; a cancel during the wait leaves nothing.
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

function containers(): string[] {
  const docker = execFileSync('docker', ['ps', '-aq', '--filter', `label=${emu.containerLabel}`], { encoding: 'utf8' }).trim();
  return [...emu.machines().map((m) => `machine ${m.vmId}`), ...(docker ? docker.split('\n').map((c) => `container ${c}`) : [])];
}

const SCRIPT = 'startup_script_file = "startup.sh"';

test('the build waits for the wrapped startup script after provisioning, and the image has what it wrote', { timeout: 180_000 }, async () => {
  const startup = ['#!/bin/bash', 'echo "startup script began" > /etc/startup-began', 'sleep 8', 'echo "written by the startup script" > /etc/startup-ended', ''].join('\n');
  const run = build(emu, {
    sshPort: await emu.reserveSshPort(),
    imageName: 'with-startup-script',
    extra: SCRIPT,
    files: { 'startup.sh': startup },
    // The plugin provisions while the script may still run; a provisioner that needs its work waits for it, as users do.
    inline: ['for i in $(seq 1 60); do [ -f /etc/startup-began ] && break; sleep 1; done', 'cat /etc/startup-began'],
  });
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  const seen = out.indexOf('startup script began');
  const waiting = out.indexOf('Waiting for any running startup script to finish...');
  const notYet = out.indexOf('Startup script not finished yet. Waiting...');
  const finished = out.indexOf('Startup script successfully finished.');
  const over = out.indexOf('Startup script, if any, has finished running.');
  const teardown = out.indexOf('Deleting instance...');
  assert.ok(seen > 0 && seen < waiting && waiting < notYet && notYet < finished && finished < over && over < teardown, out);
  const image = emu.compute.images.get(`${emu.project}/with-startup-script`);
  assert.equal(execFileSync('docker', ['run', '--rm', '--entrypoint', 'cat', image?.dockerImage ?? '', '/etc/startup-ended'], { encoding: 'utf8' }), 'written by the startup script\n');
  assert.deepEqual(emu.resources(), ['image with-startup-script'], out);
  emu.compute.images.delete(`${emu.project}/with-startup-script`);
});

test('a startup script that exits non-zero fails the build with the plugin\'s error and leaves nothing', { timeout: 180_000 }, async () => {
  const run = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'failed-startup-script', extra: SCRIPT, files: { 'startup.sh': '#!/bin/bash\necho about to fail\nexit 3\n' } });
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /Startup script in error\. Exiting\.\.\./);
  assert.match(out, /Build 'googlecompute\.debian' errored after .*: Error waiting for startup script to finish: Startup script exited with error\./);
  assert.deepEqual(emu.resources(), [], out);
  assert.deepEqual(containers(), [], out);
});

test('SIGINT while the build waits for the startup script leaves no instance, disk, image or container', { timeout: 180_000 }, async () => {
  const run = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'cancelled-startup-script', extra: SCRIPT, files: { 'startup.sh': '#!/bin/bash\nsleep 300\n' } });
  let sent = false;
  run.child.stdout?.on('data', () => {
    if (!sent && /Startup script not finished yet/.test(run.output())) {
      sent = true;
      run.child.kill('SIGINT');
    }
  });
  const code = await run.exited;
  const out = run.output();
  assert.ok(sent, out);
  assert.equal(code, 1, out);
  assert.match(out, /Build 'googlecompute\.debian' errored after .*: Build was cancelled\./);
  assert.deepEqual(emu.resources(), [], out);
  assert.deepEqual(containers(), [], out);
});

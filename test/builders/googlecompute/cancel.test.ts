/**
 * SIGINT to a real `bakehouse build` of a googlecompute template at each of its steps, against the project's Compute
 * Engine emulator, leaves no instance or disk of the run (and no container); an image only if its step completed —
 * a cancel while it is made removes it. Compute Engine misbehaving as it does — a 429 on instance insert, a 503 on an
 * operation wait, an image operation ending DONE with an error — is retried, or fails the build with Google's words and
 * leaves nothing.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startGceEmulator, type GceEmulator } from '../../emulators/gce/emulator';
import { build } from './harness';

let emu: GceEmulator;

before(async () => {
  emu = await startGceEmulator();
});
afterEach(() => emu.faults.clear());
after(async () => emu?.close());

function containers(): string[] {
  const docker = execFileSync('docker', ['ps', '-aq', '--filter', `label=${emu.containerLabel}`], { encoding: 'utf8' }).trim();
  return [...emu.machines().map((m) => `machine ${m.vmId}`), ...(docker ? docker.split('\n').map((c) => `container ${c}`) : [])];
}

/** Each step and the line that says it has begun (steps.ts). Only builds that get to SSH take a reserved port. */
const CONNECTS = new Set(['StepConnect', 'StepProvision', 'StepTeardownInstance', 'StepCreateImage']);
const POINTS: { step: string; when: RegExp }[] = [
  { step: 'StepCheckExistingImage', when: /Checking image does not exist/ },
  { step: 'StepSSHKeyGen', when: /Creating temporary RSA SSH key/ },
  { step: 'StepCreateInstance', when: /Requesting instance creation/ },
  { step: 'StepInstanceInfo', when: /Waiting for the instance to become running/ },
  { step: 'StepConnect', when: /Waiting for SSH to become available/ },
  { step: 'StepProvision', when: /provisioning started/ },
  { step: 'StepTeardownInstance', when: /Deleting instance\.\.\./ },
  { step: 'StepCreateImage', when: /Creating image\.\.\./ },
];

for (const point of POINTS) {
  test(`SIGINT during ${point.step} leaves no instance, disk or image of the run`, { timeout: 120_000 }, async () => {
    const sshPort = CONNECTS.has(point.step) ? await emu.reserveSshPort() : 1;
    const run = build(emu, { sshPort, imageName: `cancel-${point.step.toLowerCase()}`, inline: point.step === 'StepProvision' ? ['echo provisioning started', 'sleep 60'] : ['echo provisioned'] });
    let sent = false;
    run.child.stdout?.on('data', () => {
      if (!sent && point.when.test(run.output())) {
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
}

test('a 429 on instances.insert and a 503 on an operation wait are retried: the build succeeds', { timeout: 120_000 }, async () => {
  const inserts = emu.calls['compute.instances.insert'] ?? 0;
  emu.faults.throttle('compute.instances.insert', { nth: inserts + 1 });
  emu.faults.throttle('compute.zoneOperations.wait', { nth: (emu.calls['compute.zoneOperations.wait'] ?? 0) + 1, status: 503 });
  const run = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'throttled' });
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.equal((emu.calls['compute.instances.insert'] ?? 0) - inserts, 2, 'one throttled call, one retry');
  assert.deepEqual(emu.resources(), ['image throttled'], out);
  emu.compute.images.delete(`${emu.project}/throttled`);
});

test('an image operation that ends DONE with an error fails the build with Google\'s words and leaves nothing', { timeout: 120_000 }, async () => {
  emu.faults.failOperation('compute.images.insert', { code: 'RESOURCE_OPERATION_RATE_EXCEEDED', message: 'Operation rate exceeded for resource projects/bakehouse-emulator/zones/us-central1-a/disks/x.' });
  const run = build(emu, { sshPort: await emu.reserveSshPort(), imageName: 'failed-image' });
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /Build 'googlecompute\.debian' errored after .*: Error waiting for image: Operation rate exceeded for resource/);
  assert.deepEqual(emu.resources(), [], out);
  assert.deepEqual(containers(), [], out);
});

/**
 * SIGINT to a real `bakehouse build` of an azure-arm template at each of its steps, against the project's Resource
 * Manager emulator, leaves nothing of the run: no resource group, VM, disk, NIC, public IP, network, image or gallery
 * version, and no VM container. Azure misbehaving the way it does — a 429 with Retry-After, a long-running operation
 * that ends Failed — is retried, or fails the build with Azure's own words and leaves nothing either.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/emulator';
import { clients, IMAGES_GROUP, leftovers, LOCATION, linuxTemplate, startBuild, templateFolder } from './harness';

let emu: AzureEmulator;
let keep: string[] = [];

before(async () => {
  emu = await startAzureEmulator();
  const { resources, compute } = clients(emu);
  keep = [(await resources.resourceGroups.createOrUpdate(IMAGES_GROUP, { location: LOCATION })).id ?? ''];
  const gallery = await compute.galleries.createOrUpdate(IMAGES_GROUP, 'bakehouse_gallery', { location: LOCATION }, { updateIntervalInMs: 20 });
  const definition = await compute.galleryImages.createOrUpdate(
    IMAGES_GROUP,
    'bakehouse_gallery',
    'ubuntu-web',
    { location: LOCATION, osType: 'Linux', osState: 'Generalized', identifier: { publisher: 'bakehouse', offer: 'ubuntu', sku: 'web' } },
    { updateIntervalInMs: 20 },
  );
  keep.push(gallery.id ?? '', definition.id ?? '');
});
afterEach(() => emu.faults.clear());
after(async () => emu?.close());

const GALLERY = `
  shared_image_gallery_destination {
    resource_group      = "${IMAGES_GROUP}"
    gallery_name        = "bakehouse_gallery"
    image_name          = "ubuntu-web"
    image_version       = "1.0.0"
    replication_regions = ["northeurope"]
  }`;

/** The VM containers still there (the emulator's own list, and Docker's). */
function containers(): string[] {
  const docker = execFileSync('docker', ['ps', '-aq', '--filter', `label=${emu.containerLabel}`], { encoding: 'utf8' }).trim();
  return [...emu.machines().map((m) => `machine ${m.vmId}`), ...(docker ? docker.split('\n').map((c) => `container ${c}`) : [])];
}

/**
 * Each step of the build and the message that says it has begun (steps.ts, deploy.ts, capture.ts). Only a build that
 * gets as far as SSH reserves the VM's SSH port: the emulator hands reserved ports to the next VMs in order, so a build
 * cancelled before its VM exists must not leave one for the next test's VM.
 */
const CONNECTS = new Set(['StepConnect', 'StepProvision', 'StepPowerOffCompute', 'StepCaptureImage', 'StepPublishToSharedImageGallery']);
const POINTS: { step: string; when: RegExp }[] = [
  { step: 'StepCreateClient', when: /Creating Azure Resource Manager \(ARM\) client/ },
  { step: 'StepGetSourceImageName', when: /Getting source image id for the deployment/ },
  // The tags are printed just before the group's create call.
  { step: 'StepCreateResourceGroup', when: / ->> bakehouse:run-id : / },
  { step: 'StepDeployNetwork', when: /Deploying the build network/ },
  { step: 'StepDeployTemplate', when: /Deploying the virtual machine/ },
  { step: 'StepGetIPAddress', when: /Getting the VM's IP address/ },
  { step: 'StepConnect', when: /Waiting for SSH to become available/ },
  { step: 'StepProvision', when: /azure-arm\.ubuntu: provisioning started/ },
  { step: 'StepPowerOffCompute', when: /Powering off machine/ },
  { step: 'StepCaptureImage', when: /Capturing image \.\.\./ },
  { step: 'StepPublishToSharedImageGallery', when: /Publishing to Shared Image Gallery/ },
];

for (const point of POINTS) {
  test(`SIGINT during ${point.step} leaves no resource group, VM, disk, NIC or image of the run`, { timeout: 120_000 }, async () => {
    // Port 1 is never dialled: the build is cancelled before it connects.
    const sshPort = CONNECTS.has(point.step) ? await emu.reserveSshPort() : 1;
    const text = linuxTemplate(emu, { sshPort, inline: point.step === 'StepProvision' ? ['echo provisioning started', 'sleep 60'] : ['echo provisioned'], extra: GALLERY });
    const run = startBuild(templateFolder(text), emu);
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
    assert.match(out, /Build 'azure-arm\.ubuntu' errored after .*: Build was cancelled\./);
    assert.deepEqual(leftovers(emu, keep), [], out);
    assert.deepEqual(containers(), [], out);
  });
}

test('a 429 with Retry-After on the VM create is waited out and retried: the build succeeds', { timeout: 120_000 }, async () => {
  emu.faults.throttle('VirtualMachines_CreateOrUpdate', { nth: (emu.calls.VirtualMachines_CreateOrUpdate ?? 0) + 1, retryAfterSeconds: 2 });
  const before = emu.calls.VirtualMachines_CreateOrUpdate ?? 0;
  const run = startBuild(templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'throttled' })), emu);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.equal((emu.calls.VirtualMachines_CreateOrUpdate ?? 0) - before, 2, 'one throttled call, one retry');
  const image = `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/images/throttled`;
  assert.deepEqual(leftovers(emu, keep), [image], out);
  await clients(emu).compute.images.delete(IMAGES_GROUP, 'throttled', { updateIntervalInMs: 20 });
});

test('a capture whose long-running operation ends Failed fails the build with Azure\'s error and leaves nothing', { timeout: 120_000 }, async () => {
  emu.faults.failLro('Images_CreateOrUpdate', { code: 'InternalOperationError', message: 'Capturing the image failed on the host.' });
  const run = startBuild(templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'failed-capture' })), emu);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /Build 'azure-arm\.ubuntu' errored after .*: Error capturing the image: .*Capturing the image failed on the host/);
  assert.deepEqual(leftovers(emu, keep), [], out);
  assert.deepEqual(containers(), [], out);
});

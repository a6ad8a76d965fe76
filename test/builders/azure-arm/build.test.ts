/**
 * Real `bakehouse build`s of Packer's azure-arm Linux managed-image templates against the project's Resource Manager
 * emulator: a platform image, a temporary resource group, a shell provisioner over SSH that writes a file on the VM, and
 * a managed image at the end (and a gallery image version with shared_image_gallery_destination) — with Packer's
 * artifact text and builder id — while the temporary group, VM, disk, NIC, public IP and virtual network are gone.
 */
import { after, before, test } from 'node:test';
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
  // The gallery and image definition a shared_image_gallery_destination publishes into exist before the build, as on Azure.
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
after(async () => emu?.close());

function imageId(name: string): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/images/${name}`;
}

/** What the captured image holds at `path`: the emulator's managed image is a Docker image committed from the VM. */
function fileInCapturedImage(path: string): string {
  const images = execFileSync('docker', ['images', '-q', '--filter', `label=${emu.containerLabel}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  assert.ok(images.length > 0, 'no captured image');
  return execFileSync('docker', ['run', '--rm', '--entrypoint', 'cat', images[0] ?? '', path], { encoding: 'utf8' });
}

test('bakehouse build of a Linux managed-image template provisions the VM over SSH and leaves only the managed image', { timeout: 240_000 }, async () => {
  const dir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'bakehouse-ubuntu' }));
  const run = startBuild(dir, emu);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.match(out, /azure-arm\.ubuntu: baked by bakehouse/);
  assert.ok(
    out.includes(
      [
        '--> azure-arm.ubuntu: Azure.ResourceManagement.VMImage:',
        '',
        'OSType: Linux',
        `ManagedImageResourceGroupName: ${IMAGES_GROUP}`,
        'ManagedImageName: bakehouse-ubuntu',
        `ManagedImageId: ${imageId('bakehouse-ubuntu')}`,
        `ManagedImageLocation: ${LOCATION}`,
      ].join('\n'),
    ),
    out,
  );
  assert.match(out, /Cleanup requested, deleting resource group/);
  assert.deepEqual(leftovers(emu, keep), [imageId('bakehouse-ubuntu')], out);
  assert.equal(emu.machines().length, 0, 'the VM container is gone');
  // What the provisioner wrote is in the image.
  assert.equal(fileInCapturedImage('/etc/bakehouse-baked'), 'baked by bakehouse\n');
});

test('shared_image_gallery_destination publishes the managed image as a gallery image version, with Packer\'s artifact', { timeout: 240_000 }, async () => {
  const galleryBlock = `
  shared_image_gallery_destination {
    subscription         = "${emu.subscriptionId}"
    resource_group       = "${IMAGES_GROUP}"
    gallery_name         = "bakehouse_gallery"
    image_name           = "ubuntu-web"
    image_version        = "1.0.0"
    replication_regions  = ["northeurope"]
    storage_account_type = "Standard_LRS"
  }`;
  const dir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'bakehouse-ubuntu-sig', extra: galleryBlock }));
  const run = startBuild(dir, emu, ['-machine-readable']);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  const versionId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/galleries/bakehouse_gallery/images/ubuntu-web/versions/1.0.0`;
  assert.match(out, /,azure-arm\.ubuntu,artifact,0,builder-id,Azure\.ResourceManagement\.VMImage\n/);
  assert.ok(out.includes(`,azure-arm.ubuntu,artifact,0,id,${imageId('bakehouse-ubuntu-sig')}\n`), out);
  assert.ok(out.includes(`ManagedImageSharedImageGalleryId: ${versionId}\\n`), out);
  assert.ok(out.includes('SharedImageGalleryName: bakehouse_gallery\\nSharedImageGalleryImageName: ubuntu-web\\nSharedImageGalleryImageVersion: 1.0.0\\nSharedImageGalleryReplicatedRegions: northeurope\\n'), out);
  const left = leftovers(emu, keep).sort();
  assert.deepEqual(left, [imageId('bakehouse-ubuntu'), imageId('bakehouse-ubuntu-sig'), versionId].sort(), out);
});

test('target_region blocks replicate the gallery version where they say, with their replica counts, and the finished outputs are marked completed', { timeout: 240_000 }, async () => {
  const galleryBlock = `
  shared_image_gallery_destination {
    resource_group = "${IMAGES_GROUP}"
    gallery_name   = "bakehouse_gallery"
    image_name     = "ubuntu-web"
    image_version  = "1.0.1"
    target_region {
      name     = "West Europe"
      replicas = 2
    }
    target_region {
      name                   = "northeurope"
      disk_encryption_set_id = "/subscriptions/${emu.subscriptionId}/resourceGroups/keys/providers/Microsoft.Compute/diskEncryptionSets/des"
    }
  }`;
  const dir = templateFolder(linuxTemplate(emu, { sshPort: await emu.reserveSshPort(), imageName: 'bakehouse-ubuntu-regions', extra: galleryBlock }));
  const run = startBuild(dir, emu, []);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.match(out, /SIG replication regions {16}: 'westeurope,northeurope'/);
  const versionId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${IMAGES_GROUP}/providers/Microsoft.Compute/galleries/bakehouse_gallery/images/ubuntu-web/versions/1.0.1`;
  const version = emu.resource(versionId);
  const profile = version?.properties.publishingProfile as { targetRegions?: unknown[] } | undefined;
  assert.deepEqual(profile?.targetRegions, [
    { name: 'westeurope', regionalReplicaCount: 2, storageAccountType: 'Standard_LRS' },
    {
      name: 'northeurope',
      regionalReplicaCount: 1,
      storageAccountType: 'Standard_LRS',
      encryption: { osDiskImage: { diskEncryptionSetId: `/subscriptions/${emu.subscriptionId}/resourceGroups/keys/providers/Microsoft.Compute/diskEncryptionSets/des` } },
    },
  ]);
  // What `bakehouse cleanup` reads to keep a finished build's outputs.
  for (const id of [imageId('bakehouse-ubuntu-regions'), versionId]) assert.match(emu.resource(id)?.tags?.['bakehouse:completed'] ?? '', /^\d{4}-\d\d-\d\dT/, id);
});

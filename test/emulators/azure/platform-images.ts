/**
 * The Marketplace images the emulator offers, and their lookup: Virtual Machine Images - List / Get, api-version
 * 2026-03-01 as @azure/arm-compute 24.1.0 sends it (learn.microsoft.com/rest/api/compute/virtual-machine-images/list,
 * learn.microsoft.com/rest/api/compute/virtual-machine-images/get). List answers a bare JSON array of
 * `{location, name, id}`; Get adds `properties.osDiskImage`. Every one of them boots the same sshd container
 * (local/sshd:bookworm): what the emulator checks is the lookup, not the distribution.
 */
import type { Env } from './kinds';
import { armError, type ArmError, type ArmReply } from './wire';

export interface PlatformImage {
  publisher: string;
  offer: string;
  sku: string;
  versions: string[];
  hyperVGeneration: 'V1' | 'V2';
}

/** Names as Packer's azure-arm documentation and Azure's quickstarts use them. */
export const PLATFORM_IMAGES: readonly PlatformImage[] = [
  { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts', versions: ['22.04.202401100', '22.04.202402070'], hyperVGeneration: 'V1' },
  { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', versions: ['22.04.202401100', '22.04.202402070'], hyperVGeneration: 'V2' },
  { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', versions: ['24.04.202404230', '24.04.202405010'], hyperVGeneration: 'V2' },
  { publisher: 'Canonical', offer: 'UbuntuServer', sku: '18.04-LTS', versions: ['18.04.202401161'], hyperVGeneration: 'V1' },
  { publisher: 'Debian', offer: 'debian-12', sku: '12', versions: ['0.20240211.1654'], hyperVGeneration: 'V1' },
  { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', versions: ['0.20240211.1654'], hyperVGeneration: 'V2' },
];

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function findPlatformImage(publisher: string, offer: string, sku: string): PlatformImage | undefined {
  return PLATFORM_IMAGES.find((i) => same(i.publisher, publisher) && same(i.offer, offer) && same(i.sku, sku));
}

/** The version `latest` stands for, or the version itself when the image has it. */
export function resolveVersion(image: PlatformImage, version: string): string | undefined {
  if (same(version, 'latest')) return [...image.versions].sort(compareVersions).at(-1);
  return image.versions.find((v) => v === version);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function versionId(env: Env, location: string, i: PlatformImage, version: string): string {
  return `/Subscriptions/${env.subscriptionId}/Providers/Microsoft.Compute/Locations/${location}/Publishers/${i.publisher}/ArtifactTypes/VMImage/Offers/${i.offer}/Skus/${i.sku}/Versions/${version}`;
}

function notFound(what: string): ArmError {
  return armError(404, 'NotFound', `Artifact: VMImage was not found. ${what}`);
}

export function platformImageVersions(env: Env, location: string, publisher: string, offer: string, sku: string, query: URLSearchParams): ArmReply | ArmError {
  const image = findPlatformImage(publisher, offer, sku);
  if (!image) return notFound(`Publisher '${publisher}', offer '${offer}', sku '${sku}'.`);
  let versions = [...image.versions].sort(compareVersions);
  if (/name desc/i.test(query.get('$orderby') ?? '')) versions.reverse();
  const top = Number(query.get('$top'));
  if (Number.isInteger(top) && top > 0) versions = versions.slice(0, top);
  return { status: 200, body: versions.map((v) => ({ location, name: v, id: versionId(env, location, image, v) })) };
}

export function platformImageVersion(env: Env, location: string, publisher: string, offer: string, sku: string, version: string): ArmReply | ArmError {
  const image = findPlatformImage(publisher, offer, sku);
  const v = image && image.versions.find((x) => x === version);
  if (!image || !v) return notFound(`Publisher '${publisher}', offer '${offer}', sku '${sku}', version '${version}'.`);
  return {
    status: 200,
    body: {
      location,
      name: v,
      id: versionId(env, location, image, v),
      properties: {
        hyperVGeneration: image.hyperVGeneration,
        architecture: 'x64',
        replicaType: 'Unmanaged',
        disallowed: { vmDiskType: 'Unmanaged' },
        automaticOSUpgradeProperties: { automaticOSUpgradeSupported: false },
        imageDeprecationStatus: { imageState: 'Active' },
        features: [{ name: 'IsAcceleratedNetworkSupported', value: 'True' }],
        osDiskImage: { operatingSystem: 'Linux', sizeInGb: 30 },
        dataDiskImages: [],
      },
    },
  };
}

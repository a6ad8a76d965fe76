/**
 * Reads the azure-arm builder's config into the shape its steps use (the plugin's Config.Prepare: no side effects). The
 * schema and Packer's own rules live in config.ts and are checked before a build; this adds what Bakehouse cannot do
 * yet, said by field, and the temporary names Packer makes up (tempname.go: `pkr-Resource-Group-<random>`, `pkrvm…`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { err, type Result } from '../../common/result';
import { blockList, ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import type { ComponentConfig } from '../../template/model';
import type { Plain } from '../../template/values/value';
import { readSshConfig, type SshConfig } from '../../communicators/ssh/config';
import type { CloudSettings } from '../../cloud/azure/cloud';
import type { AzureAuthSettings } from '../../cloud/azure/credentials';

export type SourceImage =
  | { kind: 'platform'; publisher: string; offer: string; sku: string; version: string }
  | { kind: 'managed'; name: string; resourceGroup: string }
  | { kind: 'gallery'; subscription: string; resourceGroup: string; gallery: string; image: string; version: string; id: string };

export interface GalleryDestination {
  subscription: string;
  resourceGroup: string;
  gallery: string;
  image: string;
  version: string;
  replicationRegions: string[];
  /** target_region blocks: where the version is replicated, each with its replica count and disk encryption set. */
  targetRegions: TargetRegion[];
  storageAccountType: string;
  endOfLifeDate: string;
  replicaCount: number;
  excludeFromLatest: boolean;
  timeoutMs: number;
}

export interface TargetRegion {
  name: string;
  diskEncryptionSetId: string;
  replicas: number;
}

/** Packer's temporary names, made once per build (TempName). */
export interface TempNames {
  computeName: string;
  resourceGroupName: string;
  nicName: string;
  publicIpName: string;
  virtualNetworkName: string;
  subnetName: string;
  nsgName: string;
  osDiskName: string;
}

export interface AzureArmConfig {
  cloud: CloudSettings;
  auth: AzureAuthSettings;
  ssh: SshConfig;
  source: SourceImage;
  location: string;
  vmSize: string;
  osDiskSizeGb: number;
  diskCachingType: string;
  managedImageName: string;
  managedImageResourceGroupName: string;
  managedImageStorageAccountType: string;
  managedImageZoneResilient: boolean;
  /** The group to build in: build_resource_group_name (existing) or the temporary one (created and deleted). */
  buildResourceGroup: { name: string; existing: boolean };
  names: TempNames;
  /** virtual_network_name and friends: build in an existing network (no new network or, unless asked, public IP). */
  existingNetwork?: { name: string; subnet: string; resourceGroup: string; publicIp: boolean };
  publicIpSku: 'Basic' | 'Standard';
  tags: Record<string, string>;
  /** custom_data or custom_data_file's contents, base64 as Azure takes it. */
  customData: string;
  galleryDestination?: GalleryDestination;
  asyncResourceGroupDelete: boolean;
  skipCreateImage: boolean;
  /** polling_duration_timeout: how long any one long-running operation may take. */
  pollingTimeoutMs: number;
}

/** Fields Bakehouse's azure-arm refuses rather than ignores: each would change what is built or where. */
const NOT_YET: Record<string, string> = {
  image_url: 'building from a VHD (image_url) is not supported by Bakehouse yet; start from a platform image (image_publisher/image_offer/image_sku) or a managed image',
  capture_container_name: 'VHD output is not supported by Bakehouse yet; build a managed image (managed_image_name, managed_image_resource_group_name)',
  capture_name_prefix: 'VHD output is not supported by Bakehouse yet; build a managed image (managed_image_name, managed_image_resource_group_name)',
  storage_account: 'VHD output is not supported by Bakehouse yet; build a managed image (managed_image_name, managed_image_resource_group_name)',
  disk_additional_size: 'data disks are not supported by Bakehouse yet',
  managed_image_os_disk_snapshot_name: 'OS disk snapshots are not supported by Bakehouse yet',
  managed_image_data_disk_snapshot_prefix: 'data disk snapshots are not supported by Bakehouse yet',
  plan_info: 'marketplace purchase plans are not supported by Bakehouse yet',
  spot: 'spot VMs are not supported by Bakehouse yet',
  keep_os_disk: 'keep_os_disk is not supported by Bakehouse yet',
  user_assigned_managed_identities: 'managed identities on the build VM are not supported by Bakehouse yet',
  oidc_request_url: 'OIDC authentication is not supported by Bakehouse yet; give client_secret, client_cert_path or bind an Azure credential from the vault',
};

export function readAzureArmConfig(config: ComponentConfig, cwd: string): Result<AzureArmConfig, string[]> {
  const f = new ConfigFields(config, 'azure-arm');
  for (const [field, why] of Object.entries(NOT_YET)) {
    if (f.has(field) || (config.blocks[field]?.length ?? 0) > 0) f.error(`${field}: ${why}`);
  }
  const os = f.string('os_type');
  if (os.toLowerCase() === 'windows') f.error('os_type: Windows images are not supported by Bakehouse\'s azure-arm yet (WinRM and the key vault certificate); build a Linux image');
  const communicator = f.string('communicator', 'ssh');
  if (communicator !== 'ssh') f.error(`communicator: "${communicator}" is not supported by Bakehouse's azure-arm yet (WinRM included); use "ssh"`);
  const ssh = readSshConfig(config, 'azure-arm');
  if (!ssh.ok) f.errors.push(...ssh.error);

  const gallery = blockList(config, 'shared_image_gallery')[0];
  let source: SourceImage;
  if (gallery && (str(gallery.gallery_name) !== '' || str(gallery.id) !== '')) {
    if (str(gallery.community_gallery_image_id) !== '' || str(gallery.direct_shared_gallery_image_id) !== '') {
      f.error('shared_image_gallery: community and direct shared galleries are not supported by Bakehouse yet');
    }
    source = {
      kind: 'gallery',
      subscription: str(gallery.subscription),
      resourceGroup: str(gallery.resource_group),
      gallery: str(gallery.gallery_name),
      image: str(gallery.image_name),
      version: str(gallery.image_version),
      id: str(gallery.id),
    };
  } else if (f.has('custom_managed_image_name')) {
    source = { kind: 'managed', name: f.string('custom_managed_image_name'), resourceGroup: f.string('custom_managed_image_resource_group_name') };
  } else {
    source = { kind: 'platform', publisher: f.string('image_publisher'), offer: f.string('image_offer'), sku: f.string('image_sku'), version: f.string('image_version', 'latest') };
  }

  const prefix = f.string('custom_resource_build_prefix');
  const names = tempNames(prefix);
  if (f.has('temp_compute_name')) names.computeName = f.string('temp_compute_name');
  if (f.has('temp_nic_name')) names.nicName = f.string('temp_nic_name');
  if (f.has('temp_os_disk_name')) names.osDiskName = f.string('temp_os_disk_name');
  if (f.has('temp_resource_group_name')) names.resourceGroupName = f.string('temp_resource_group_name');
  const buildGroup = f.string('build_resource_group_name');

  let customData = f.string('custom_data');
  const customDataFile = f.string('custom_data_file');
  if (customDataFile !== '') {
    try {
      customData = readFileSync(resolve(cwd, customDataFile), 'utf8');
    } catch (e) {
      f.error(`custom_data_file: cannot read ${customDataFile}: ${(e as Error).message}`);
    }
  }

  const destination = blockList(config, 'shared_image_gallery_destination')[0];
  const sigTimeout = durationMs(f.string('shared_image_gallery_timeout', '60m'));
  if (!sigTimeout.ok) f.error(`shared_image_gallery_timeout: ${sigTimeout.error}`);
  const polling = durationMs(f.string('polling_duration_timeout', '15m'));
  if (!polling.ok) f.error(`polling_duration_timeout: ${polling.error}`);
  if (destination && destination.specialized === true) f.error('shared_image_gallery_destination: specialized images are not supported by Bakehouse yet');
  if (destination && str(destination.confidential_vm_image_encryption_type) !== '') {
    f.error('shared_image_gallery_destination: confidential_vm_image_encryption_type is not supported by Bakehouse yet (confidential VM images)');
  }
  const targetRegions = (Array.isArray(destination?.target_region) ? destination.target_region : [])
    .filter((r): r is Record<string, Plain> => typeof r === 'object' && r !== null && !Array.isArray(r))
    .map((r) => ({ name: str(r.name), diskEncryptionSetId: str(r.disk_encryption_set_id), replicas: Number(str(r.replicas)) || 0 }));
  if (targetRegions.some((r) => r.name === '')) f.error('shared_image_gallery_destination: every target_region needs a name');

  const vnet = f.string('virtual_network_name');
  const sku = f.string('public_ip_sku', 'Standard');
  if (f.errors.length > 0 || !ssh.ok) return err(f.errors);
  return {
    ok: true,
    value: {
      cloud: { cloudEnvironmentName: f.string('cloud_environment_name', 'Public'), metadataHost: f.string('metadata_host') },
      auth: {
        clientId: f.string('client_id'),
        clientSecret: f.string('client_secret'),
        clientCertPath: f.string('client_cert_path'),
        clientCertPassword: f.string('client_cert_password'),
        clientJwt: f.string('client_jwt'),
        tenantId: f.string('tenant_id'),
        subscriptionId: f.string('subscription_id'),
        useAzureCliAuth: f.bool('use_azure_cli_auth'),
      },
      // The plugin's default admin user when ssh_username is not given.
      ssh: { ...ssh.value, username: ssh.value.username || 'packer' },
      source,
      location: f.string('location'),
      vmSize: f.string('vm_size', 'Standard_A1'),
      osDiskSizeGb: f.number('os_disk_size_gb'),
      diskCachingType: f.string('disk_caching_type', 'ReadWrite'),
      managedImageName: f.string('managed_image_name'),
      managedImageResourceGroupName: f.string('managed_image_resource_group_name'),
      managedImageStorageAccountType: f.string('managed_image_storage_account_type', 'Standard_LRS'),
      managedImageZoneResilient: f.bool('managed_image_zone_resilient'),
      buildResourceGroup: buildGroup !== '' ? { name: buildGroup, existing: true } : { name: names.resourceGroupName, existing: false },
      names,
      ...(vnet !== ''
        ? {
            existingNetwork: {
              name: vnet,
              subnet: f.string('virtual_network_subnet_name'),
              resourceGroup: f.string('virtual_network_resource_group_name'),
              publicIp: f.bool('private_virtual_network_with_public_ip'),
            },
          }
        : {}),
      publicIpSku: sku.toLowerCase() === 'basic' ? 'Basic' : 'Standard',
      tags: azureTags(config, f),
      customData: customData === '' ? '' : Buffer.from(customData).toString('base64'),
      ...(destination && str(destination.gallery_name) !== ''
        ? {
            galleryDestination: {
              subscription: str(destination.subscription),
              resourceGroup: str(destination.resource_group),
              gallery: str(destination.gallery_name),
              image: str(destination.image_name),
              version: str(destination.image_version),
              replicationRegions: Array.isArray(destination.replication_regions) ? destination.replication_regions.map(String) : [],
              targetRegions,
              storageAccountType: str(destination.storage_account_type) || 'Standard_LRS',
              endOfLifeDate: f.string('shared_gallery_image_version_end_of_life_date'),
              replicaCount: f.number('shared_image_gallery_replica_count', 1),
              excludeFromLatest: f.bool('shared_gallery_image_version_exclude_from_latest'),
              timeoutMs: sigTimeout.ok ? sigTimeout.value : 3_600_000,
            },
          }
        : {}),
      asyncResourceGroupDelete: f.bool('async_resourcegroup_delete'),
      skipCreateImage: f.bool('skip_create_image'),
      pollingTimeoutMs: polling.ok && polling.value > 0 ? polling.value : 900_000,
    },
  };
}

/** Packer's TempName: with no prefix `pkr` and ten random characters, with custom_resource_build_prefix five. */
export function tempNames(prefix: string): TempNames {
  const p = prefix || 'pkr';
  const suffix = randomLower(prefix ? 5 : 10);
  return {
    computeName: `${p}vm${suffix}`,
    resourceGroupName: `${p}-Resource-Group-${suffix}`,
    nicName: `${p}ni${suffix}`,
    publicIpName: `${p}ip${suffix}`,
    virtualNetworkName: `${p}vn${suffix}`,
    subnetName: `${p}sn${suffix}`,
    nsgName: `${p}sg${suffix}`,
    osDiskName: `${p}os${suffix}`,
  };
}

function randomLower(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** `azure_tags = { … }` merged with `azure_tag { name value }` blocks, as the plugin merges them. */
function azureTags(config: ComponentConfig, f: ConfigFields): Record<string, string> {
  const out: Record<string, string> = {};
  const map = f.object('azure_tags');
  if (map) for (const [k, v] of Object.entries(map)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  for (const b of blockList(config, 'azure_tag')) if (typeof b.name === 'string') out[b.name] = str(b.value);
  return out;
}

/** A block-typed field's entries, whether HCL2 gave them as blocks or a legacy JSON template as an object or list. */

function str(v: Plain | undefined): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

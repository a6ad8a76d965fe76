/**
 * Reads the googlecompute builder's config into the shape its steps use (the plugin's Config.Prepare: defaults, no side
 * effects beyond reading the files it names). The schema and Packer's rules are in config.ts and checked before a
 * build; this adds what Bakehouse refuses, said by field, and Prepare's defaults: network "default", disk 20 GB
 * pd-standard, machine e2-standard-2, image_name packer-{{timestamp}}, instance_name packer-<uuid>, the three default
 * scopes, a 5 minute state_timeout.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { err, type Result } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import { durationMs } from '../../engine/durations';
import type { ComponentConfig } from '../../template/model';
import { readSshConfig, type SshConfig } from '../../communicators/ssh/config';
import { readCredentialFields, type GoogleAuthSettings } from '../../cloud/google/credentials';
import { DEFAULT_SCOPES } from './config';

export interface GooglecomputeConfig {
  auth: GoogleAuthSettings;
  ssh: SshConfig;
  projectId: string;
  zone: string;
  region: string;
  /** custom_endpoints.compute, when the template points Compute Engine elsewhere. */
  computeEndpoint: string;
  universeDomain: string;
  sourceImage: string;
  sourceImageFamily: string;
  sourceImageProjectIds: string[];
  machineType: string;
  diskSizeGb: number;
  diskType: string;
  diskName: string;
  instanceName: string;
  imageName: string;
  imageFamily: string;
  imageDescription: string;
  imageLabels: Record<string, string>;
  imageStorageLocations: string[];
  imageProjectId: string;
  labels: Record<string, string>;
  tags: string[];
  network: string;
  subnetwork: string;
  networkProjectId: string;
  omitExternalIp: boolean;
  useInternalIp: boolean;
  preemptible: boolean;
  onHostMaintenance: 'MIGRATE' | 'TERMINATE';
  /** metadata, metadata_files' contents and startup_script_file's contents as `startup-script`. */
  metadata: Record<string, string>;
  /**
   * The startup script is wrapped and waited for (startup-script.ts): wrap_startup_script, which the plugin turns on
   * when startup_script_file is given, and only when there is a script to wrap.
   */
  wrapStartupScript: boolean;
  serviceAccountEmail: string;
  disableDefaultServiceAccount: boolean;
  scopes: string[];
  skipCreateImage: boolean;
  stateTimeoutMs: number;
}

/** Fields Bakehouse's googlecompute refuses rather than ignores: each changes what is built or how it is reached. */
const NOT_YET: Record<string, string> = {
  use_os_login: 'OS Login is not supported by Bakehouse\'s googlecompute yet; leave use_os_login unset so the temporary SSH key goes in the instance\'s ssh-keys metadata',
  use_iap: 'IAP tunnels are not supported by Bakehouse\'s googlecompute yet',
  disk_attachment: 'extra disks are not supported by Bakehouse\'s googlecompute yet',
  wait_to_add_ssh_keys: 'wait_to_add_ssh_keys is not supported by Bakehouse\'s googlecompute yet',
  vault_gcp_oauth_engine: 'Vault\'s GCP secrets engine is not supported by Bakehouse yet; give credentials_file, credentials_json, access_token or bind a google credential from the vault',
  accelerator_type: 'accelerators are not supported by Bakehouse\'s googlecompute yet',
  image_encryption_key: 'customer-managed encryption keys are not supported by Bakehouse\'s googlecompute yet',
  disk_encryption_key: 'customer-managed encryption keys are not supported by Bakehouse\'s googlecompute yet',
  enable_secure_boot: 'Shielded VM options are not supported by Bakehouse\'s googlecompute yet',
  enable_vtpm: 'Shielded VM options are not supported by Bakehouse\'s googlecompute yet',
  enable_integrity_monitoring: 'Shielded VM options are not supported by Bakehouse\'s googlecompute yet',
};

export function readGooglecomputeConfig(config: ComponentConfig, cwd: string): Result<GooglecomputeConfig, string[]> {
  const f = new ConfigFields(config, 'googlecompute');
  for (const [field, why] of Object.entries(NOT_YET)) {
    if ((f.has(field) && f.raw(field) !== false) || (config.blocks[field]?.length ?? 0) > 0) f.error(`${field}: ${why}`);
  }
  const communicator = f.string('communicator', 'ssh');
  if (communicator !== 'ssh') f.error(`communicator: "${communicator}" is not supported by Bakehouse's googlecompute yet (WinRM and Windows images included); use "ssh"`);
  const metadata = Object.fromEntries(Object.entries(f.object('metadata') ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  if (/^true$/i.test(metadata['enable-oslogin'] ?? '')) f.error('metadata: enable-oslogin = TRUE asks for OS Login, which Bakehouse\'s googlecompute does not support yet; the temporary key goes in ssh-keys');
  const ssh = readSshConfig(config, 'googlecompute');
  if (!ssh.ok) f.errors.push(...ssh.error);
  const at = (p: string): string => resolve(cwd, p);

  const creds = readCredentialFields((n) => f.string(n), at);
  if (!creds.ok) f.errors.push(...creds.error);
  for (const [key, file] of Object.entries(f.object('metadata_files') ?? {})) {
    try {
      metadata[key] = readFileSync(at(String(file)), 'utf8');
    } catch (e) {
      f.error(`metadata_files: cannot read ${String(file)} for ${key}: ${(e as Error).message}`);
    }
  }
  const startup = f.string('startup_script_file');
  if (startup !== '') {
    try {
      metadata['startup-script'] = readFileSync(at(startup), 'utf8');
    } catch (e) {
      f.error(`startup_script_file: ${(e as Error).message}`);
    }
  }
  // The plugin's trilean: unset means true with startup_script_file (Config.Prepare), false otherwise. Unset with only
  // metadata's startup-script, the plugin neither wraps nor can ever see a status, yet waits (its issue #215): not here.
  const wrap = f.has('wrap_startup_script') ? f.bool('wrap_startup_script') : startup !== '';
  const timeout = durationMs(f.string('state_timeout', '5m'));
  if (!timeout.ok) f.error(`state_timeout: ${timeout.error}`);
  const endpoints = f.object('custom_endpoints') ?? {};
  const computeEndpoint = typeof endpoints.compute === 'string' ? endpoints.compute : '';
  if (computeEndpoint !== '') {
    let url: URL | undefined;
    try {
      url = new URL(computeEndpoint);
    } catch {
      f.error(`custom_endpoints: compute "${computeEndpoint}" is not a URL`);
    }
    if (url && url.pathname.replace(/\/+$/, '') !== '/compute/v1') f.error(`custom_endpoints: compute "${computeEndpoint}" must end in /compute/v1/ (Bakehouse calls Compute Engine's v1 REST paths under it)`);
  }
  for (const other of Object.keys(endpoints).filter((k) => k !== 'compute')) f.error(`custom_endpoints: "${other}" is not used by Bakehouse's googlecompute (only compute is)`);

  const projectId = f.string('project_id');
  const zone = f.string('zone');
  const instanceName = f.string('instance_name') || `packer-${randomUUID()}`;
  const preemptible = f.bool('preemptible');
  if (f.errors.length > 0 || !ssh.ok || !creds.ok) return err(f.errors);
  const scopes = f.stringList('scopes');
  return {
    ok: true,
    value: {
      auth: {
        accessToken: f.string('access_token'),
        credentialsJson: creds.value.json,
        credentialsFrom: creds.value.from,
        impersonateServiceAccount: f.string('impersonate_service_account'),
        // The driver's own scopes (lib/common DriverScopes): what Bakehouse calls, not what the instance gets.
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      },
      ssh: ssh.value,
      projectId,
      zone,
      region: f.string('region') || (zone.length > 2 ? zone.slice(0, -2) : ''),
      computeEndpoint,
      universeDomain: f.string('universe_domain'),
      sourceImage: f.string('source_image'),
      sourceImageFamily: f.string('source_image_family'),
      sourceImageProjectIds: f.stringList('source_image_project_id'),
      machineType: f.string('machine_type', 'e2-standard-2'),
      diskSizeGb: f.number('disk_size') || 20,
      diskType: f.string('disk_type', 'pd-standard'),
      diskName: f.string('disk_name') || instanceName,
      instanceName,
      imageName: (f.string('image_name') || 'packer-{{timestamp}}').replace(/\{\{-?\s*timestamp\s*-?\}\}/g, String(Math.floor(Date.now() / 1000))),
      imageFamily: f.string('image_family'),
      imageDescription: f.string('image_description') || 'Created by Packer',
      imageLabels: stringMap(f.object('image_labels')),
      imageStorageLocations: f.stringList('image_storage_locations'),
      imageProjectId: f.string('image_project_id') || projectId,
      labels: stringMap(f.object('labels')),
      tags: f.stringList('tags'),
      network: f.string('network') || (f.string('subnetwork') === '' ? 'default' : ''),
      subnetwork: f.string('subnetwork'),
      networkProjectId: f.string('network_project_id') || projectId,
      omitExternalIp: f.bool('omit_external_ip'),
      useInternalIp: f.bool('use_internal_ip'),
      preemptible,
      onHostMaintenance: preemptible ? 'TERMINATE' : f.string('on_host_maintenance') === 'TERMINATE' ? 'TERMINATE' : 'MIGRATE',
      metadata,
      wrapStartupScript: wrap && (metadata['startup-script'] ?? '') !== '',
      serviceAccountEmail: f.string('service_account_email'),
      disableDefaultServiceAccount: f.bool('disable_default_service_account'),
      scopes: scopes.length > 0 ? scopes : DEFAULT_SCOPES,
      skipCreateImage: f.bool('skip_create_image'),
      stateTimeoutMs: timeout.ok && timeout.value > 0 ? timeout.value : 300_000,
    },
  };
}

function stringMap(o: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
}

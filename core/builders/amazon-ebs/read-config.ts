/**
 * Reads the amazon-ebs builder's config into the shape its steps use (Packer's Prepare: no side effects). The schema and
 * Packer's own rules live in config.ts and are checked before a build; this adds what Bakehouse cannot do yet, said by field.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { err, type Result } from '../../common/result';
import { blockList, ConfigFields } from '../../engine/config-fields';
import type { ComponentConfig } from '../../template/model';
import type { Plain } from '../../template/values/value';
import { readSshConfig, type SshConfig } from '../../communicators/ssh/config';
import { readAccessSettings, type AccessSettings } from '../../cloud/aws/access';

export interface BlockDevice {
  deviceName: string;
  deleteOnTermination: boolean;
  encrypted?: boolean;
  iops?: number;
  noDevice: boolean;
  snapshotId?: string;
  throughput?: number;
  virtualName?: string;
  volumeType?: string;
  volumeSize?: number;
  kmsKeyId?: string;
}

export interface AmazonEbsConfig {
  access: AccessSettings;
  ssh: SshConfig;
  sshInterface: '' | 'public_ip' | 'private_ip' | 'public_dns' | 'private_dns';
  source: { ami: string } | { filters: Record<string, string>; owners: string[]; mostRecent: boolean };
  instanceType: string;
  amiName: string;
  amiDescription: string;
  amiVirtualizationType: string;
  amiUsers: string[];
  amiGroups: string[];
  amiProductCodes: string[];
  amiRegions: string[];
  snapshotUsers: string[];
  snapshotGroups: string[];
  tags: Record<string, string>;
  snapshotTags: Record<string, string>;
  runTags: Record<string, string>;
  runVolumeTags: Record<string, string>;
  forceDeregister: boolean;
  forceDeleteSnapshot: boolean;
  encryptBoot?: boolean;
  kmsKeyId: string;
  regionKmsKeyIds: Record<string, string>;
  skipCreateAmi: boolean;
  disableStopInstance: boolean;
  shutdownBehavior: 'stop' | 'terminate';
  associatePublicIpAddress?: boolean;
  availabilityZone: string;
  ebsOptimized: boolean;
  iamInstanceProfile: string;
  subnetId: string;
  vpcId: string;
  securityGroupIds: string[];
  temporarySecurityGroupSourceCidrs: string[];
  /** Already read from user_data_file when that was given. */
  userData: string;
  launchBlockDevices: BlockDevice[];
  amiBlockDevices: BlockDevice[];
  enaSupport?: boolean;
  sriovSupport: boolean;
}

/** Fields Bakehouse's amazon-ebs refuses rather than ignores: each would change what is built or where. */
const NOT_YET: Record<string, string> = {
  spot_price: 'spot instances are not supported by Bakehouse yet; remove spot_price to build on an on-demand instance',
  spot_instance_types: 'spot instances are not supported by Bakehouse yet; give instance_type instead',
  windows_password_timeout: 'Windows password retrieval is not supported by Bakehouse yet',
  temporary_iam_instance_profile_policy_document: 'temporary instance profiles are not supported by Bakehouse yet; give iam_instance_profile',
  subnet_filter: 'subnet_filter is not supported by Bakehouse yet; give subnet_id',
  vpc_filter: 'vpc_filter is not supported by Bakehouse yet; give vpc_id',
  security_group_filter: 'security_group_filter is not supported by Bakehouse yet; give security_group_ids',
  assume_role: 'assume_role is not supported by Bakehouse yet; give a profile with role_arn in ~/.aws/config instead',
  vault_aws_engine: 'vault_aws_engine is not supported by Bakehouse yet; bind an AWS credential from the vault instead',
  mfa_code: 'mfa_code is not supported by Bakehouse yet; use a profile whose session is already authenticated',
  skip_save_build_region: 'skip_save_build_region is not supported by Bakehouse yet',
};

const INTERFACES = ['', 'public_ip', 'private_ip', 'public_dns', 'private_dns'] as const;

export function readAmazonEbsConfig(config: ComponentConfig, cwd: string): Result<AmazonEbsConfig, string[]> {
  const f = new ConfigFields(config, 'amazon-ebs');
  for (const [field, why] of Object.entries(NOT_YET)) {
    if (field === 'windows_password_timeout') continue;
    if (f.has(field) || (config.blocks[field]?.length ?? 0) > 0) f.error(`${field}: ${why}`);
  }
  const communicator = f.string('communicator', 'ssh');
  if (communicator !== 'ssh') f.error(`communicator: "${communicator}" is not supported by Bakehouse's amazon-ebs yet (Windows password retrieval and WinRM included); use "ssh"`);
  const sshInterface = f.string('ssh_interface');
  if (sshInterface === 'session_manager') f.error('ssh_interface: session_manager is not supported by Bakehouse yet');
  const ssh = readSshConfig(config, 'amazon-ebs');
  if (!ssh.ok) f.errors.push(...ssh.error);
  else if (ssh.value.username === '') f.error('ssh_username must be specified');
  const filter = blockList(config, 'source_ami_filter')[0];
  const userDataFile = f.string('user_data_file');
  let userData = f.string('user_data');
  if (userDataFile !== '') {
    try {
      userData = readFileSync(resolve(cwd, userDataFile), 'utf8');
    } catch (e) {
      f.error(`user_data_file: cannot read ${userDataFile}: ${(e as Error).message}`);
    }
  }
  const polling = blockList(config, 'aws_polling')[0] ?? {};
  const securityGroupIds = f.has('security_group_id') ? [f.string('security_group_id')] : f.stringList('security_group_ids');
  const behavior = f.string('shutdown_behavior', 'stop');
  const access: AccessSettings = readAccessSettings(f, polling);
  if (f.errors.length > 0 || !ssh.ok) return err(f.errors);
  return {
    ok: true,
    value: {
      access,
      ssh: ssh.value,
      sshInterface: (INTERFACES as readonly string[]).includes(sshInterface) ? (sshInterface as AmazonEbsConfig['sshInterface']) : '',
      // Packer uses the filter whenever source_ami is empty, so `source_ami = ""` beside a filter (a common variable default) is no AMI.
      source: f.string('source_ami') !== ''
        ? { ami: f.string('source_ami') }
        : { filters: stringMap(filter?.filters), owners: stringList(filter?.owners), mostRecent: filter?.most_recent === true },
      instanceType: f.string('instance_type'),
      amiName: f.string('ami_name'),
      amiDescription: f.string('ami_description'),
      amiVirtualizationType: f.string('ami_virtualization_type'),
      amiUsers: f.stringList('ami_users'),
      amiGroups: f.stringList('ami_groups'),
      amiProductCodes: f.stringList('ami_product_codes'),
      amiRegions: f.stringList('ami_regions'),
      snapshotUsers: f.stringList('snapshot_users'),
      snapshotGroups: f.stringList('snapshot_groups'),
      tags: tagMap(config, f, 'tags', 'tag'),
      snapshotTags: tagMap(config, f, 'snapshot_tags', 'snapshot_tag'),
      runTags: tagMap(config, f, 'run_tags', 'run_tag'),
      runVolumeTags: tagMap(config, f, 'run_volume_tags', 'run_volume_tag'),
      forceDeregister: f.bool('force_deregister'),
      forceDeleteSnapshot: f.bool('force_delete_snapshot'),
      ...(f.has('encrypt_boot') ? { encryptBoot: f.bool('encrypt_boot') } : {}),
      kmsKeyId: f.string('kms_key_id'),
      regionKmsKeyIds: stringMap(f.object('region_kms_key_ids')),
      skipCreateAmi: f.bool('skip_create_ami'),
      disableStopInstance: f.bool('disable_stop_instance'),
      shutdownBehavior: behavior === 'terminate' ? 'terminate' : 'stop',
      ...(f.has('associate_public_ip_address') ? { associatePublicIpAddress: f.bool('associate_public_ip_address') } : {}),
      availabilityZone: f.string('availability_zone'),
      ebsOptimized: f.bool('ebs_optimized'),
      iamInstanceProfile: f.string('iam_instance_profile'),
      subnetId: f.string('subnet_id'),
      vpcId: f.string('vpc_id'),
      securityGroupIds,
      temporarySecurityGroupSourceCidrs: f.has('temporary_security_group_source_cidrs') ? f.stringList('temporary_security_group_source_cidrs') : ['0.0.0.0/0'],
      userData,
      launchBlockDevices: blockList(config, 'launch_block_device_mappings').map(blockDevice),
      amiBlockDevices: blockList(config, 'ami_block_device_mappings').map(blockDevice),
      ...(f.has('ena_support') ? { enaSupport: f.bool('ena_support') } : {}),
      sriovSupport: f.bool('sriov_support'),
    },
  };
}

function blockDevice(b: Record<string, Plain>): BlockDevice {
  const num = (k: string): number | undefined => (typeof b[k] === 'number' ? b[k] : typeof b[k] === 'string' && b[k] !== '' ? Number(b[k]) : undefined);
  const str = (k: string): string | undefined => (typeof b[k] === 'string' && b[k] !== '' ? b[k] : undefined);
  const bool = (k: string): boolean | undefined => (typeof b[k] === 'boolean' ? b[k] : b[k] === 'true' ? true : b[k] === 'false' ? false : undefined);
  const out: BlockDevice = { deviceName: str('device_name') ?? '', deleteOnTermination: bool('delete_on_termination') ?? false, noDevice: bool('no_device') ?? false };
  const encrypted = bool('encrypted');
  if (encrypted !== undefined) out.encrypted = encrypted;
  for (const [key, field] of [['iops', 'iops'], ['throughput', 'throughput'], ['volumeSize', 'volume_size']] as const) {
    const n = num(field);
    if (n !== undefined) out[key] = n;
  }
  for (const [key, field] of [['snapshotId', 'snapshot_id'], ['virtualName', 'virtual_name'], ['volumeType', 'volume_type'], ['kmsKeyId', 'kms_key_id']] as const) {
    const s = str(field);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

/** `tags = { … }` merged with `tag { key value }` blocks, as Packer merges them. */
function tagMap(config: ComponentConfig, f: ConfigFields, mapName: string, blockName: string): Record<string, string> {
  const out = stringMap(f.object(mapName));
  for (const b of blockList(config, blockName)) {
    const key = b.key ?? b.name;
    if (typeof key === 'string') out[key] = String(b.value ?? '');
  }
  return out;
}

export function stringMap(v: Plain | undefined): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

function stringList(v: Plain | undefined): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.map(String) : [];
}

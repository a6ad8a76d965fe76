/**
 * The amazon-import post-processor's configuration (packer-plugin-amazon v1.8.2's post-processor/import): the artifact's
 * disk goes to S3 and EC2 imports it as an AMI. Its Configure rules are checked here in the plugin's words; the AWS
 * AccessConfig fields are the amazon-ebs builder's, of which only those Bakehouse acts on are declared (the rest, such as
 * assume_role and vault_aws_engine, validate with the registry's "not acted on" warning).
 */
import { problem, type Check } from '../../components/checks';
import { boolField, stringField, stringListField, stringMapField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';
import { ACCESS_FIELDS } from '../../builders/amazon-ebs/config';

/** Disk formats ImportImage takes, as Packer lists them; the artifact's file is found by this extension. */
export const IMPORT_FORMATS = ['ova', 'raw', 'vmdk', 'vhd', 'vhdx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** What AWS knows as boot modes; the import itself takes only the first two. */
export const AWS_BOOT_MODES = ['legacy-bios', 'uefi', 'uefi-preferred'] as const;
export const IMPORT_BOOT_MODES = ['legacy-bios', 'uefi'] as const;
export const IMPORT_PLATFORMS = ['linux', 'windows'] as const;
export const S3_ENCRYPTIONS = ['AES256', 'aws:kms'] as const;
export const IMDS_SUPPORT_VALUES = ['v2.0'] as const;

/** Packer's error for a value outside each field's list; `%s` is the value. */
const ENUM_MESSAGES: Record<string, string> = {
  format: "invalid format '%s'. Only 'ova', 'raw', 'vhd', 'vhdx', or 'vmdk' are allowed",
  platform: "invalid platform '%s'. Only 'linux' and 'windows' are allowed",
  s3_encryption: "invalid s3 encryption format '%s'. Only 'AES256' and 'aws:kms' are allowed",
  boot_mode: "invalid boot mode '%s'. Only 'uefi' and 'legacy-bios' are allowed",
  imds_support: 'The only valid imds_support values are "v2.0" or the empty string',
};
const outside = (field: string, value: string): ImportConfigProblem => ({ message: ENUM_MESSAGES[field].replace('%s', value), field, outsideEnum: true });

/** The AccessConfig fields this post-processor acts on (credentials.ts, client.ts); Packer ignores skip_metadata_api_check too. */
const USED_ACCESS_FIELDS = new Set([
  'access_key',
  'secret_key',
  'token',
  'profile',
  'shared_credentials_file',
  'region',
  'custom_endpoint_ec2',
  'max_retries',
  'aws_polling',
  'skip_metadata_api_check',
]);

export const amazonImportPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'amazon-import',
  description: "Uploads the artifact's disk image (OVA, raw, VMDK, VHD, VHDX) to S3 and imports it into EC2 as an AMI.",
  fields: [
    ...ACCESS_FIELDS.filter((f) => USED_ACCESS_FIELDS.has(f.name)),
    stringField('s3_bucket_name', 'S3 bucket the disk is uploaded to before EC2 imports it.'),
    stringField('s3_key_name', 'Key of the uploaded disk; templated at post-process time.', { default: 'packer-import-{{timestamp}}.<format>' }),
    stringField('s3_encryption', 'Server-side encryption of the uploaded disk.', { enum: [...S3_ENCRYPTIONS] }),
    stringField('s3_encryption_key', 'KMS key for s3_encryption = "aws:kms"; by default the account\'s AWS-managed key.'),
    boolField('skip_clean', 'Keep the uploaded disk in S3 after the import.', { default: false }),
    stringMapField('tags', 'Tags for the AMI and its snapshots.'),
    stringField('ami_name', 'Name of the AMI; the imported image is copied under this name (EC2 names imports itself).'),
    stringField('ami_description', 'Description of the AMI.'),
    stringListField('ami_users', 'AWS account IDs the AMI is shared with.'),
    stringListField('ami_groups', 'Groups the AMI is shared with; "all" makes it public.'),
    stringListField('ami_org_arns', 'Organization ARNs the AMI is shared with.'),
    stringListField('ami_ou_arns', 'Organizational unit ARNs the AMI is shared with.'),
    boolField('ami_encrypt', 'Encrypt the imported AMI\'s snapshots.', { default: false }),
    stringField('ami_kms_key', 'KMS key for ami_encrypt; by default the account\'s default EBS key.'),
    stringField('imds_support', 'Require IMDSv2 on instances of the AMI.', { enum: [...IMDS_SUPPORT_VALUES] }),
    stringField('license_type', 'License type of the import, e.g. "BYOL" or "AWS".'),
    stringField('role_name', 'IAM service role EC2 uses to read the disk from S3.', { default: 'vmimport' }),
    stringField('format', 'Format of the disk: the artifact file with this extension is imported.', { enum: [...IMPORT_FORMATS], default: 'ova' }),
    stringField('architecture', 'Architecture of the image: i386, x86_64 or arm64.', { default: 'x86_64' }),
    stringField('boot_mode', 'Boot mode of the image; arm64 needs uefi.', { enum: [...IMPORT_BOOT_MODES] }),
    stringField('platform', 'Operating system of the image; required for a uefi import.', { enum: [...IMPORT_PLATFORMS] }),
  ],
  // Packer's words for a value outside each list (the validator checks the enums; prepare repeats it for legacy callers).
  messages: { enum: ENUM_MESSAGES },
};



const isOneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

export interface ImportConfigProblem {
  message: string;
  field: string;
  /** A value outside the field's list, which the schema's enum reports during validation. */
  outsideEnum?: true;
}

/** Packer's Configure, which reports every problem at once (a MultiError). */
export function importConfigProblems(c: {
  bucket: string;
  format: string;
  architecture: string;
  bootMode: string;
  platform: string;
  s3Encryption: string;
  imdsSupport: string;
  accessKeySet: boolean;
  secretKeySet: boolean;
}): ImportConfigProblem[] {
  const out: ImportConfigProblem[] = [];
  const bootMode = c.bootMode || (c.architecture === 'arm64' ? 'uefi' : 'legacy-bios');
  if (c.bootMode !== '' && !isOneOf(AWS_BOOT_MODES, c.bootMode)) {
    out.push({ message: `invalid boot mode ${JSON.stringify(c.bootMode)}, valid values are either 'uefi', 'legacy-bios' or 'uefi-preferred'`, field: 'boot_mode', outsideEnum: true });
  }
  if (c.accessKeySet !== c.secretKeySet) {
    out.push({ message: '`access_key` and `secret_key` must both be either set or not set.', field: c.accessKeySet ? 'access_key' : 'secret_key' });
  }
  if (c.bucket === '') out.push({ message: 's3_bucket_name must be set', field: 's3_bucket_name' });
  if (!isOneOf(IMPORT_FORMATS, c.format)) {
    out.push(outside('format', c.format));
  }
  if (c.platform === '') {
    if (bootMode === 'uefi') out.push({ message: "invalid platform '', 'platform' must be set for 'uefi' image imports", field: 'platform' });
  } else if (!isOneOf(IMPORT_PLATFORMS, c.platform)) {
    out.push(outside('platform', c.platform));
  }
  if (c.s3Encryption !== '' && !isOneOf(S3_ENCRYPTIONS, c.s3Encryption)) {
    out.push(outside('s3_encryption', c.s3Encryption));
  }
  if (!isOneOf(IMPORT_BOOT_MODES, bootMode)) {
    out.push(outside('boot_mode', bootMode));
  }
  if (c.architecture === 'arm64' && bootMode !== 'uefi') out.push({ message: `invalid boot mode '${bootMode}' for 'arm64' architecture`, field: 'boot_mode' });
  if (c.imdsSupport !== '' && !isOneOf(IMDS_SUPPORT_VALUES, c.imdsSupport)) {
    out.push(outside('imds_support', c.imdsSupport));
  }
  return out;
}

/** The same rules for validation and the editor; an unknown value (a variable not yet known) is left unjudged. */
const configureCheck: Check = (c) => {
  const names = ['s3_bucket_name', 'format', 'architecture', 'boot_mode', 'platform', 's3_encryption', 'imds_support', 'access_key', 'secret_key'];
  if (names.some((n) => c.isUnknown(n))) return [];
  const str = (n: string): string => (c.isSet(n) ? c.string(n) : '');
  return importConfigProblems({
    bucket: str('s3_bucket_name'),
    format: str('format') || 'ova',
    architecture: str('architecture') || 'x86_64',
    bootMode: str('boot_mode'),
    platform: str('platform'),
    s3Encryption: str('s3_encryption'),
    imdsSupport: str('imds_support'),
    accessKeySet: c.isSet('access_key'),
    secretKeySet: c.isSet('secret_key'),
  })
    .filter((p) => !p.outsideEnum)
    .map((p) => problem(p.message, p.field));
};

export const amazonImportPostProcessorChecks: Check[] = [configureCheck];

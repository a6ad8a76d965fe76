/** Reads amazon-import's config into what its run uses (Packer's Configure: defaults and every problem at once, no side effects). */
import { err, ok, type Result } from '../../common/result';
import { readAccessSettings, type AccessSettings } from '../../cloud/aws/access';
import { stringMap } from '../../builders/amazon-ebs/read-config';
import { blockList } from '../../engine/config-fields';
import { ConfigFields } from '../../engine/config-fields';
import type { ComponentConfig } from '../../template/model';
import { importConfigProblems, type ImportFormat } from './config';

export interface ImportSettings {
  access: AccessSettings;
  bucket: string;
  /** Still a template: `{{timestamp}}` and the build's generated data are filled in at post-process time, as Packer renders it. */
  keyTemplate: string;
  s3Encryption: '' | 'AES256' | 'aws:kms';
  s3EncryptionKey: string;
  skipClean: boolean;
  tags: Record<string, string>;
  amiName: string;
  amiDescription: string;
  amiUsers: string[];
  amiGroups: string[];
  amiOrgArns: string[];
  amiOuArns: string[];
  encrypt: boolean;
  kmsKey: string;
  imdsSupport: string;
  licenseType: string;
  roleName: string;
  format: ImportFormat;
  architecture: string;
  bootMode: 'legacy-bios' | 'uefi';
  platform: '' | 'linux' | 'windows';
}

export function readImportSettings(config: ComponentConfig): Result<ImportSettings, string[]> {
  const f = new ConfigFields(config, 'amazon-import');
  const polling = blockList(config, 'aws_polling')[0] ?? {};
  const access = readAccessSettings(f, polling);
  const format = f.string('format') || 'ova';
  const architecture = f.string('architecture') || 'x86_64';
  const bootMode = f.string('boot_mode');
  const fields = {
    bucket: f.string('s3_bucket_name'),
    format,
    architecture,
    bootMode,
    platform: f.string('platform'),
    s3Encryption: f.string('s3_encryption'),
    imdsSupport: f.string('imds_support'),
    accessKeySet: access.accessKey !== '',
    secretKeySet: access.secretKey !== '',
  };
  for (const p of importConfigProblems(fields)) f.error(p.message);
  const settings = {
    access,
    bucket: fields.bucket,
    keyTemplate: f.string('s3_key_name') || `packer-import-{{timestamp}}.${format}`,
    s3Encryption: fields.s3Encryption,
    s3EncryptionKey: f.string('s3_encryption_key'),
    skipClean: f.bool('skip_clean'),
    tags: stringMap(f.object('tags')),
    amiName: f.string('ami_name'),
    amiDescription: f.string('ami_description'),
    amiUsers: f.stringList('ami_users'),
    amiGroups: f.stringList('ami_groups'),
    amiOrgArns: f.stringList('ami_org_arns'),
    amiOuArns: f.stringList('ami_ou_arns'),
    encrypt: f.bool('ami_encrypt'),
    kmsKey: f.string('ami_kms_key'),
    imdsSupport: fields.imdsSupport,
    licenseType: f.string('license_type'),
    roleName: f.string('role_name'),
    format,
    architecture,
    bootMode: bootMode || (architecture === 'arm64' ? 'uefi' : 'legacy-bios'),
    platform: fields.platform,
  };
  if (f.errors.length > 0) return err(f.errors);
  // importConfigProblems has refused every value outside these lists.
  return ok(settings as ImportSettings);
}

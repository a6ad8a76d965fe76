/**
 * Packer's AWS AccessConfig as Bakehouse reads it: where the template says to find credentials, the region and the EC2
 * endpoint. The amazon-ebs builder and the amazon-* data sources read the same fields, so they share this (and
 * credentials.ts, client.ts) rather than each reading them its own way.
 */
import type { ConfigFields } from '../../engine/config-fields';

/** Where the template says to find credentials; the SDK's default chain is used when none is given. */
export interface AccessSettings {
  region: string;
  accessKey: string;
  secretKey: string;
  token: string;
  profile: string;
  sharedCredentialsFile: string;
  endpoint: string;
  skipRegionValidation: boolean;
  maxRetries: number;
  /** aws_polling: undefined means the SDK waiter's defaults (Packer's too). */
  polling: { delaySeconds?: number; maxAttempts?: number };
}

/** The AccessConfig fields of a component's config; `polling` is its aws_polling block, when it has one. */
export function readAccessSettings(f: ConfigFields, polling: { delay_seconds?: unknown; max_attempts?: unknown } = {}): AccessSettings {
  return {
    region: f.string('region'),
    accessKey: f.string('access_key'),
    secretKey: f.string('secret_key'),
    token: f.string('token'),
    profile: f.string('profile'),
    sharedCredentialsFile: f.string('shared_credentials_file'),
    endpoint: f.string('custom_endpoint_ec2'),
    skipRegionValidation: f.bool('skip_region_validation'),
    maxRetries: f.number('max_retries', 10),
    polling: {
      ...(typeof polling.delay_seconds === 'number' ? { delaySeconds: polling.delay_seconds } : {}),
      ...(typeof polling.max_attempts === 'number' ? { maxAttempts: polling.max_attempts } : {}),
    },
  };
}

/** The settings of a caller with no template (`bakehouse cleanup`): credentials and endpoint come from the environment. */
export function accessFromEnvironment(region: string): AccessSettings {
  return {
    region,
    accessKey: '',
    secretKey: '',
    token: '',
    profile: '',
    sharedCredentialsFile: '',
    endpoint: '',
    skipRegionValidation: true,
    maxRetries: 10,
    polling: {},
  };
}

/**
 * An amazon credential as the AWS SDK's credential provider: its keys, or its ~/.aws profile resolved by the SDK's own
 * `fromIni` (SSO, assume-role and process profiles included), then its `assume_role` block if it has one. The files and
 * endpoints come from the environment given (not necessarily this process's), as the SDK reads them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { CredentialFields, CredentialValue } from './schema';

// The SDK warns on every run under Node 20 that its releases of 2027 will need Node 22; Bakehouse pins the SDK, so the
// warning says nothing to its users and would only be noise on a command's standard error.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface AwsClientSettings {
  region: string;
  /** AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, as the SDK resolves them; undefined for AWS itself. */
  endpoint?: string;
}

/** The region and STS endpoint the SDK would use in `env` (us-east-1 when none is set, as the AWS CLI's STS calls do). */
export function awsClientSettings(env: Record<string, string | undefined>): AwsClientSettings {
  return { region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1', endpoint: env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined };
}

export function awsCredentialProvider(fields: CredentialFields, env: Record<string, string | undefined>): AwsCredentialIdentityProvider | AwsCredentialIdentity {
  const settings = awsClientSettings(env);
  const home = env.HOME || homedir();
  const base: AwsCredentialIdentityProvider | AwsCredentialIdentity =
    typeof fields.profile === 'string'
      ? fromIni({
          profile: fields.profile,
          filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
          configFilepath: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
          clientConfig: settings,
          ignoreCache: true,
        })
      : { accessKeyId: text(fields.access_key), secretAccessKey: text(fields.secret_key), ...(typeof fields.token === 'string' ? { sessionToken: fields.token } : {}) };
  const role = fields.assume_role;
  if (role === undefined || typeof role !== 'object' || Array.isArray(role)) return base;
  const r = role as Record<string, CredentialValue>;
  return fromTemporaryCredentials({
    masterCredentials: base,
    clientConfig: settings,
    params: {
      RoleArn: text(r.role_arn),
      RoleSessionName: typeof r.session_name === 'string' ? r.session_name : `bakehouse-${Date.now()}`,
      ...(typeof r.external_id === 'string' ? { ExternalId: r.external_id } : {}),
      ...(typeof r.duration_seconds === 'number' ? { DurationSeconds: r.duration_seconds } : {}),
      ...(typeof r.policy === 'string' ? { Policy: r.policy } : {}),
      ...(Array.isArray(r.policy_arns) ? { PolicyArns: r.policy_arns.map((arn) => ({ arn })) } : {}),
      ...(isTextMap(r.tags) ? { Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      ...(Array.isArray(r.transitive_tag_keys) ? { TransitiveTagKeys: r.transitive_tag_keys } : {}),
    },
  });
}

function text(v: CredentialValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function isTextMap(v: CredentialValue | undefined): v is Record<string, string> {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

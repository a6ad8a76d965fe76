/**
 * Where AWS credentials come from (the amazon-ebs builder and the amazon-* data sources), in Packer's order: the template's access_key/secret_key/token,
 * then its profile, then a credential bound from the vault (the hook below: the vault's binding issue passes it in), then
 * the SDK's default chain (environment, ~/.aws profiles, SSO, web identity, container and instance metadata). Each answer
 * names its source, so an error from AWS can say which credentials it refused.
 */
import type { AccessSettings } from './access';

/** The SDK's credential identity, declared here so only the declared SDK packages are imported. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** A credential bound from the vault for this build; its `name` is what the user sees in errors. */
export interface BoundAwsCredential {
  name: string;
  identity: AwsCredentialIdentity;
}

export interface CredentialSource {
  /** In the user's words: "the template's access_key/secret_key". */
  source: string;
  provider: AwsCredentialIdentityProvider;
}

export async function credentialSource(
  access: AccessSettings,
  env: Record<string, string | undefined>,
  bound?: BoundAwsCredential,
): Promise<CredentialSource> {
  if (access.accessKey !== '' && access.secretKey !== '') {
    const identity: AwsCredentialIdentity = { accessKeyId: access.accessKey, secretAccessKey: access.secretKey, ...(access.token ? { sessionToken: access.token } : {}) };
    return { source: "the template's access_key/secret_key", provider: async () => identity };
  }
  const providers = await import('@aws-sdk/credential-providers');
  if (access.profile !== '') {
    return {
      source: `the template's profile "${access.profile}"`,
      provider: providers.fromIni({ profile: access.profile, ...(access.sharedCredentialsFile ? { filepath: access.sharedCredentialsFile } : {}) }),
    };
  }
  if (bound) return { source: `the vault credential "${bound.name}"`, provider: async () => bound.identity };
  // The build's environment, not the process's: the app runs builds with environments of their own.
  const key = env.AWS_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY;
  const secret = env.AWS_SECRET_ACCESS_KEY ?? env.AWS_SECRET_KEY;
  if (key && secret) {
    const identity: AwsCredentialIdentity = { accessKeyId: key, secretAccessKey: secret, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
    return { source: 'the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)', provider: async () => identity };
  }
  const profile = env.AWS_PROFILE;
  return {
    source: profile ? `the AWS profile "${profile}" (AWS_PROFILE)` : "the AWS SDK's default chain (~/.aws profiles, SSO, web identity, instance metadata)",
    provider: providers.fromNodeProviderChain(profile ? { profile } : {}),
  };
}

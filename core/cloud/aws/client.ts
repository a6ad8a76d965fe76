/**
 * What every AWS client Bakehouse makes is given: the region, the credentials (credentials.ts, in Packer's order), the
 * endpoint and the retry count, from the template's AccessConfig and the run's environment. The amazon-ebs builder's EC2
 * driver, the amazon-* data sources and the S3 client of the upload and amazon-import post-processors make their
 * clients from this, and `describeAwsError` words what AWS answers.
 */
import { err, ok, type Result } from '../../common/result';
import type { AccessSettings } from './access';
import { credentialSource, type AwsCredentialIdentity, type BoundAwsCredential } from './credentials';

/** The services Bakehouse calls, each with its own endpoint variable (the SDKs' AWS_ENDPOINT_URL_<SERVICE ID>). */
const ENDPOINT_VARIABLES = {
  ec2: 'AWS_ENDPOINT_URL_EC2',
  ssm: 'AWS_ENDPOINT_URL_SSM',
  s3: 'AWS_ENDPOINT_URL_S3',
  'secrets-manager': 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
} as const;
export type AwsService = keyof typeof ENDPOINT_VARIABLES;

export interface AwsClientSetup {
  region: string;
  /** Where the credentials came from, in the user's words. */
  credentialsFrom: string;
  /** What the SDK's client constructors take besides the region. */
  options: { credentials: () => Promise<AwsCredentialIdentity>; maxAttempts: number; endpoint?: string };
}

export async function awsClientSetup(
  access: AccessSettings,
  env: Record<string, string | undefined>,
  service: AwsService,
  bound?: BoundAwsCredential,
): Promise<Result<AwsClientSetup>> {
  // The SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22: it concerns
  // upgrading the SDK (pinned by our lockfile), not the user's build, and would be the first line of every AWS build's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = access.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (region === '') return err('region: no AWS region given; set region in the template (or AWS_REGION)');
  const creds = await credentialSource(access, env, bound);
  // Packer's AccessConfig.Session puts custom_endpoint_ec2 on the whole session, so its SSM calls go there too.
  const endpoint = access.endpoint || env[ENDPOINT_VARIABLES[service]] || env.AWS_ENDPOINT_URL || '';
  // Packer's max_retries counts retries; the SDK counts attempts.
  const options = { credentials: creds.provider, maxAttempts: Math.max(1, access.maxRetries + 1), ...(endpoint ? { endpoint } : {}) };
  return ok({ region, credentialsFrom: creds.source, options });
}

/** Error codes that mean AWS did not accept the credentials. */
const AUTH_CODES = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
  'UnauthorizedOperation',
]);

/** The error's AWS code, e.g. `InvalidAMIID.NotFound`. */
export function awsErrorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
}

/** One line for the user; a refused credential names where it came from. */
export function describeAwsError(e: unknown, credentialsFrom: string): string {
  const name = awsErrorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  if (AUTH_CODES.has(name) || /credential/i.test(name)) return `${name}: ${message} (AWS refused the credentials from ${credentialsFrom})`;
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/**
 * What every Azure Resource Manager client Bakehouse makes is given: the cloud (cloud.ts), the credentials in Packer's
 * order (credentials.ts) and the subscription, and `describeAzureError`, which words what Azure answers in one line and
 * names the credentials' source when they were refused. Retries (429 with Retry-After, 5xx, lost connections) are the
 * SDK pipeline's own policies; long-running operations are the SDK's pollers.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ok, type Result } from '../../common/result';
import { resolveCloud, type AzureCloud, type CloudSettings } from './cloud';
import { azureCredentialSource, type AzureAuthSettings, type BoundAzureCredential } from './credentials';

export interface AzureClientSetup {
  cloud: AzureCloud;
  credential: TokenCredential;
  subscriptionId: string;
  tenantId: string;
  /** Where the credentials came from, in the user's words. */
  credentialsFrom: string;
  /** Options both generations of the ARM clients take: the modular (`credentials.scopes`) and the classic (`$host`, `credentialScopes`). */
  options: {
    endpoint: string;
    $host: string;
    credentialScopes: string[];
    credentials: { scopes: string[] };
    tlsOptions?: { ca: string };
  };
}

export async function azureClientSetup(
  settings: CloudSettings & AzureAuthSettings,
  env: Record<string, string | undefined>,
  bound?: BoundAzureCredential,
  signal?: AbortSignal,
): Promise<Result<AzureClientSetup>> {
  const cloud = await resolveCloud(settings, env, signal);
  if (!cloud.ok) return cloud;
  const creds = await azureCredentialSource(settings, cloud.value, env, bound);
  if (!creds.ok) return creds;
  const c = cloud.value;
  const scopes = [c.scope];
  return ok({
    cloud: c,
    credential: creds.value.credential,
    subscriptionId: creds.value.subscriptionId,
    tenantId: creds.value.tenantId,
    credentialsFrom: creds.value.source,
    options: { endpoint: c.resourceManager, $host: c.resourceManager, credentialScopes: scopes, credentials: { scopes }, ...(c.ca ? { tlsOptions: { ca: c.ca.join('\n') } } : {}) },
  });
}

/** Codes (ARM's and @azure/identity's error names) that mean the credentials were refused. */
const AUTH_CODES = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationFailed',
  'InvalidAuthenticationToken',
  'InvalidAuthenticationTokenTenant',
  'ExpiredAuthenticationToken',
  'AuthorizationFailed',
]);

/** The error's Azure code (`ResourceGroupNotFound`, `AuthorizationFailed`) or, for identity errors, its name. */
export function azureErrorCode(e: unknown): string {
  if (typeof e !== 'object' || e === null) return '';
  const x = e as { code?: unknown; name?: unknown };
  if (typeof x.code === 'string' && x.code !== '') return x.code;
  return typeof x.name === 'string' ? x.name : '';
}

/** The HTTP status of an SDK RestError, when there was an answer. */
export function azureStatus(e: unknown): number | undefined {
  const s = typeof e === 'object' && e !== null ? (e as { statusCode?: unknown }).statusCode : undefined;
  return typeof s === 'number' ? s : undefined;
}

/** One line for the user; a refused credential names where it came from. */
export function describeAzureError(e: unknown, credentialsFrom: string): string {
  const code = azureErrorCode(e);
  const raw = e instanceof Error ? e.message : String(e);
  // MSAL's messages run to many lines of trace and correlation ids; the first says what happened.
  const message = raw.split('\n').find((l) => l.trim() !== '')?.trim() ?? raw;
  const text = code && !message.startsWith(code) ? `${code}: ${message}` : message;
  if (AUTH_CODES.has(code) || azureStatus(e) === 401) return `${text} (Azure refused the credentials from ${credentialsFrom})`;
  return text;
}

/** Whether the error says the resource is not there (a delete of something already gone succeeds). */
export function isNotFound(e: unknown): boolean {
  return azureStatus(e) === 404 || /NotFound$/.test(azureErrorCode(e));
}


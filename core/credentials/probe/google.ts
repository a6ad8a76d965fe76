/**
 * google: a service account key is tested by the JWT-bearer exchange its builds make (core/cloud/google/token.ts): an
 * access token back from the key's token_uri means the key works. An access_token credential has nothing to exchange
 * and is not tested yet.
 */
import type { Credential } from '../vault';
import { CLOUD_PLATFORM_SCOPE, exchangeServiceAccountKey, GOOGLE_TOKEN_URI, parseServiceAccountKey } from '../../cloud/google/token';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

export async function probeGoogle(credential: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  if (typeof credential.fields.account_file !== 'string') return { ok: false, message: 'testing an access_token credential is not implemented yet: only a service account key is tested' };
  const key = parseServiceAccountKey(credential.fields.account_file);
  if (!key.ok) return { ok: false, message: key.error };
  const token = await exchangeServiceAccountKey(key.value, [CLOUD_PLATFORM_SCOPE], AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS));
  if (!token.ok) return { ok: false, message: token.error };
  return { ok: true, message: `${key.value.token_uri || GOOGLE_TOKEN_URI} issued an access token to ${String(key.value.client_email)}` };
}

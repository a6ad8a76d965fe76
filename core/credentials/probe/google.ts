/**
 * google: the OAuth 2.0 JWT-bearer exchange a service account makes (RFC 7523; Google's "Using OAuth 2.0 for Server to
 * Server Applications", HTTP/REST): a JWT signed RS256 with the key's private_key, claiming iss = client_email,
 * aud = the key file's token_uri, a scope and a one-hour lifetime, POSTed to token_uri as
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`; an access token back means the key works.
 * Written here rather than with google-auth-library, whose JWT client sends every key to oauth2.googleapis.com whatever
 * its token_uri says. An access_token credential has nothing to exchange and is not tested yet.
 */
import { createSign } from 'node:crypto';
import type { Credential } from '../vault';
import { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, type ProbeOutcome } from './outcome';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

interface ServiceAccountKey {
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
}

export async function probeGoogle(credential: Credential, opts: ProbeOptions): Promise<ProbeOutcome> {
  if (typeof credential.fields.account_file !== 'string') return { ok: false, message: 'testing an access_token credential is not implemented yet: only a service account key is tested' };
  const key = JSON.parse(credential.fields.account_file) as ServiceAccountKey;
  if (!key.client_email || !key.private_key) return { ok: false, message: 'the key file has no client_email or private_key' };
  const tokenUri = key.token_uri || GOOGLE_TOKEN_URI;
  let assertion: string;
  try {
    assertion = signedJwt(key, tokenUri);
  } catch (e) {
    return { ok: false, message: `the key file's private_key cannot sign: ${(e as Error).message}` };
  }
  let answer: Response;
  try {
    answer = await fetch(tokenUri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS),
    });
  } catch (e) {
    const error = e as Error & { cause?: { code?: string } };
    return { ok: false, message: `cannot reach ${tokenUri}: ${error.name === 'TimeoutError' ? 'no answer in time' : (error.cause?.code ?? error.message)}` };
  }
  const body = (await answer.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (answer.ok && body.access_token) return { ok: true, message: `${tokenUri} issued an access token to ${key.client_email}` };
  const reason = [body.error, body.error_description].filter(Boolean).join(': ') || `${answer.status} ${answer.statusText}`;
  return { ok: false, message: `${tokenUri} refused ${key.client_email}: ${reason}` };
}

function signedJwt(key: ServiceAccountKey, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: SCOPE, aud: audience, iat: now, exp: now + 3600 };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(String(key.private_key));
  return `${unsigned}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

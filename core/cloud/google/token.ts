/**
 * The OAuth 2.0 JWT-bearer exchange a service account key makes (RFC 7523; Google's "Using OAuth 2.0 for Server to
 * Server Applications", HTTP/REST): a JWT signed RS256 with the key's private_key, claiming iss = client_email,
 * aud = the key's token_uri, the scopes and a one-hour lifetime, POSTed to token_uri. Written here rather than taken from
 * google-auth-library because its JWT client (still in 10.9.1: gtoken/getToken.js) posts every key to
 * oauth2.googleapis.com whatever the key's token_uri says (docs/decisions.md). Used by the vault's credential test and by
 * the googlecompute builder's AuthClient (core/cloud/google/credentials.ts).
 */
import { createSign } from 'node:crypto';
import { err, ok, type Result } from '../../common/result';

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface ServiceAccountKey {
  type?: string;
  project_id?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
}

export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A key file's JSON, or why it is not one a service account exchange can use. */
export function parseServiceAccountKey(text: string): Result<ServiceAccountKey> {
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(text) as ServiceAccountKey;
  } catch (e) {
    return err(`not a JSON key file: ${(e as Error).message}`);
  }
  if (!key.client_email || !key.private_key) return err('the key file has no client_email or private_key');
  return ok(key);
}

/** Exchanges the key's signed JWT for an access token at its token_uri; a refusal is Google's error in one line. */
export async function exchangeServiceAccountKey(key: ServiceAccountKey, scopes: readonly string[], signal: AbortSignal): Promise<Result<AccessToken>> {
  const tokenUri = key.token_uri || GOOGLE_TOKEN_URI;
  let assertion: string;
  try {
    assertion = signedJwt(key, tokenUri, scopes);
  } catch (e) {
    return err(`the key file's private_key cannot sign: ${(e as Error).message}`);
  }
  let answer: Response;
  try {
    answer = await fetch(tokenUri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      signal,
    });
  } catch (e) {
    const error = e as Error & { cause?: { code?: string } };
    return err(`cannot reach ${tokenUri}: ${error.name === 'TimeoutError' ? 'no answer in time' : (error.cause?.code ?? error.message)}`);
  }
  const body = (await answer.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (answer.ok && body.access_token) return ok({ token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 });
  const reason = [body.error, body.error_description].filter(Boolean).join(': ') || `${answer.status} ${answer.statusText}`;
  return err(`${tokenUri} refused ${String(key.client_email)}: ${reason}`);
}

function signedJwt(key: ServiceAccountKey, audience: string, scopes: readonly string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: scopes.join(' '), aud: audience, iat: now, exp: now + 3600 };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(String(key.private_key));
  return `${unsigned}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

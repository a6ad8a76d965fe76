/**
 * The emulator's OAuth 2.0 token endpoint for service accounts (developers.google.com/identity/protocols/oauth2/service-account,
 * "Making the access token request"): POST `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT`, the
 * JWT signed RS256 by a key the emulator made, `aud` the token_uri. A good assertion earns a bearer token for an hour;
 * a bad signature, an unknown account, a wrong audience or an expired assertion is Google's `invalid_grant` answer.
 * `serviceAccountKey()` is the key file (its token_uri pointing here) a template's credentials_json or the vault holds.
 */
import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GoogleReply, GoogleRequest } from './wire';

export interface ServiceAccount {
  email: string;
  keyId: string;
  privateKey: string;
  publicKey: string;
}

export class OAuth {
  private readonly accounts = new Map<string, ServiceAccount>();
  private readonly tokens = new Map<string, { email: string; expiresAt: number }>();

  constructor(private readonly tokenUri: () => string) {}

  /** A service account of `project` whose key the token endpoint accepts. */
  addServiceAccount(project: string, name = 'packer'): ServiceAccount {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const account = { email: `${name}@${project}.iam.gserviceaccount.com`, keyId: randomBytes(20).toString('hex'), privateKey, publicKey };
    this.accounts.set(account.email, account);
    return account;
  }

  /** The JSON key file Google would let one download for the account. */
  keyFile(account: ServiceAccount, project: string): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: project,
      private_key_id: account.keyId,
      private_key: account.privateKey,
      client_email: account.email,
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: this.tokenUri(),
      universe_domain: 'googleapis.com',
    });
  }

  /** Whom a request's bearer token belongs to, or undefined. */
  caller(authorization: string): string | undefined {
    const token = /^Bearer (.+)$/.exec(authorization)?.[1];
    const t = token ? this.tokens.get(token) : undefined;
    return t && t.expiresAt > Date.now() ? t.email : undefined;
  }

  /** A bearer token of `email`, as the metadata server hands an instance's service account one. */
  issue(email: string): string {
    const token = `ya29.emulator-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { email, expiresAt: Date.now() + 3_600_000 });
    return token;
  }

  handleToken(r: GoogleRequest): GoogleReply {
    const form = new URLSearchParams(r.rawBody);
    const refuse = (description: string): GoogleReply => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + (form.get('grant_type') ?? '') } };
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    const [header, claims, signature] = parts as [string, string, string];
    let c: { iss?: string; aud?: string; exp?: number; iat?: number; scope?: string };
    try {
      c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as typeof c;
    } catch {
      return refuse('Invalid JWT: could not decode claims.');
    }
    const account = this.accounts.get(c.iss ?? '');
    if (!account) return refuse('Invalid grant: account not found');
    const verified = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(account.publicKey, Buffer.from(signature, 'base64url'));
    if (!verified) return refuse('Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (c.aud !== this.tokenUri()) return refuse(`Invalid JWT: Failed audience check. The right audience is ${this.tokenUri()}`);
    if (!c.exp || !c.iat || c.exp < now || c.iat > now + 300 || c.exp - c.iat > 3600) return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    if (!c.scope) return { status: 400, body: { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' } };
    return { status: 200, body: { access_token: this.issue(account.email), expires_in: 3599, token_type: 'Bearer' } };
  }
}

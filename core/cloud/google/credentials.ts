/**
 * The credentials a googlecompute build uses, in the plugin's order (lib/common/auth.go and driver_gce.go's
 * NewClientOptionGoogle): the template's access_token, account_file (a path, or the JSON itself when it starts with `{`),
 * credentials_file or credentials_json — a credential bound from the vault arrives as one of these fields, written into
 * the build's config (core/credentials/inject.ts) — then Application Default Credentials. impersonate_service_account
 * makes the chosen credentials act as that account (IAM Credentials generateAccessToken, through google-auth-library).
 * A service account key goes through the project's own JWT-bearer exchange (token.ts), fed to google-auth-library's
 * OAuth2Client as its refreshHandler, so the key's token_uri is honoured; every other kind of ADC is
 * google-auth-library's own. Each source is named in errors.
 */
import { readFileSync } from 'node:fs';
import type { AuthClient, OAuth2Client } from 'google-auth-library';
import { err, ok, type Result } from '../../common/result';
import { exchangeServiceAccountKey, parseServiceAccountKey, type ServiceAccountKey } from './token';

export interface GoogleAuthSettings {
  accessToken: string;
  /** account_file, credentials_file and credentials_json, resolved to the key's JSON (or '' when none is given). */
  credentialsJson: string;
  /** Which field gave credentialsJson, for errors. */
  credentialsFrom: string;
  impersonateServiceAccount: string;
  scopes: string[];
}

export interface GoogleCredentials {
  client: AuthClient;
  /** Where they came from, in the user's words. */
  from: string;
  /** The project the key file names, when it does. */
  keyProject?: string;
}

/**
 * account_file, credentials_file, credentials_json as the plugin's Authentication.Prepare reads them: account_file is a
 * path unless it starts with `{`. A file that cannot be read is an error of that field.
 */
export function readCredentialFields(get: (name: string) => string, cwd: (p: string) => string): Result<{ json: string; from: string }, string[]> {
  const accountFile = get('account_file');
  const credentialsFile = get('credentials_file');
  const credentialsJson = get('credentials_json');
  if (credentialsJson !== '') return ok({ json: credentialsJson, from: 'credentials_json' });
  if (accountFile.trim().startsWith('{')) return ok({ json: accountFile, from: 'account_file' });
  const file = accountFile || credentialsFile;
  if (file === '') return ok({ json: '', from: '' });
  const field = accountFile ? 'account_file' : 'credentials_file';
  try {
    return ok({ json: readFileSync(cwd(file), 'utf8'), from: `${field} ${file}` });
  } catch (e) {
    return err([`${field}: failed to read credentials from file: ${(e as Error).message}`]);
  }
}

/** Makes the AuthClient for the build and fetches a first token, so wrong credentials fail at once with their source named. */
export async function googleCredentials(settings: GoogleAuthSettings, env: Record<string, string | undefined>, signal: AbortSignal): Promise<Result<GoogleCredentials>> {
  const gal = await import('google-auth-library');
  let base: GoogleCredentials;
  if (settings.accessToken !== '') {
    const client = new gal.OAuth2Client();
    client.setCredentials({ access_token: settings.accessToken });
    base = { client, from: 'access_token' };
  } else if (settings.credentialsJson !== '') {
    const made = await fromKeyJson(gal.OAuth2Client, settings.credentialsJson, settings.credentialsFrom, settings.scopes, signal);
    if (!made.ok) return made;
    base = made.value;
  } else {
    const adcFile = env.GOOGLE_APPLICATION_CREDENTIALS;
    let made: Result<GoogleCredentials> | undefined;
    if (adcFile) {
      let text: string;
      try {
        text = readFileSync(adcFile, 'utf8');
      } catch (e) {
        return err(`GOOGLE_APPLICATION_CREDENTIALS: cannot read ${adcFile}: ${(e as Error).message}`);
      }
      // A service account key in ADC goes through the same exchange as the template's; other kinds are the library's.
      if ((JSON.parse(text) as { type?: string }).type === 'service_account') made = await fromKeyJson(gal.OAuth2Client, text, `GOOGLE_APPLICATION_CREDENTIALS ${adcFile}`, settings.scopes, signal);
    }
    if (!made) {
      try {
        const auth = new gal.GoogleAuth({ scopes: settings.scopes });
        made = ok({ client: await auth.getClient(), from: 'Application Default Credentials' });
      } catch (e) {
        return err(`no credentials: the template gives none (account_file, credentials_file, credentials_json, access_token, or a google credential bound from the vault) and Application Default Credentials found none: ${(e as Error).message}`);
      }
    }
    if (!made.ok) return made;
    base = made.value;
  }
  if (settings.impersonateServiceAccount !== '') {
    const client = new gal.Impersonated({ sourceClient: base.client, targetPrincipal: settings.impersonateServiceAccount, targetScopes: settings.scopes, lifetime: 3600 });
    base = { ...base, client, from: `${base.from}, impersonating ${settings.impersonateServiceAccount}` };
  }
  try {
    await base.client.getAccessToken();
  } catch (e) {
    return err(`cannot get an access token from ${base.from}: ${(e as Error).message}`);
  }
  return ok(base);
}

async function fromKeyJson(OAuth2: typeof OAuth2Client, json: string, from: string, scopes: string[], signal: AbortSignal): Promise<Result<GoogleCredentials>> {
  const key = parseServiceAccountKey(json);
  if (!key.ok) return err(`${from}: ${key.error}`);
  if (key.value.type && key.value.type !== 'service_account') {
    return err(`${from}: a "${key.value.type}" credentials file is not supported by Bakehouse's googlecompute yet; give a service account key or an access_token`);
  }
  const first = await exchangeServiceAccountKey(key.value, scopes, signal);
  if (!first.ok) return err(`${from}: ${first.error}`);
  const client = keyClient(OAuth2, key.value, scopes, first.value);
  return ok({ client, from: `${from} (service account ${String(key.value.client_email)})`, ...(key.value.project_id ? { keyProject: key.value.project_id } : {}) });
}

/** An OAuth2Client whose tokens come from the key's exchange: the first one given, later ones fetched when it expires. */
function keyClient(OAuth2: typeof OAuth2Client, key: ServiceAccountKey, scopes: string[], first: { token: string; expiresAt: number }): OAuth2Client {
  const client = new OAuth2();
  client.refreshHandler = async () => {
    const next = await exchangeServiceAccountKey(key, scopes, AbortSignal.timeout(60_000));
    if (!next.ok) throw new Error(next.error);
    return { access_token: next.value.token, expiry_date: next.value.expiresAt };
  };
  client.setCredentials({ access_token: first.token, expiry_date: first.expiresAt });
  return client;
}

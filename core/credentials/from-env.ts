/**
 * CI mode (`BAKEHOUSE_CREDENTIALS_FROM_ENV=1`): no vault file at all. Credentials are what the environment variables each
 * SDK already reads say, one per kind found, named after its kind; nothing can be added, edited or removed. A kind whose
 * tools read no variables (docker: ~/.docker/config.json; ssh; secret: PKR_VAR_* for sensitive variables) has none here.
 */
import { readFileSync } from 'node:fs';
import type { CredentialKind } from '../common/credentials';
import type { CredentialFields } from './schema';
import { checkCredentialFields } from './schema';
import type { Credential } from './vault';

export function credentialsFromEnvWanted(env: Record<string, string | undefined>): boolean {
  return env.BAKEHOUSE_CREDENTIALS_FROM_ENV === '1' || env.BAKEHOUSE_CREDENTIALS_FROM_ENV === 'true';
}

/** Each field and the variable its SDK reads it from (AWS SDK, @azure/identity's EnvironmentCredential, Google's ADC). */
const ENV_FIELDS: ReadonlyArray<{ kind: CredentialKind; fields: Record<string, string> }> = [
  { kind: 'amazon', fields: { access_key: 'AWS_ACCESS_KEY_ID', secret_key: 'AWS_SECRET_ACCESS_KEY', token: 'AWS_SESSION_TOKEN', profile: 'AWS_PROFILE' } },
  {
    kind: 'azure',
    fields: {
      tenant_id: 'AZURE_TENANT_ID',
      client_id: 'AZURE_CLIENT_ID',
      client_secret: 'AZURE_CLIENT_SECRET',
      client_cert_path: 'AZURE_CLIENT_CERTIFICATE_PATH',
      client_cert_password: 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
      subscription_id: 'AZURE_SUBSCRIPTION_ID',
    },
  },
  { kind: 'google', fields: { account_file: 'GOOGLE_APPLICATION_CREDENTIALS', access_token: 'GOOGLE_OAUTH_ACCESS_TOKEN' } },
];

/** The credentials the environment holds; a kind whose variables do not make a complete credential is left out. */
export function credentialsFromEnv(env: Record<string, string | undefined>): Credential[] {
  const out: Credential[] = [];
  for (const { kind, fields } of ENV_FIELDS) {
    const value: CredentialFields = {};
    for (const [field, variable] of Object.entries(fields)) {
      const v = env[variable];
      if (!v) continue;
      // GOOGLE_APPLICATION_CREDENTIALS names the key file; the credential holds its contents.
      if (field === 'account_file') {
        try {
          value[field] = readFileSync(v, 'utf8');
        } catch {
          continue;
        }
      } else {
        value[field] = v;
      }
    }
    // AWS_PROFILE beside keys: the SDK prefers the keys, so the profile is left out rather than mixing two ways.
    if (kind === 'amazon' && value.access_key !== undefined) delete value.profile;
    if (Object.keys(value).length === 0) continue;
    const checked = checkCredentialFields(kind, value);
    if (checked.ok) out.push({ name: kind, kind, fields: checked.value });
  }
  return out;
}

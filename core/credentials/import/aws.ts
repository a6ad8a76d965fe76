/**
 * ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE; PATH is the folder holding
 * both). A profile with keys becomes an amazon credential with those keys; a profile the SDK resolves itself (SSO,
 * assume-role, credential_process, web identity) becomes a reference, `profile = NAME`, resolved at build time by the
 * SDK's own chain. Config sections that are not profiles (`sso-session`, `services`) are not credentials.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from '../../common/result';
import type { CredentialFields } from '../schema';
import { importName, type ImportFindings, type ImportedCredential } from './candidate';
import { parseIni } from './ini';

const RESOLVED_BY_SDK = ['sso_session', 'sso_start_url', 'role_arn', 'credential_process', 'web_identity_token_file', 'login_session'];

export function importAws(path: string | undefined, env: Record<string, string | undefined>): Result<ImportFindings, string> {
  const dir = path ?? join(env.HOME || homedir(), '.aws');
  const credentialsFile = path ? join(dir, 'credentials') : env.AWS_SHARED_CREDENTIALS_FILE || join(dir, 'credentials');
  const configFile = path ? join(dir, 'config') : env.AWS_CONFIG_FILE || join(dir, 'config');
  if (!existsSync(credentialsFile) && !existsSync(configFile)) return err(`neither ${credentialsFile} nor ${configFile} exists: there is no AWS profile to import`);
  const read = (file: string) => (existsSync(file) ? parseIni(readFileSync(file, 'utf8')) : new Map<string, Record<string, string>>());
  const credentials = read(credentialsFile);
  const config = new Map<string, Record<string, string>>();
  for (const [section, values] of read(configFile)) {
    // The config file names profiles `[profile NAME]`, except `[default]`.
    const profile = section === 'default' ? 'default' : /^profile\s+(.+)$/.exec(section)?.[1];
    if (profile !== undefined) config.set(profile.trim(), values);
  }
  const found: ImportedCredential[] = [];
  const skipped: string[] = [];
  for (const profile of new Set([...credentials.keys(), ...config.keys()])) {
    const keys = credentials.get(profile) ?? {};
    const settings = config.get(profile) ?? {};
    const where = credentials.has(profile) ? credentialsFile : configFile;
    const accessKey = keys.aws_access_key_id ?? settings.aws_access_key_id;
    const secretKey = keys.aws_secret_access_key ?? settings.aws_secret_access_key;
    const resolvedBySdk = RESOLVED_BY_SDK.find((k) => settings[k] !== undefined || keys[k] !== undefined);
    let fields: CredentialFields;
    let how: string;
    if (accessKey && secretKey && !resolvedBySdk) {
      const token = keys.aws_session_token ?? settings.aws_session_token;
      fields = { access_key: accessKey, secret_key: secretKey, ...(token ? { token } : {}) };
      how = token ? 'keys and session token' : 'keys';
    } else if (resolvedBySdk) {
      fields = { profile };
      how = `a reference to the profile (${resolvedBySdk.startsWith('sso') ? 'SSO' : resolvedBySdk}), resolved by the AWS SDK at build time`;
    } else {
      skipped.push(`profile ${profile} of ${where}: it has no keys and nothing the SDK resolves (only settings such as the region)`);
      continue;
    }
    found.push({ name: importName(profile === 'default' ? 'aws-default' : profile), kind: 'amazon', fields, origin: `profile ${profile} of ${where}: ${how}` });
  }
  return ok({ found, skipped });
}

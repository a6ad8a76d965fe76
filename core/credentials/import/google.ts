/** A service account's JSON key file (PATH, required): a google credential holding the file's contents. */
import { readFileSync } from 'node:fs';
import { err, ok, type Result } from '../../common/result';
import { importName, type ImportFindings } from './candidate';

export function importGoogle(path: string | undefined): Result<ImportFindings, string> {
  if (!path) return err("import google takes the service account's JSON key file: bakehouse credentials import google KEY.json");
  let text: string;
  let key: { type?: string; client_email?: string; private_key?: string; token_uri?: string };
  try {
    text = readFileSync(path, 'utf8');
    key = JSON.parse(text) as typeof key;
  } catch (e) {
    return err(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not a JSON key file: ${(e as Error).message}`}`);
  }
  if (key.type !== 'service_account' || !key.client_email || !key.private_key) {
    return err(`${path}: not a service account's key file (it needs "type": "service_account", "client_email" and "private_key")`);
  }
  return ok({ found: [{ name: importName(key.client_email.split('@')[0]), kind: 'google', fields: { account_file: text }, origin: `${path}: service account ${key.client_email}` }], skipped: [] });
}

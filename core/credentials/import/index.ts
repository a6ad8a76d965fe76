/**
 * `bakehouse credentials import aws|docker|azure|google [PATH]` and the app's Import: reads the files each tool writes
 * and turns what it finds into credentials to add. Keys become keys; what the tool resolves itself (an AWS SSO or
 * assume-role profile, a Docker credential helper) becomes a reference the SDK or the helper resolves at build time.
 * Nothing is written here: the caller adds the candidates to the vault (and may rename or skip them).
 */
import { CREDENTIAL_IMPORT_SOURCES, type CredentialImportSource } from '../../common/credentials';
import { err, type Result } from '../../common/result';
import { checkCredentialFields } from '../schema';
import { importAws } from './aws';
import { importAzure } from './azure';
import type { ImportedCredential, ImportFindings } from './candidate';
import { importDocker } from './docker';
import { importGoogle } from './google';

export { importName, type ImportedCredential, type ImportFindings } from './candidate';

// The list is declared once in core/common, where the contract and the app's Import select read it too.
export { CREDENTIAL_IMPORT_SOURCES, type CredentialImportSource };

export type ImportReader = (path: string | undefined, env: Record<string, string | undefined>) => Result<ImportFindings, string>;

const READERS: Record<CredentialImportSource, ImportReader> = { aws: importAws, docker: importDocker, azure: importAzure, google: importGoogle };

export function isCredentialImportSource(text: unknown): text is CredentialImportSource {
  return (CREDENTIAL_IMPORT_SOURCES as readonly unknown[]).includes(text);
}

/** Reads `source`'s files (PATH, or where the tool keeps them by default); every candidate is a valid credential. */
export function importCredentials(source: CredentialImportSource, path: string | undefined, env: Record<string, string | undefined>): Result<ImportFindings, string> {
  if (!isCredentialImportSource(source)) return err(`"${String(source)}" cannot be imported: choose one of ${CREDENTIAL_IMPORT_SOURCES.join(', ')}`);
  const read = READERS[source](path, env);
  if (!read.ok) return read;
  const found: ImportedCredential[] = [];
  const skipped = [...read.value.skipped];
  for (const c of read.value.found) {
    const checked = checkCredentialFields(c.kind, c.fields);
    if (!checked.ok) skipped.push(`${c.origin}: ${checked.error.join('; ')}`);
    else found.push({ ...c, fields: checked.value });
  }
  return { ok: true, value: { found, skipped } };
}

/** What an importer finds: credentials to add, named after what the tool calls them, and what it passed over. */
import type { CredentialKind } from '../../common/credentials';
import type { CredentialFields } from '../schema';
import { checkName } from '../vault';

export interface ImportedCredential {
  name: string;
  kind: CredentialKind;
  fields: CredentialFields;
  /** Where it came from and how it is kept, in a few words ("profile work of ~/.aws/credentials: keys"). */
  origin: string;
}

/** What was found (checked against the kind's schema) and what was passed over, with why. */
export interface ImportFindings {
  found: ImportedCredential[];
  skipped: string[];
}

/** A credential name made of what a tool calls the thing: characters a name cannot have become "-". */
export function importName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'imported';
  return checkName(name) ? 'imported' : name;
}

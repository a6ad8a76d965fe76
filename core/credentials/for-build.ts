/**
 * The credentials a build command binds, read when the build starts: from the vault (its key from the OS keyring or
 * BAKEHOUSE_VAULT_PASSPHRASE; a build never stops to ask), or in CI mode from the environment. Each name is read once.
 */
import { err, ok, type Result } from '../common/result';
import { withHelperLogin } from './docker-helper';
import { credentialsFromEnv, credentialsFromEnvWanted } from './from-env';
import { Vault, type Credential } from './vault';

export async function readCredentials(names: readonly string[], env: Record<string, string | undefined>): Promise<Result<Map<string, Credential>, string>> {
  const out = new Map<string, Credential>();
  if (names.length === 0) return ok(out);
  const fromEnv = credentialsFromEnvWanted(env) ? credentialsFromEnv(env) : undefined;
  const vault = fromEnv ? undefined : Vault.forEnv(env);
  for (const name of new Set(names)) {
    if (fromEnv) {
      const found = fromEnv.find((c) => c.name === name);
      if (!found) return err(`BAKEHOUSE_CREDENTIALS_FROM_ENV=1: the environment holds no complete "${name}" credential (names are kinds: amazon, azure, google)`);
      out.set(name, found);
      continue;
    }
    const found = await vault!.get(name);
    if (!found.ok) return found;
    // A docker credential kept by a credential helper is asked for its login now, so the build and its masker see it.
    const resolved = await withHelperLogin(found.value, env);
    if (!resolved.ok) return resolved;
    out.set(name, resolved.value);
  }
  return ok(out);
}

/**
 * A child process for the vault tests: prints `{"credential": …}` for the named credential of the vault of its
 * environment, or `{"error": …}`, and with `--key-from-keyring ACCOUNT` what the OS keyring holds for that account.
 */
import { keyringGet } from '../../core/credentials/keyring';
import { Vault } from '../../core/credentials/vault';

async function main(): Promise<void> {
  const [what, arg] = process.argv.slice(2);
  if (what === '--key-from-keyring') {
    process.stdout.write(`${JSON.stringify(await keyringGet(arg))}\n`);
    return;
  }
  const got = await Vault.forEnv(process.env).get(what);
  process.stdout.write(`${JSON.stringify(got.ok ? { credential: got.value } : { error: got.error })}\n`);
}

void main();

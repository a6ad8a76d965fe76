/**
 * A child process for concurrency.test.ts: adds `count` secret credentials named `<prefix>-<n>` to the vault of its
 * environment, one write each, and exits 1 at the first failure.
 */
import { Vault } from '../../core/credentials/vault';

async function main(): Promise<void> {
  const [prefix, count] = process.argv.slice(2);
  const vault = Vault.forEnv(process.env);
  for (let i = 0; i < Number(count); i++) {
    const added = await vault.add('secret', `${prefix}-${i}`, { value: `value-of-${prefix}-${i}` });
    if (!added.ok) {
      process.stderr.write(`${added.error}\n`);
      process.exit(1);
    }
  }
}

void main();

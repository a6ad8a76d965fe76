/**
 * Two writers at once lose nothing: two real processes add 50 credentials each to one vault, interleaving their writes
 * under the vault's lock, and all 100 are there and open afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vault } from '../../core/credentials/vault';
import { TSX_LOADER } from '../support/tsx';

function addMany(env: Record<string, string>, prefix: string, count: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(__dirname, 'add-many.ts'), prefix, String(count)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

test('2 processes adding 50 credentials each end with 100', { timeout: 180_000 }, async () => {
  const env = { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-vault-')), BAKEHOUSE_VAULT_PASSPHRASE: 'two writers' };
  // The vault exists first, so both children only unlock it (each derives the key once, outside the lock).
  assert.equal((await Vault.forEnv(env).add('secret', 'first', { value: 'v' })).ok, true);
  const results = await Promise.all([addMany(env, 'a', 50), addMany(env, 'b', 50)]);
  assert.deepEqual(results, [{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);

  const vault = Vault.forEnv(env);
  const list = vault.list();
  assert.ok(list.ok);
  const names = list.value.map((c) => c.name).sort();
  const expected = ['first', ...['a', 'b'].flatMap((p) => Array.from({ length: 50 }, (_, i) => `${p}-${i}`))].sort();
  assert.deepEqual(names, expected);
  assert.deepEqual(await vault.get('a-49'), { ok: true, value: { name: 'a-49', kind: 'secret', fields: { value: 'value-of-a-49' } } });
  assert.deepEqual(await vault.get('b-0'), { ok: true, value: { name: 'b-0', kind: 'secret', fields: { value: 'value-of-b-0' } } });
  // No lock file or temporary file is left behind.
  assert.deepEqual(readdirSync(env.BAKEHOUSE_DATA_DIR).sort(), ['credentials.vault', 'credentials.vault.bak']);
});

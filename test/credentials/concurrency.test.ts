/**
 * Two writers at once lose nothing: two real processes add 50 credentials each to one vault, interleaving their writes
 * under the vault's lock, and all 100 are there and open afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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

test('a lock left by a process that is gone is broken; a live one is waited for, then named', async () => {
  const { acquireLock } = await import('../../core/credentials/lock');
  const { hostname } = await import('node:os');
  const { writeFileSync, existsSync } = await import('node:fs');
  const vault = join(mkdtempSync(join(tmpdir(), 'bakehouse-vault-lock-')), 'credentials.vault');
  // A pid far above pid_max's default is no process on this host.
  writeFileSync(`${vault}.lock`, JSON.stringify({ pid: 4_000_000, host: hostname(), at: '2026-01-01T00:00:00.000Z' }));
  const taken = await acquireLock(vault, 1000);
  assert.ok(taken.ok);
  const held = JSON.parse(readFileSync(`${vault}.lock`, 'utf8')) as { pid: number; host: string; at: string };
  assert.equal(held.pid, process.pid);

  const second = await acquireLock(vault, 300);
  assert.deepEqual(second, {
    ok: false,
    error: `${vault}.lock: the vault is locked by process ${process.pid} on ${hostname()} since ${held.at}; if no Bakehouse is running, remove this file`,
  });
  taken.value.release();
  assert.equal(existsSync(`${vault}.lock`), false);
  const third = await acquireLock(vault, 300);
  assert.ok(third.ok);
  third.value.release();
});

/**
 * The vault on its passphrase path, as users meet it: what is kept comes back, the file and its backup hold no secret in
 * any encoding, and a wrong passphrase, a file cut short or a flipped bit each give an error naming the file while not
 * one byte changes. The OS keyring path is in keyring.test.ts, two writers at once in concurrency.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsFromEnv } from '../../core/credentials/from-env';
import { Vault, vaultPath } from '../../core/credentials/vault';
import { secretForms } from '../../core/engine/mask';

const PASSPHRASE = 'correct horse battery staple';
const SECRETS = {
  access_key: 'AKIAVAULTTEST7Q2X9ZPL',
  secret_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYvault-test',
  value: 'db-password-3f9c1e77a0b24d5e',
  login_password: 'registry-token-51be0d2c8e',
};

function tempEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-vault-')), BAKEHOUSE_VAULT_PASSPHRASE: PASSPHRASE, ...extra };
}

/** Every form a secret could be found in: the masker's (clear, base64 and its variants, quoted, URL-encoded) and hex. */
function leaks(bytes: Buffer, secret: string): string[] {
  const text = bytes.toString('latin1');
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  return [...secretForms(secret), hex, hex.toUpperCase()].filter((form) => text.includes(form));
}

/** The data folder's files and their bytes, to show that nothing changed. */
function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name)).toString('base64')]));
}

async function vaultWithEntries(env: Record<string, string>): Promise<Vault> {
  const vault = Vault.forEnv(env);
  assert.deepEqual(await vault.add('amazon', 'prod', { access_key: SECRETS.access_key, secret_key: SECRETS.secret_key }), {
    ok: true,
    value: { name: 'prod', kind: 'amazon', fields: ['access_key', 'secret_key'], lastTest: null, usedBy: [] },
  });
  assert.equal((await vault.add('secret', 'db', { value: SECRETS.value })).ok, true);
  assert.equal((await vault.add('docker', 'registry', { login_server: 'registry.example.test', login_username: 'ci', login_password: SECRETS.login_password })).ok, true);
  return vault;
}

test('what is added comes back from a fresh process’s view of the vault; edit keeps what it is not given; remove removes', async () => {
  const env = tempEnv();
  const vault = await vaultWithEntries(env);
  const reopened = Vault.forEnv(env);
  assert.deepEqual(await reopened.get('prod'), { ok: true, value: { name: 'prod', kind: 'amazon', fields: { access_key: SECRETS.access_key, secret_key: SECRETS.secret_key } } });
  assert.deepEqual(
    reopened.list(),
    {
      ok: true,
      value: [
        { name: 'prod', kind: 'amazon', fields: ['access_key', 'secret_key'], lastTest: null, usedBy: [] },
        { name: 'db', kind: 'secret', fields: ['value'], lastTest: null, usedBy: [] },
        { name: 'registry', kind: 'docker', fields: ['login_password', 'login_server', 'login_username'], lastTest: null, usedBy: [] },
      ],
    },
  );

  assert.equal((await vault.edit('prod', { token: 'session-token-abc' })).ok, true);
  assert.deepEqual(await Vault.forEnv(env).get('prod'), {
    ok: true,
    value: { name: 'prod', kind: 'amazon', fields: { access_key: SECRETS.access_key, secret_key: SECRETS.secret_key, token: 'session-token-abc' } },
  });
  // Switching ways needs the old way's fields removed (null) in the same change.
  assert.deepEqual(await vault.edit('prod', { profile: 'sso-dev' }), {
    ok: false,
    error: 'profile: cannot be set together with access_key: amazon takes access_key and secret_key (and optionally token); or profile',
  });
  assert.equal((await vault.edit('prod', { profile: 'sso-dev', access_key: null, secret_key: null, token: null })).ok, true);
  assert.deepEqual(await vault.get('prod'), { ok: true, value: { name: 'prod', kind: 'amazon', fields: { profile: 'sso-dev' } } });

  assert.deepEqual(await vault.add('secret', 'db', { value: 'other' }), { ok: false, error: `a credential named "db" already exists in ${vault.path}: edit it or remove it first` });
  assert.deepEqual(await vault.remove('db'), { ok: true, value: undefined });
  assert.deepEqual(await vault.remove('db'), { ok: false, error: `no credential named "db" in ${vault.path}` });
  const names = vault.list();
  assert.deepEqual(names.ok && names.value.map((c) => c.name), ['prod', 'registry']);
  assert.deepEqual(await vault.add('secret', 'has space', { value: 'x' }), {
    ok: false,
    error: '"has space" is not a credential name: use letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)',
  });
});

test('the vault file and its backup hold no secret in clear, base64 or hex, and only their owner may read them', async () => {
  // A data folder that does not exist yet is made for its owner only.
  const env = tempEnv();
  env.BAKEHOUSE_DATA_DIR = join(env.BAKEHOUSE_DATA_DIR, 'data');
  const vault = await vaultWithEntries(env);
  // One more write, so the backup holds a version with every secret above too.
  assert.equal((await vault.add('secret', 'last', { value: 'the-last-secret-9a7d' })).ok, true);
  const dir = env.BAKEHOUSE_DATA_DIR;
  assert.deepEqual(readdirSync(dir).sort(), ['credentials.vault', 'credentials.vault.bak']);
  for (const file of ['credentials.vault', 'credentials.vault.bak']) {
    const bytes = readFileSync(join(dir, file));
    for (const secret of [...Object.values(SECRETS), PASSPHRASE]) assert.deepEqual(leaks(bytes, secret), [], `${file} leaks ${secret}`);
    // Names, kinds and field names are readable, as the issue allows.
    assert.match(bytes.toString('utf8'), /"name": "prod",\n {3}"kind": "amazon"/);
  }
  assert.equal(readFileSync(join(dir, 'credentials.vault.bak')).includes('the-last-secret'), false);
  const { statSync } = await import('node:fs');
  assert.equal(statSync(join(dir, 'credentials.vault')).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o077, 0);
});

test('a wrong passphrase, a file cut short and a flipped bit each give an error naming the file, and change no byte', async () => {
  const env = tempEnv();
  await vaultWithEntries(env);
  const dir = env.BAKEHOUSE_DATA_DIR;
  const path = vaultPath(env);

  const before = snapshot(dir);
  const wrong = Vault.forEnv({ ...env, BAKEHOUSE_VAULT_PASSPHRASE: 'not the passphrase' });
  const expected = { ok: false, error: `${path}: wrong passphrase for the credential vault; nothing was changed` };
  assert.deepEqual(await wrong.get('prod'), expected);
  assert.deepEqual(await wrong.add('secret', 'new', { value: 'x' }), expected);
  assert.deepEqual(await wrong.remove('db'), expected);
  assert.deepEqual(await wrong.edit('db', { value: 'y' }), expected);
  assert.deepEqual(snapshot(dir), before);

  const good = readFileSync(path);
  writeFileSync(path, good.subarray(0, good.length - 100));
  const cut = snapshot(dir);
  const cutError = `${path}: the credential vault is damaged (the file is cut short: ${good.length - 100 - good.indexOf(0x0a) - 1} of ${good.length - good.indexOf(0x0a) - 1} bytes after the header); nothing was changed. The previous version is ${path}.bak`;
  const vault = Vault.forEnv(env);
  assert.deepEqual(vault.list(), { ok: false, error: cutError });
  assert.deepEqual(await vault.add('secret', 'new', { value: 'x' }), { ok: false, error: cutError });
  assert.deepEqual(await vault.get('db'), { ok: false, error: cutError });
  assert.deepEqual(snapshot(dir), cut);
  writeFileSync(path, good.subarray(0, 20));
  assert.deepEqual(Vault.forEnv(env).list(), { ok: false, error: `${path}: the credential vault is damaged (the file is cut short inside its header); nothing was changed. The previous version is ${path}.bak` });

  // A flipped bit anywhere: in the header, in a name, in a ciphertext, in the wrapped key.
  for (const at of [30, good.indexOf('"prod"') + 2, good.indexOf('"data"', good.indexOf('"entries"')) + 12, good.indexOf('"wrapped"') + 30]) {
    const flipped = Buffer.from(good);
    flipped[at] ^= 0x04;
    writeFileSync(path, flipped);
    const state = snapshot(dir);
    const v = Vault.forEnv(env);
    const list = v.list();
    assert.equal(list.ok, false, `bit flipped at ${at}`);
    assert.ok(!list.ok && list.error.startsWith(`${path}: `), !list.ok ? list.error : '');
    assert.match(!list.ok ? list.error : '', /damaged|not a Bakehouse credential vault/);
    assert.equal((await v.add('secret', 'new', { value: 'x' })).ok, false);
    assert.equal((await v.remove('db')).ok, false);
    assert.deepEqual(snapshot(dir), state, `bit flipped at ${at}: files changed`);
  }
  writeFileSync(path, good);
  assert.equal((await Vault.forEnv(env).get('db')).ok, true);
});

test('an entry moved under another name does not open: names and kinds are authenticated with the sealed fields', async () => {
  const env = tempEnv();
  await vaultWithEntries(env);
  const path = vaultPath(env);
  const bytes = readFileSync(path);
  const eol = bytes.indexOf(0x0a);
  const body = JSON.parse(bytes.subarray(eol + 1).toString('utf8')) as { entries: Array<{ name: string; kind: string; fields: string[] }> };
  // Someone with write access swaps the names of two entries and rewrites a valid checksum: the damage is found on opening.
  const [prod, db] = body.entries;
  [prod.name, db.name] = [db.name, prod.name];
  const { encodeVault } = await import('../../core/credentials/vault-file');
  writeFileSync(path, encodeVault(body as never));
  const before = snapshot(env.BAKEHOUSE_DATA_DIR);
  const vault = Vault.forEnv(env);
  assert.deepEqual(await vault.get('db'), {
    ok: false,
    error: `${path}: the credential "db" does not open with the vault's key: it was changed outside Bakehouse (the previous version is ${path}.bak)`,
  });
  assert.equal((await vault.edit('prod', { value: 'x' })).ok, false);
  assert.deepEqual(snapshot(env.BAKEHOUSE_DATA_DIR), before);
});

test('without a keyring or a passphrase no vault is made, and the error says what to do', async () => {
  const env = { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-vault-')), BAKEHOUSE_VAULT_KEYRING: '0' };
  const vault = Vault.forEnv(env);
  assert.deepEqual(await vault.add('secret', 'x', { value: 'v' }), {
    ok: false,
    error: `${vault.path}: cannot create the credential vault: the OS keyring is turned off (BAKEHOUSE_VAULT_KEYRING=0), and no passphrase was given: set BAKEHOUSE_VAULT_PASSPHRASE, or run on a terminal to be asked for one`,
  });
  assert.deepEqual(readdirSync(env.BAKEHOUSE_DATA_DIR), []);
});

test('BAKEHOUSE_CREDENTIALS_FROM_ENV: the credentials are what the SDKs’ variables say', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vault-'));
  writeFileSync(join(dir, 'sa.json'), '{"type":"service_account","client_email":"b@p.iam.example"}');
  assert.deepEqual(
    credentialsFromEnv({
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 'sk',
      AWS_PROFILE: 'ignored-beside-keys',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'sa.json'),
    }),
    [
      { name: 'amazon', kind: 'amazon', fields: { access_key: 'AKIA1', secret_key: 'sk' } },
      { name: 'google', kind: 'google', fields: { account_file: '{"type":"service_account","client_email":"b@p.iam.example"}' } },
    ],
  );
  assert.deepEqual(credentialsFromEnv({}), []);
});

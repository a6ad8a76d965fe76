/**
 * The OS keyring path, for real: Debian's gnome-keyring is a real Secret Service. Each session is a private D-Bus session
 * bus (`dbus-run-session`) with gnome-keyring-daemon unlocking a login keyring in a temporary HOME, and the vault is used
 * by the built CLI and by other Node processes, as the CLI and the app would use it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretForms } from '../../core/engine/mask';
import { BIN } from '../cli/run-cli';
import { TSX_LOADER } from '../support/tsx';

const TOOLS = ['/usr/bin/dbus-run-session', '/usr/bin/gnome-keyring-daemon'];
const missing = TOOLS.filter((t) => !existsSync(t));
// CI installs them (.ci/run); a developer's machine without them skips, CI fails.
const skip = missing.length > 0 && !process.env.CI ? `${missing.join(' and ')} missing (apt-get install gnome-keyring dbus-daemon)` : false;

const KEYRING_PASSWORD = 'login-keyring-password';
const ACCESS_KEY = 'AKIAKEYRINGTEST4F7Q';
const SECRET_KEY = 'keyring/Secret+Key-0c4e9d2b7a61f583';
const REPO = join(__dirname, '..', '..');

interface Step {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs each command (a shell line) in one D-Bus session whose keyring is unlocked, and returns what each printed. The
 * environment has no BAKEHOUSE_VAULT_PASSPHRASE: the key can only come from the keyring.
 */
function inKeyringSession(home: string, dataDir: string, commands: Array<{ line: string; input?: string }>): Step[] {
  const script = [
    'set -u',
    // A login keyring is made (first time) or unlocked with the password on standard input, as PAM does at login.
    `printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null`,
    ...commands.map((c, i) => `${c.line} <"$OUT/in-${i}" >"$OUT/out-${i}" 2>"$OUT/err-${i}"; echo $? >"$OUT/code-${i}"`),
  ].join('\n');
  return runSession(script, home, dataDir, commands, true);
}

function runSession(script: string, home: string, dataDir: string, commands: Array<{ line: string; input?: string }>, dbus: boolean): Step[] {
  const out = mkdtempSync(join(tmpdir(), 'bakehouse-keyring-out-'));
  commands.forEach((c, i) => writeFileSync(join(out, `in-${i}`), c.input ?? ''));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: home,
    BAKEHOUSE_DATA_DIR: dataDir,
    KEYRING_PASSWORD,
    OUT: out,
    BAKEHOUSE: `${process.execPath} ${BIN}`,
    GET: `${process.execPath} --import ${TSX_LOADER} ${join(__dirname, 'get-credential.ts')}`,
    NO_COLOR: '1',
  };
  const argv = dbus ? ['dbus-run-session', '--', 'sh', '-c', script] : ['sh', '-c', script];
  const r = spawnSync(argv[0], argv.slice(1), { env, cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `session failed: ${r.stderr}`);
  return commands.map((_, i) => ({
    code: Number(readFileSync(join(out, `code-${i}`), 'utf8')),
    stdout: readFileSync(join(out, `out-${i}`), 'utf8'),
    stderr: readFileSync(join(out, `err-${i}`), 'utf8'),
  }));
}

test('the vault key lives in the Secret Service: no passphrase, it survives a new session, and another user’s keyring cannot open it', { skip, timeout: 300_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'bakehouse-keyring-home-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'bakehouse-keyring-data-'));
  const vaultFile = join(dataDir, 'credentials.vault');
  const credential = { name: 'prod', kind: 'amazon', fields: { access_key: ACCESS_KEY, secret_key: SECRET_KEY } };

  const [add, list, get] = inKeyringSession(home, dataDir, [
    { line: '$BAKEHOUSE credentials add amazon prod', input: JSON.stringify({ access_key: ACCESS_KEY, secret_key: SECRET_KEY }) },
    { line: '$BAKEHOUSE credentials list -json' },
    { line: '$GET prod' },
  ]);
  assert.deepEqual(add, { code: 0, stdout: `Credential "prod" (amazon) saved in ${vaultFile}\n`, stderr: '' });
  assert.deepEqual(JSON.parse(list.stdout), [{ name: 'prod', kind: 'amazon', fields: ['access_key', 'secret_key'], lastTest: null, usedBy: [] }]);
  assert.deepEqual(JSON.parse(get.stdout), { credential });

  const body = readFileSync(vaultFile, 'utf8');
  const account = /"account": "([^"]+)"/.exec(body)?.[1];
  assert.match(body, /"source": "keyring",\n {2}"service": "bakehouse-credentials"/);
  assert.ok(account);

  // A new session on the same HOME: the login keyring is on disk, unlocked again, and holds the key.
  const [again, key] = inKeyringSession(home, dataDir, [{ line: '$GET prod' }, { line: `$GET --key-from-keyring ${account}` }]);
  assert.deepEqual(JSON.parse(again.stdout), { credential });
  const stored = JSON.parse(key.stdout) as { ok: boolean; value: string };
  assert.equal(stored.ok, true);
  assert.equal(Buffer.from(stored.value, 'base64').length, 32);
  // Neither the key (in any encoding) nor a secret is in the vault file.
  const hexKey = Buffer.from(stored.value, 'base64').toString('hex');
  for (const secret of [ACCESS_KEY, SECRET_KEY]) for (const form of [...secretForms(secret), Buffer.from(secret).toString('hex')]) assert.equal(body.includes(form), false, form);
  for (const form of [stored.value, hexKey, hexKey.toUpperCase()]) assert.equal(body.includes(form), false, 'the data key is in the vault file');

  // Another user's keyring (a fresh HOME) has no such key: a clear error, nothing changed.
  const before = readFileSync(vaultFile);
  const [foreign, foreignAdd] = inKeyringSession(mkdtempSync(join(tmpdir(), 'bakehouse-keyring-home-')), dataDir, [
    { line: '$GET prod' },
    { line: '$BAKEHOUSE credentials add secret x', input: '{"value":"v"}' },
  ]);
  const notThere = `${vaultFile}: the vault's key is not in the OS keyring (service "bakehouse-credentials", account "${account}"): the vault was made by another user or on another machine, or the keyring entry was removed`;
  assert.deepEqual(JSON.parse(foreign.stdout), { error: notThere });
  assert.deepEqual(foreignAdd, { code: 1, stdout: '', stderr: `Error: ${notThere}\n` });
  assert.deepEqual(readFileSync(vaultFile), before);

  // No Secret Service at all (no session bus): the list needs no key; opening says why the keyring failed.
  const [plainList, plainGet] = runSession(
    ['$BAKEHOUSE credentials list >"$OUT/out-0" 2>"$OUT/err-0" </dev/null; echo $? >"$OUT/code-0"', '$GET prod >"$OUT/out-1" 2>"$OUT/err-1" </dev/null; echo $? >"$OUT/code-1"'].join('\n'),
    home,
    dataDir,
    [{ line: '' }, { line: '' }],
    false,
  );
  assert.deepEqual(plainList, { code: 0, stdout: 'NAME  KIND    FIELDS\nprod  amazon  access_key, secret_key\n', stderr: '' });
  assert.match(JSON.parse(plainGet.stdout).error, new RegExp(`^${vaultFile.replace(/[.]/g, '\\.')}: the vault's key is kept in the OS keyring, but no OS keyring is reachable: `));
});

test('where no keyring is reachable a new vault needs a passphrase, and takes one', { skip, timeout: 120_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'bakehouse-keyring-home-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'bakehouse-keyring-data-'));
  const [refused, withPassphrase, list] = runSession(
    [
      '$BAKEHOUSE credentials add secret db <"$OUT/in-0" >"$OUT/out-0" 2>"$OUT/err-0"; echo $? >"$OUT/code-0"',
      'BAKEHOUSE_VAULT_PASSPHRASE=pw $BAKEHOUSE credentials add secret db <"$OUT/in-1" >"$OUT/out-1" 2>"$OUT/err-1"; echo $? >"$OUT/code-1"',
      '$BAKEHOUSE credentials list -json <"$OUT/in-2" >"$OUT/out-2" 2>"$OUT/err-2"; echo $? >"$OUT/code-2"',
    ].join('\n'),
    home,
    dataDir,
    [{ line: '', input: '{"value":"v1"}' }, { line: '', input: '{"value":"v1"}' }, { line: '' }],
    false,
  );
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^Error: .*credentials\.vault: cannot create the credential vault: no OS keyring is reachable: .*, and no passphrase was given: set BAKEHOUSE_VAULT_PASSPHRASE, or run on a terminal to be asked for one\n$/s);
  assert.equal(withPassphrase.code, 0, withPassphrase.stderr);
  assert.match(readFileSync(join(dataDir, 'credentials.vault'), 'utf8'), /"source": "passphrase",\n {2}"kdf": "scrypt",\n {2}"N": 131072/);
  assert.deepEqual(JSON.parse(list.stdout), [{ name: 'db', kind: 'secret', fields: ['value'], lastTest: null, usedBy: [] }]);
});

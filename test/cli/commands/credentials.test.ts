/**
 * `bakehouse credentials` as users run it (the built CLI in child processes): fields as JSON on standard input, or asked
 * on a real terminal (a pseudo-terminal through util-linux's `script`) where secrets are not echoed; `list -json` in the
 * issue's shape; CI mode with no vault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vault } from '../../../core/credentials/vault';
import { shellQuote } from '../../../core/engine/mask';
import { BIN, runBakehouse } from '../run-cli';

function dataEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-cred-cli-')), BAKEHOUSE_VAULT_KEYRING: '0', ...extra };
}

test('add, list, edit and remove with the fields as JSON on standard input', () => {
  const env = dataEnv({ BAKEHOUSE_VAULT_PASSPHRASE: 'cli passphrase' });
  const vault = join(env.BAKEHOUSE_DATA_DIR, 'credentials.vault');
  assert.deepEqual(runBakehouse(['credentials', 'list'], { env }), { code: 0, stdout: 'No credentials. Add one with: bakehouse credentials add KIND NAME\n', stderr: '' });
  assert.deepEqual(runBakehouse(['credentials', 'add', 'amazon', 'prod'], { env, input: '{"access_key":"AKIACLI1","secret_key":"cli-secret-1"}' }), {
    code: 0,
    stdout: `Credential "prod" (amazon) saved in ${vault}\n`,
    stderr: '',
  });
  assert.equal(runBakehouse(['credentials', 'add', 'docker', 'hub'], { env, input: '{"login_username":"me","login_password":"hub-token"}' }).code, 0);
  assert.deepEqual(JSON.parse(runBakehouse(['credentials', 'list', '--json'], { env }).stdout), [
    { name: 'prod', kind: 'amazon', fields: ['access_key', 'secret_key'], lastTest: null, usedBy: [] },
    { name: 'hub', kind: 'docker', fields: ['login_password', 'login_username'], lastTest: null, usedBy: [] },
  ]);
  assert.equal(runBakehouse(['credentials', 'list'], { env }).stdout, 'NAME  KIND    FIELDS\nprod  amazon  access_key, secret_key\nhub   docker  login_password, login_username\n');

  // Problems name the field; nothing is written.
  assert.deepEqual(runBakehouse(['credentials', 'add', 'azure', 'sp'], { env, input: '{"tenant_id":"t","client_id":"c","client_secret":"s","subscription_id":"x","region":"y"}' }), {
    code: 1,
    stdout: '',
    stderr: 'Error: region: not a field of azure credentials (it takes tenant_id, client_id, client_secret, client_cert_path, client_cert_password, subscription_id, use_azure_cli_auth)\n',
  });
  assert.deepEqual(runBakehouse(['credentials', 'add', 'google', 'gcp'], { env, input: '{"account_file":"not json"}' }), {
    code: 1,
    stdout: '',
    stderr: 'Error: account_file: must be the JSON key file of a service account\n',
  });
  assert.deepEqual(runBakehouse(['credentials', 'add', 'cloud', 'x'], { env, input: '{}' }), {
    code: 1,
    stdout: '',
    stderr: 'Error: "cloud" is not a kind of credential: choose one of amazon, azure, google, docker, ssh, secret\n',
  });
  assert.deepEqual(runBakehouse(['credentials', 'add', 'secret', 'x'], { env, input: '{"value": ' }).stderr.split(':').slice(0, 3).join(':'), 'Error: standard input: not JSON');
  assert.deepEqual(runBakehouse(['credentials', 'add', 'secret', 'x'], { env }), {
    code: 1,
    stdout: '',
    stderr: 'Error: no fields given: on a terminal they are asked for; otherwise give them as one JSON object on standard input\n',
  });

  assert.deepEqual(runBakehouse(['credentials', 'edit', 'hub'], { env, input: '{"login_server":"registry.example.test"}' }), {
    code: 0,
    stdout: `Credential "hub" (docker) saved in ${vault}\n`,
    stderr: '',
  });
  assert.deepEqual(runBakehouse(['credentials', 'remove', 'prod'], { env }), { code: 0, stdout: `Credential "prod" removed from ${vault}\n`, stderr: '' });
  assert.deepEqual(JSON.parse(runBakehouse(['credentials', 'list', '-json'], { env }).stdout), [
    { name: 'hub', kind: 'docker', fields: ['login_password', 'login_server', 'login_username'], lastTest: null, usedBy: [] },
  ]);
  assert.equal(runBakehouse(['credentials', 'remove'], { env }).stderr, 'Error: credentials remove takes bakehouse credentials remove NAME\n');
});

test('BAKEHOUSE_CREDENTIALS_FROM_ENV=1: no vault file; list shows what the environment holds; changes are refused', () => {
  const env = dataEnv({ BAKEHOUSE_CREDENTIALS_FROM_ENV: '1', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
  assert.deepEqual(JSON.parse(runBakehouse(['credentials', 'list', '-json'], { env }).stdout), [
    { name: 'amazon', kind: 'amazon', fields: ['access_key', 'secret_key'], lastTest: null, usedBy: [] },
  ]);
  assert.deepEqual(runBakehouse(['credentials', 'add', 'secret', 'x'], { env, input: '{"value":"v"}' }), {
    code: 1,
    stdout: '',
    stderr: 'Error: BAKEHOUSE_CREDENTIALS_FROM_ENV=1: credentials come from the environment, and there is no vault to change\n',
  });
  assert.deepEqual(readdirSync(env.BAKEHOUSE_DATA_DIR), []);
});

/**
 * Runs the CLI on a pseudo-terminal and answers each question when it appears (typing before the program turns echo
 * off would let the terminal itself echo). Resolves with everything the terminal showed.
 */
function onTerminal(args: string[], env: Record<string, string>, dialogue: Array<[string, string]>): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env, TERM: 'dumb', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  let seenUpTo = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    while (next < dialogue.length) {
      const at = screen.indexOf(dialogue[next][0], seenUpTo);
      if (at < 0) break;
      seenUpTo = at + dialogue[next][0].length;
      child.stdin.write(`${dialogue[next][1]}\r`);
      next++;
    }
  });
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, screen });
    }),
  );
}

const hasScript = existsSync('/usr/bin/script');

test('on a terminal each field is asked for, secrets and passphrases are not echoed, and Enter keeps a field when editing', { skip: !hasScript && 'util-linux script is missing', timeout: 120_000 }, async () => {
  const env = dataEnv();
  const keyFile = join(env.BAKEHOUSE_DATA_DIR, '..', `${Date.now()}-id_ed25519`);
  writeFileSync(keyFile, '-----BEGIN OPENSSH PRIVATE KEY-----\nkey-material-7c1d\n-----END OPENSSH PRIVATE KEY-----\n');

  const created = await onTerminal(['credentials', 'add', 'amazon', 'prod'], env, [
    ['Which (1-2) [1]: ', '1'],
    ['access_key: ', 'AKIATYPED9'],
    ['secret_key: ', 'typed-secret-key-2b'],
    ['token (optional): ', ''],
    ['assume_role.role_arn (optional): ', 'arn:aws:iam::123456789012:role/builder'],
    ['assume_role.session_name (optional): ', 'bakehouse'],
    ['assume_role.external_id (optional): ', ''],
    ['assume_role.duration_seconds (optional): ', '900'],
    ['assume_role.policy (optional): ', ''],
    // The vault is made once the fields are known: with no keyring, a passphrase protects it.
    ['New passphrase: ', 'typed-passphrase-1'],
    ['The same passphrase again: ', 'typed-passphrase-1'],
  ]);
  assert.equal(created.code, 0, created.screen);
  assert.match(created.screen, /A credential of kind amazon is one of:\r\n {2}1\) access_key and secret_key \(and optionally token\)\r\n {2}2\) profile\r\n/);
  // What is not secret is echoed as typed; secrets and the passphrase never are.
  assert.match(created.screen, /assume_role\.role_arn \(optional\): arn:aws:iam::123456789012:role\/builder\r\n/);
  for (const secret of ['typed-passphrase-1', 'AKIATYPED9', 'typed-secret-key-2b']) assert.equal(created.screen.includes(secret), false, `${secret} was echoed`);
  assert.match(created.screen, /Credential "prod" \(amazon\) saved in /);

  const ssh = await onTerminal(['credentials', 'add', 'ssh', 'deploy'], env, [
    ['ssh_username: ', 'debian'],
    ['ssh_private_key: path of the file to read: ', keyFile],
    ['ssh_private_key_passphrase (optional): ', ''],
    ['Passphrase of the credential vault ', 'typed-passphrase-1'],
  ]);
  assert.equal(ssh.code, 0, ssh.screen);

  const edited = await onTerminal(['credentials', 'edit', 'prod'], env, [
    ['Passphrase of the credential vault ', 'typed-passphrase-1'],
    ['access_key (set; Enter keeps it): ', ''],
    ['secret_key (set; Enter keeps it): ', 'rotated-secret-key-3c'],
    ['token (optional): ', ''],
    ['assume_role.role_arn [arn:aws:iam::123456789012:role/builder]: ', ''],
    ['assume_role.session_name [bakehouse]: ', ''],
    ['assume_role.external_id (optional): ', ''],
    ['assume_role.duration_seconds [900]: ', ''],
    ['assume_role.policy (optional): ', ''],
  ]);
  assert.equal(edited.code, 0, edited.screen);
  assert.equal(edited.screen.includes('rotated-secret-key-3c'), false);

  const vault = Vault.forEnv({ ...env, BAKEHOUSE_VAULT_PASSPHRASE: 'typed-passphrase-1' });
  assert.deepEqual(await vault.get('prod'), {
    ok: true,
    value: {
      name: 'prod',
      kind: 'amazon',
      fields: {
        access_key: 'AKIATYPED9',
        secret_key: 'rotated-secret-key-3c',
        assume_role: { role_arn: 'arn:aws:iam::123456789012:role/builder', session_name: 'bakehouse', duration_seconds: 900 },
      },
    },
  });
  assert.deepEqual(await vault.get('deploy'), {
    ok: true,
    value: { name: 'deploy', kind: 'ssh', fields: { ssh_username: 'debian', ssh_private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nkey-material-7c1d\n-----END OPENSSH PRIVATE KEY-----\n' } },
  });
});

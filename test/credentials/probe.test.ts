/**
 * `credentials test` against real providers: moto's STS (checking signatures against its IAM), Debian's docker-registry
 * with htpasswd, a real sshd. Each works with the right credential and fails with the provider's reason otherwise; the
 * CLI exits 0 or 1 and keeps the outcome as lastTest.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCredential } from '../../core/credentials/probe';
import type { Credential } from '../../core/credentials/vault';
import { runBakehouse } from '../cli/run-cli';
import { startRegistry, type Registry } from '../support/registry';
import { ensureTestUser, makeKey, startSshd, TEST_USER, type Sshd } from '../support/sshd';
import { startMotoWithIam, type MotoIam } from './moto-iam';

let moto: MotoIam;
let registry: Registry;
let sshd: Sshd;
const REGISTRY_PASSWORD = 'reg-Pw-5e1f-probe';

before(async () => {
  ensureTestUser();
  [moto, registry, sshd] = await Promise.all([startMotoWithIam(), startRegistry('baker', REGISTRY_PASSWORD), startSshd()]);
});
after(async () => {
  await Promise.all([moto?.stop(), registry?.stop(), sshd?.stop()]);
});

const amazon = (fields: Credential['fields']): Credential => ({ name: 'prod', kind: 'amazon', fields });

test('amazon: GetCallerIdentity at AWS_ENDPOINT_URL works with the IAM key and gives the reason for a wrong one', async () => {
  const env = { AWS_ENDPOINT_URL: moto.endpoint, HOME: tmpdir() };
  const good = await testCredential(amazon({ access_key: moto.accessKey, secret_key: moto.secretKey }), { env });
  assert.equal(good.ok, true, good.message);
  assert.equal(good.message, 'AWS says this is arn:aws:iam::123456789012:user/baker (account 123456789012)');
  assert.ok(!Number.isNaN(Date.parse(good.at)));

  const wrongSecret = await testCredential(amazon({ access_key: moto.accessKey, secret_key: 'not-the-secret' }), { env });
  assert.equal(wrongSecret.ok, false);
  assert.match(wrongSecret.message, /^SignatureDoesNotMatch: The request signature we calculated does not match/);

  const unknown = await testCredential(amazon({ access_key: 'AKIAUNKNOWN000000000', secret_key: 'whatever-secret' }), { env });
  assert.equal(unknown.ok, false);
  assert.match(unknown.message, /^InvalidClientTokenId: The security token included in the request is invalid/);
});

test('amazon: a profile of ~/.aws is resolved by the SDK (fromIni), and assume_role is taken with it', async () => {
  const home = mkdtempSync(join(tmpdir(), 'bakehouse-probe-home-'));
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'credentials'), `[work]\naws_access_key_id = ${moto.accessKey}\naws_secret_access_key = ${moto.secretKey}\n`);
  const env = { AWS_ENDPOINT_URL: moto.endpoint, HOME: home };
  const byProfile = await testCredential(amazon({ profile: 'work' }), { env });
  assert.equal(byProfile.message, 'AWS says this is arn:aws:iam::123456789012:user/baker (account 123456789012)');

  const missing = await testCredential(amazon({ profile: 'nope' }), { env });
  assert.equal(missing.ok, false);
  assert.match(missing.message, /nope/);

  const role = await testCredential(amazon({ profile: 'work', assume_role: { role_arn: 'arn:aws:iam::123456789012:role/builder', session_name: 'bake' } }), { env });
  assert.equal(role.ok, true, role.message);
  assert.equal(role.message, 'AWS says this is arn:aws:sts::123456789012:assumed-role/builder/bake (account 123456789012)');
});

test('docker: the registry /v2/ with basic auth', async () => {
  const docker = (password: string): Credential => ({ name: 'reg', kind: 'docker', fields: { login_server: registry.address, login_username: 'baker', login_password: password } });
  const good = await testCredential(docker(REGISTRY_PASSWORD), { env: {} });
  assert.deepEqual({ ok: good.ok, message: good.message }, { ok: true, message: `http://${registry.address} accepted the login of baker` });
  const bad = await testCredential(docker('wrong-password'), { env: {} });
  assert.deepEqual({ ok: bad.ok, message: bad.message }, { ok: false, message: `http://${registry.address}/v2/ answered 401 Unauthorized: UNAUTHORIZED authentication required` });
});

test('ssh: logs in to the named host with the key; a key the host does not know is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-probe-ssh-'));
  const known = makeKey(dir, 'known');
  const stranger = makeKey(dir, 'stranger');
  sshd.authorize(known.publicKey);
  const ssh = (file: string): Credential => ({ name: 'box', kind: 'ssh', fields: { ssh_username: TEST_USER, ssh_private_key: readFileSync(file, 'utf8') } });
  const good = await testCredential(ssh(known.file), { env: {}, host: '127.0.0.1', port: sshd.port });
  assert.equal(good.ok, true, good.message);
  assert.match(good.message, new RegExp(`^logged in to 127\\.0\\.0\\.1:${sshd.port} as ${TEST_USER} \\(host key SHA256:[A-Za-z0-9+/]{43}\\)$`));
  const refused = await testCredential(ssh(stranger.file), { env: {}, host: '127.0.0.1', port: sshd.port });
  assert.deepEqual({ ok: refused.ok, message: refused.message }, { ok: false, message: `127.0.0.1:${sshd.port} refused the key for ${TEST_USER} (All configured authentication methods failed)` });
  const noHost = await testCredential(ssh(known.file), { env: {} });
  assert.equal(noHost.message, 'an ssh credential is tested by logging in to a host: name one with --host (and --port when not 22)');
});

test('bakehouse credentials test: exit 0 when it works, 1 with the reason; list -json shows lastTest', () => {
  const env = { BAKEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'bakehouse-probe-cli-')), BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'probe pass', AWS_ENDPOINT_URL: moto.endpoint };
  assert.equal(runBakehouse(['credentials', 'add', 'amazon', 'prod'], { env, input: JSON.stringify({ access_key: moto.accessKey, secret_key: moto.secretKey }) }).code, 0);
  assert.equal(runBakehouse(['credentials', 'add', 'amazon', 'stale'], { env, input: JSON.stringify({ access_key: moto.accessKey, secret_key: 'stale-secret-value' }) }).code, 0);
  assert.deepEqual(runBakehouse(['credentials', 'test', 'prod'], { env }), {
    code: 0,
    stdout: 'Credential "prod" (amazon) works: AWS says this is arn:aws:iam::123456789012:user/baker (account 123456789012)\n',
    stderr: '',
  });
  const failed = runBakehouse(['credentials', 'test', 'stale'], { env });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^Error: credential "stale" \(amazon\) does not work: SignatureDoesNotMatch: /);
  const list = JSON.parse(runBakehouse(['credentials', 'list', '-json'], { env }).stdout) as Array<{ name: string; lastTest: { at: string; ok: boolean; message: string } | null }>;
  assert.equal(list[0].lastTest?.ok, true);
  assert.equal(list[0].lastTest?.message, 'AWS says this is arn:aws:iam::123456789012:user/baker (account 123456789012)');
  assert.equal(list[1].lastTest?.ok, false);
  assert.match(list[1].lastTest?.message ?? '', /^SignatureDoesNotMatch/);
  // Editing a credential makes it a different one: its old test is dropped.
  assert.equal(runBakehouse(['credentials', 'edit', 'stale'], { env, input: JSON.stringify({ secret_key: moto.secretKey }) }).code, 0);
  assert.equal((JSON.parse(runBakehouse(['credentials', 'list', '-json'], { env }).stdout) as Array<{ lastTest: unknown }>)[1].lastTest, null);
  assert.equal(runBakehouse(['credentials', 'test', 'missing'], { env }).code, 1);
});

/**
 * A stub of Google's token endpoint, speaking its wire format (developers.google.com/identity/protocols/oauth2/
 * service-account, "Making the access token request"): it checks the grant type, the RS256 signature against the
 * service account's public key, and the claims, and answers with a token or Google's invalid_grant error.
 */
async function googleTokenStub(publicKey: KeyObject, email: string): Promise<{ uri: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const reply = (status: number, json: object) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return reply(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' });
      const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
      const valid = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(publicKey, Buffer.from(signature ?? '', 'base64url'));
      if (!valid) return reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { iss: string; aud: string; iat: number; exp: number; scope: string };
      if (c.iss !== email || c.aud !== uri || c.exp - c.iat !== 3600 || !c.scope) return reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT: claims' });
      reply(200, { access_token: 'ya29.stub-token', expires_in: 3599, token_type: 'Bearer' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const uri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/token`;
  return { uri, server };
}

test('google: the JWT-bearer exchange at the key file\'s token_uri works with the right key and gives Google\'s reason for a wrong one', async () => {
  const email = 'packer@bake-project.iam.gserviceaccount.com';
  const right = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stub = await googleTokenStub(right.publicKey, email);
  try {
    const google = (privateKey: KeyObject): Credential => ({
      name: 'gcp',
      kind: 'google',
      fields: { account_file: JSON.stringify({ type: 'service_account', client_email: email, private_key_id: 'k1', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: stub.uri }) },
    });
    const good = await testCredential(google(right.privateKey), { env: {} });
    assert.deepEqual({ ok: good.ok, message: good.message }, { ok: true, message: `${stub.uri} issued an access token to ${email}` });
    const bad = await testCredential(google(wrong.privateKey), { env: {} });
    assert.deepEqual({ ok: bad.ok, message: bad.message }, { ok: false, message: `${stub.uri} refused ${email}: invalid_grant: Invalid JWT Signature.` });
  } finally {
    stub.server.close();
  }
});

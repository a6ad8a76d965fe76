/**
 * `bakehouse credentials import` through the built CLI, reading the files each tool writes in a temporary HOME: AWS
 * profiles (keys, and SSO / assume-role profiles as references), Docker logins (and credential helpers as references,
 * asked for the login when the credential is tested), a service account's key, an `az ad sp create-for-rbac` output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vault } from '../../core/credentials/vault';
import { runBakehouse } from '../cli/run-cli';
import { startRegistry, type Registry } from '../support/registry';

const PASSWORD = 'reg-Pw-3a9e-import';
let registry: Registry;
before(async () => (registry = await startRegistry('baker', PASSWORD)));
after(async () => registry?.stop());

function home(): { home: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-import-'));
  const h = join(dir, 'home');
  mkdirSync(h);
  return { home: h, env: { HOME: h, BAKEHOUSE_DATA_DIR: join(dir, 'data'), BAKEHOUSE_VAULT_KEYRING: '0', BAKEHOUSE_VAULT_PASSPHRASE: 'import pass' } };
}

function stored(env: Record<string, string>) {
  return Vault.forEnv(env);
}

test('import aws: keys become keys, SSO and assume-role profiles references, a region-only profile is passed over', async () => {
  const { home: h, env } = home();
  mkdirSync(join(h, '.aws'));
  writeFileSync(
    join(h, '.aws', 'credentials'),
    '[default]\naws_access_key_id = AKIADEFAULT00000001\naws_secret_access_key = default-secret-1\n\n# a comment\n[work]\naws_access_key_id=AKIAWORK000000000002\naws_secret_access_key=work-secret-2\naws_session_token=work-token-2\n',
  );
  writeFileSync(
    join(h, '.aws', 'config'),
    [
      '[default]',
      'region = eu-west-1',
      '[profile sso-dev]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Builder',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = eu-west-1',
      '[profile deploy]',
      'role_arn = arn:aws:iam::111122223333:role/deploy',
      'source_profile = work',
      '[profile regiononly]',
      'region = us-east-2',
      '',
    ].join('\n'),
  );
  const r = runBakehouse(['credentials', 'import', 'aws'], { env });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  const vault = join(env.BAKEHOUSE_DATA_DIR, 'credentials.vault');
  assert.equal(
    r.stdout,
    [
      `Imported 4 credentials into ${vault}:`,
      `  aws-default (amazon): profile default of ${h}/.aws/credentials: keys`,
      `  work (amazon): profile work of ${h}/.aws/credentials: keys and session token`,
      `  sso-dev (amazon): profile sso-dev of ${h}/.aws/config: a reference to the profile (SSO), resolved by the AWS SDK at build time`,
      `  deploy (amazon): profile deploy of ${h}/.aws/config: a reference to the profile (role_arn), resolved by the AWS SDK at build time`,
      `  skipped profile regiononly of ${h}/.aws/config: it has no keys and nothing the SDK resolves (only settings such as the region)`,
      '',
    ].join('\n'),
  );
  const v = stored(env);
  assert.deepEqual((await v.get('work')).ok && (await v.get('work')), { ok: true, value: { name: 'work', kind: 'amazon', fields: { access_key: 'AKIAWORK000000000002', secret_key: 'work-secret-2', token: 'work-token-2' } } });
  assert.deepEqual(await v.get('sso-dev'), { ok: true, value: { name: 'sso-dev', kind: 'amazon', fields: { profile: 'sso-dev' } } });
  // Importing again adds nothing and says why.
  const again = runBakehouse(['credentials', 'import', 'aws'], { env });
  assert.match(again.stdout, /^Imported 0 credentials into .*\n {2}skipped aws-default: a credential of that name is already in the vault/);
});

test('import docker: auths become logins, a credential helper a reference that is asked when tested', () => {
  const { home: h, env } = home();
  mkdirSync(join(h, '.docker'));
  const bin = join(h, 'bin');
  mkdirSync(bin);
  // A credential helper speaking docker-credential-helpers' protocol: the server on stdin, the login as JSON.
  writeFileSync(
    join(bin, 'docker-credential-bhtest'),
    `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\n[ "$server" = "${registry.address}" ] || { echo "credentials not found in native keychain"; exit 1; }\nprintf '{"ServerURL":"%s","Username":"baker","Secret":"${PASSWORD}"}' "$server"\n`,
  );
  chmodSync(join(bin, 'docker-credential-bhtest'), 0o755);
  writeFileSync(
    join(h, '.docker', 'config.json'),
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub-token-9').toString('base64') },
        'ghcr.io': { identitytoken: 'refresh-token' },
        [registry.address]: {},
      },
      credHelpers: { [registry.address]: 'bhtest' },
    }),
  );
  const e = { ...env, PATH: `${bin}:${process.env.PATH}` };
  const r = runBakehouse(['credentials', 'import', 'docker'], { env: e });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      `Imported 2 credentials into ${join(env.BAKEHOUSE_DATA_DIR, 'credentials.vault')}:`,
      `  index.docker.io (docker): https://index.docker.io/v1/ in ${h}/.docker/config.json: login`,
      `  127.0.0.1-${registry.address.split(':')[1]} (docker): ${registry.address} in ${h}/.docker/config.json: a reference to the credential helper docker-credential-bhtest`,
      `  skipped ghcr.io in ${h}/.docker/config.json: an identity token (an OAuth refresh token), which Docker's login fields cannot carry`,
      '',
    ].join('\n'),
  );
  assert.ok(!r.stdout.includes('hub-token-9'));
  const name = `127.0.0.1-${registry.address.split(':')[1]}`;
  const list = JSON.parse(runBakehouse(['credentials', 'list', '-json'], { env: e }).stdout) as Array<{ name: string; fields: string[] }>;
  assert.deepEqual(list.find((c) => c.name === name)?.fields, ['credential_helper', 'login_server']);
  assert.deepEqual(runBakehouse(['credentials', 'test', name], { env: e }), {
    code: 0,
    stdout: `Credential "${name}" (docker) works: http://${registry.address} accepted the login of baker\n`,
    stderr: '',
  });
  // Without the helper on PATH the test says so.
  const missing = runBakehouse(['credentials', 'test', name], { env });
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `Error: credential "${name}" (docker) does not work: credential "${name}": docker-credential-bhtest is not installed (not on PATH)\n`);
});

test('import google: a service account key file; import azure: a create-for-rbac output with the CLI default subscription', async () => {
  const { home: h, env } = home();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = {
    type: 'service_account',
    project_id: 'bake-project',
    private_key_id: 'abc123',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'packer-builder@bake-project.iam.gserviceaccount.com',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  writeFileSync(join(h, 'key.json'), JSON.stringify(key, null, 2));
  const g = runBakehouse(['credentials', 'import', 'google', 'key.json'], { env, cwd: h });
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /\n {2}packer-builder \(google\): .*key\.json: service account packer-builder@bake-project\.iam\.gserviceaccount\.com\n$/);
  assert.ok(!g.stdout.includes('PRIVATE KEY'));
  const imported = await stored(env).get('packer-builder');
  assert.ok(imported.ok && JSON.parse(String(imported.value.fields.account_file)).client_email === key.client_email);

  assert.match(runBakehouse(['credentials', 'import', 'google', join(h, 'nope.json')], { env }).stderr, /nope\.json: no such file/);
  writeFileSync(join(h, 'sp.json'), JSON.stringify({ appId: '0000-app', displayName: 'azure-cli-2026-12-07', password: 'sp-Pass-77', tenant: '1111-tenant' }));
  assert.equal(
    runBakehouse(['credentials', 'import', 'azure', join(h, 'sp.json')], { env }).stderr,
    `Error: ${join(h, 'sp.json')} names no subscription, and neither AZURE_SUBSCRIPTION_ID nor the Azure CLI's default subscription (~/.azure/azureProfile.json) gives one: set AZURE_SUBSCRIPTION_ID\n`,
  );
  mkdirSync(join(h, '.azure'));
  writeFileSync(join(h, '.azure', 'azureProfile.json'), `\uFEFF${JSON.stringify({ subscriptions: [{ id: 'sub-other', isDefault: false }, { id: 'sub-default', isDefault: true }] })}`);
  const a = runBakehouse(['credentials', 'import', 'azure', join(h, 'sp.json')], { env });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout.split('\n')[1], `  azure-cli-2026-12-07 (azure): ${join(h, 'sp.json')}: service principal azure-cli-2026-12-07 in subscription sub-default`);
  assert.deepEqual(await stored(env).get('azure-cli-2026-12-07'), {
    ok: true,
    value: { name: 'azure-cli-2026-12-07', kind: 'azure', fields: { tenant_id: '1111-tenant', client_id: '0000-app', client_secret: 'sp-Pass-77', subscription_id: 'sub-default' } },
  });
});

/**
 * `credentials test` for azure through the built CLI, against a local HTTPS stub of the Microsoft identity platform and
 * Azure Resource Manager, speaking their wire formats: OpenID Connect discovery
 * (`/{tenant}/v2.0/.well-known/openid-configuration`), the OAuth 2.0 client credentials grant
 * (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow: POST /{tenant}/oauth2/v2.0/token with
 * client_id, client_secret, scope, grant_type=client_credentials; AADSTS errors as `error`/`error_description`), and
 * ARM's Subscriptions - Get (`GET /subscriptions/{id}?api-version=…`, errors as `{"error":{"code","message"}}`). The CLI
 * trusts the stub's self-signed certificate through NODE_EXTRA_CA_CERTS, as a user behind a private CA would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../cli/run-cli';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const CLIENT = '0a1b2c3d-0000-4000-8000-000000000002';
const SECRET = 'sp-Secret~7Qx-azure-probe';
const SUBSCRIPTION = '11111111-0000-4000-8000-000000000003';
const dir = mkdtempSync(join(tmpdir(), 'bakehouse-azure-stub-'));
let server: Server;
let base = '';

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString()));
    req.on('end', () => {
      const reply = (status: number, json: object) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = new URL(req.url ?? '/', base);
      if (req.method === 'GET' && url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
        return reply(200, {
          token_endpoint: `${base}/${TENANT}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/${TENANT}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/${TENANT}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/${TENANT}/discovery/v2.0/keys`,
          issuer: `${base}/${TENANT}/v2.0`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        });
      }
      if (req.method === 'POST' && url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== `${base}/.default`) return reply(400, { error: 'invalid_request', error_description: 'AADSTS900144: bad request' });
        if (form.get('client_id') !== CLIENT || form.get('client_secret') !== SECRET) {
          return reply(401, {
            error: 'invalid_client',
            error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${form.get('client_id')}'.`,
            error_codes: [7000215],
          });
        }
        return reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'stub-arm-token' });
      }
      if (req.method === 'GET' && url.pathname.startsWith('/subscriptions/') && url.searchParams.get('api-version')) {
        if (req.headers.authorization !== 'Bearer stub-arm-token') return reply(401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
        const id = decodeURIComponent(url.pathname.slice('/subscriptions/'.length));
        if (id !== SUBSCRIPTION) return reply(404, { error: { code: 'SubscriptionNotFound', message: `The subscription '${id}' could not be found.` } });
        return reply(200, { id: `/subscriptions/${id}`, subscriptionId: id, displayName: 'Bakehouse Test', state: 'Enabled' });
      }
      reply(404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => server?.close());

/** The CLI in a child process without blocking this one, which serves the stub. */
function bakehouse(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

test('azure: a client-credentials token from the authority and a GET of the subscription; the reason when either fails', async () => {
  const env = {
    BAKEHOUSE_DATA_DIR: join(dir, 'data'),
    BAKEHOUSE_VAULT_KEYRING: '0',
    BAKEHOUSE_VAULT_PASSPHRASE: 'azure pass',
    NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
    AZURE_AUTHORITY_HOST: base,
    AZURE_RESOURCE_MANAGER_ENDPOINT: base,
  };
  const add = async (name: string, fields: object) => assert.equal((await bakehouse(['credentials', 'add', 'azure', name], env, JSON.stringify(fields))).code, 0);
  await add('sp', { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET, subscription_id: SUBSCRIPTION });
  await add('wrong-secret', { tenant_id: TENANT, client_id: CLIENT, client_secret: 'not-the-secret', subscription_id: SUBSCRIPTION });
  await add('other-sub', { tenant_id: TENANT, client_id: CLIENT, client_secret: SECRET, subscription_id: 'ffffffff-0000-4000-8000-00000000ffff' });

  assert.deepEqual(await bakehouse(['credentials', 'test', 'sp'], env), {
    code: 0,
    stdout: `Credential "sp" (azure) works: ${CLIENT} has a token from ${base} and sees subscription ${SUBSCRIPTION} (Bakehouse Test, Enabled)\n`,
    stderr: '',
  });
  const wrong = await bakehouse(['credentials', 'test', 'wrong-secret'], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`^Error: credential "wrong-secret" \\(azure\\) does not work: ${base.replace(/\./g, '\\.')} refused ${CLIENT}: .*AADSTS7000215: Invalid client secret provided`));
  assert.ok(!wrong.stderr.includes('not-the-secret'));
  assert.deepEqual(await bakehouse(['credentials', 'test', 'other-sub'], env), {
    code: 1,
    stdout: '',
    stderr: `Error: credential "other-sub" (azure) does not work: ${CLIENT} has a token from ${base} but cannot read subscription ffffffff-0000-4000-8000-00000000ffff: SubscriptionNotFound: The subscription 'ffffffff-0000-4000-8000-00000000ffff' could not be found.\n`,
  });
});

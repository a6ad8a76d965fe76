/** Each kind's fields as the table gives them, and problems that name the field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDENTIAL_KINDS, type CredentialKind } from '../../core/common/credentials';
import { checkCredentialFields } from '../../core/credentials/schema';

const VALID: Record<CredentialKind, Array<Record<string, unknown>>> = {
  amazon: [
    { access_key: 'AKIA1', secret_key: 's' },
    { access_key: 'AKIA1', secret_key: 's', token: 't', assume_role: { role_arn: 'arn:aws:iam::1:role/r', duration_seconds: 900, tags: { team: 'x' } } },
    { profile: 'sso-dev' },
  ],
  azure: [
    { tenant_id: 't', client_id: 'c', client_secret: 's', subscription_id: 'x' },
    { tenant_id: 't', client_id: 'c', client_cert_path: '/k.pem', client_cert_password: 'p', subscription_id: 'x' },
    { use_azure_cli_auth: true },
    { use_azure_cli_auth: true, subscription_id: 'x' },
  ],
  google: [{ account_file: '{"type":"service_account"}' }, { access_token: 'ya29.x' }],
  docker: [{ login_username: 'u', login_password: 'p' }, { login_server: 'r.example', login_username: 'u', login_password: 'p' }],
  ssh: [{ ssh_username: 'debian', ssh_private_key: '-----BEGIN…' }, { ssh_username: 'debian', ssh_private_key: 'k', ssh_private_key_passphrase: 'pp' }],
  secret: [{ value: 'v' }],
};

test('every kind takes each of its ways', () => {
  assert.deepEqual(Object.keys(VALID), [...CREDENTIAL_KINDS]);
  for (const kind of CREDENTIAL_KINDS) for (const fields of VALID[kind]) assert.deepEqual(checkCredentialFields(kind, fields), { ok: true, value: fields }, `${kind} ${JSON.stringify(fields)}`);
});

test('problems name the field and say what the kind takes', () => {
  const problems = (kind: CredentialKind, value: unknown): string[] => {
    const r = checkCredentialFields(kind, value);
    return r.ok ? [] : r.error;
  };
  assert.deepEqual(problems('amazon', { access_key: 'a' }), ['secret_key: required: amazon takes access_key and secret_key (and optionally token)']);
  assert.deepEqual(problems('amazon', {}), ['access_key: required: amazon takes access_key and secret_key (and optionally token); or profile']);
  assert.deepEqual(problems('amazon', { profile: 'p', token: 't' }), ['token: cannot be set together with profile: amazon takes access_key and secret_key (and optionally token); or profile']);
  assert.deepEqual(problems('amazon', { profile: 'p', assume_role: { session_name: 's', bogus: 1 } }), [
    'assume_role.role_arn: required',
    'assume_role.bogus: not a field of the assume_role block (it takes role_arn, session_name, external_id, duration_seconds, policy, policy_arns, tags, transitive_tag_keys)',
  ]);
  assert.deepEqual(problems('amazon', { profile: 'p', assume_role: { role_arn: 'r', duration_seconds: 'long' } }), ['assume_role.duration_seconds: Invalid input: expected number, received string']);
  assert.deepEqual(problems('azure', { use_azure_cli_auth: false }), ['use_azure_cli_auth: must be true (leave it out to use a service principal)']);
  assert.deepEqual(problems('azure', { tenant_id: 't', client_id: 'c', client_secret: 's', client_cert_path: '/k', subscription_id: 'x' }), [
    'client_cert_path: cannot be set together with tenant_id: azure takes tenant_id, client_id, client_secret and subscription_id; or tenant_id, client_id, client_cert_path (and optionally client_cert_password) and subscription_id; or use_azure_cli_auth (and optionally subscription_id)',
  ]);
  assert.deepEqual(problems('google', { account_file: '[1]' }), ['account_file: must be the JSON key file of a service account']);
  assert.deepEqual(problems('docker', {}), ['login_username: required: docker takes login_username and login_password (and optionally login_server); or credential_helper and login_server']);
  assert.deepEqual(problems('docker', { credential_helper: 'pass' }), ['login_server: required: docker takes credential_helper and login_server']);
  assert.deepEqual(problems('docker', { credential_helper: 'pass', login_server: 'r.example', login_password: 'p' }), [
    'login_password: cannot be set together with login_server: docker takes login_username and login_password (and optionally login_server); or credential_helper and login_server',
  ]);
  assert.deepEqual(problems('secret', { value: 42 }), ['value: must be text']);
  assert.deepEqual(problems('secret', { value: '' }), ['value: must not be empty']);
  assert.deepEqual(problems('ssh', ['x']), ['the fields of a credential of kind ssh must be one JSON object']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDENTIAL_KIND_SPECS } from '../../core/common/credentials';
import { checkCredentialFields } from '../../core/credentials/schema';
import { collect, fieldPaths } from '../../renderer/credentials/credential-fields';

test('what the form collects is what the host accepts: each kind filled in its first way', () => {
  const typed: Record<string, Record<string, string>> = {
    amazon: { access_key: 'AKIAFORM7Q2X9ZPL', secret_key: ' spaced secret ', token: '' },
    azure: { tenant_id: 't', client_id: 'c', client_secret: 's', subscription_id: 'sub' },
    google: { account_file: '{"type": "service_account"}\n' },
    docker: { login_username: ' me ', login_password: 'pw' },
    ssh: { ssh_username: 'debian', ssh_private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n' },
    secret: { value: 'v' },
  };
  for (const [kind, draft] of Object.entries(typed) as Array<[keyof typeof CREDENTIAL_KIND_SPECS, Record<string, string>]>) {
    const fields = collect(CREDENTIAL_KIND_SPECS[kind].fields, draft);
    assert.ok(checkCredentialFields(kind, fields).ok, `${kind}: ${JSON.stringify(checkCredentialFields(kind, fields))}`);
  }
  // Text is trimmed, a secret is kept as typed, an empty field is left out (an edit keeps what it leaves out).
  assert.deepEqual(collect(CREDENTIAL_KIND_SPECS.amazon.fields, typed.amazon), { access_key: 'AKIAFORM7Q2X9ZPL', secret_key: ' spaced secret ' });
  assert.deepEqual(collect(CREDENTIAL_KIND_SPECS.docker.fields, typed.docker), { login_username: 'me', login_password: 'pw' });
});

test('blocks, numbers, lists and maps are typed as the host checks them', () => {
  const fields = collect(CREDENTIAL_KIND_SPECS.amazon.fields, {
    profile: 'dev',
    'assume_role.role_arn': 'arn:aws:iam::123456789012:role/build',
    'assume_role.duration_seconds': '900',
    'assume_role.policy_arns': 'arn:a, arn:b,',
    'assume_role.tags': 'team = images\nenv=prod\n\n',
  });
  assert.deepEqual(fields, {
    profile: 'dev',
    assume_role: { role_arn: 'arn:aws:iam::123456789012:role/build', duration_seconds: 900, policy_arns: ['arn:a', 'arn:b'], tags: { team: 'images', env: 'prod' } },
  });
  assert.ok(checkCredentialFields('amazon', fields).ok);
  assert.deepEqual(collect(CREDENTIAL_KIND_SPECS.azure.fields, { use_azure_cli_auth: 'true' }), { use_azure_cli_auth: true });
  assert.ok(fieldPaths(CREDENTIAL_KIND_SPECS.amazon.fields).includes('assume_role.role_arn'));
});

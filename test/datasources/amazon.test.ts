/**
 * amazon-ami, amazon-parameterstore and amazon-secretsmanager run for real against moto's server (test/support/moto.ts, seeded with two
 * Canonical AMIs of the same name pattern, from February and July 2019): as `build`, `inspect` and `console` load a
 * template, the data sources run before the sources are evaluated, so `source_ami` gets the AMI found.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readAccessSettings } from '../../core/cloud/aws/access';
import { awsClientSetup } from '../../core/cloud/aws/client';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigFields } from '../../core/engine/config-fields';
import { loadTemplateFilesRunningDataSources } from '../../core/template/load';
import type { LoadOptions, LoadResult } from '../../core/template/model';
import { formatValueHcl } from '../../core/template/values/format';
import { str } from '../../core/template/values/value';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../support/moto';
import { errors, modelOf, noErrors, ROOT, where } from '../template/packer/helpers';

let moto: Moto;
let env: Record<string, string>;

const CANONICAL = '099720109477';
const BIONIC = 'ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-*';

before(async () => {
  moto = await startMoto();
  env = { ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1' };
});

after(async () => {
  await moto?.stop();
});

const loadRunning = (text: string, opts: LoadOptions = {}): Promise<LoadResult> =>
  loadTemplateFilesRunningDataSources([{ filename: `${ROOT}/a.pkr.hcl`, text }], ROOT, { env, cwd: ROOT, ...opts });

const dataValue = (r: LoadResult, name: string): string => {
  const d = modelOf(r).dataSources.find((x) => x.name === name);
  assert.ok(d, `no data source ${name}`);
  return formatValueHcl(d.value);
};

const amiBlock = (name: string, extra: string): string =>
  `data "amazon-ami" "${name}" {\n  filters = {\n    name = "${BIONIC}"\n  }\n  owners = ["${CANONICAL}"]\n${extra}}\n`;

test('amazon-ami: most_recent picks the newest; its id feeds a source’s source_ami, evaluated after the data source', async () => {
  const r = await loadRunning(
    `${amiBlock('ubuntu', '  most_recent = true\n')}source "amazon-ebs" "x" {\n  region = "us-east-1"\n  source_ami = data.amazon-ami.ubuntu.id\n  instance_type = "t3.micro"\n  ssh_username = "ubuntu"\n  ami_name = "from-\${data.amazon-ami.ubuntu.name}"\n}\nbuild {\n  sources = ["source.amazon-ebs.x"]\n}\n`,
  );
  const model = noErrors(r);
  const source = model.sources[0].config.values;
  assert.deepEqual(source.source_ami, str('ami-0a1b2c3d4e5f60718'));
  assert.deepEqual(source.ami_name, str('from-ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-20190722.1'));
  const out = dataValue(r, 'ubuntu');
  assert.match(out, /"creation_date" = "2019-07-22T/);
  assert.match(out, /"owner" = "099720109477"/);
});

test('amazon-ami: two matches without most_recent, and no match, are Packer’s errors at the data block', async () => {
  const many = await loadRunning(`locals {\n  a = 1\n}\n${amiBlock('many', '')}`);
  assert.deepEqual(errors(many).map(where), [
    'Your query returned more than one result. Please try a more specific search, or set most_recent to true. @ a.pkr.hcl:4:1',
  ]);
  assert.equal(errors(many)[0].detail, 'The data source data.amazon-ami.many failed when it ran.');
  const none = await loadRunning(`data "amazon-ami" "none" {\n  filters = {\n    name = "no-such-image-*"\n  }\n  owners = ["${CANONICAL}"]\n}\n`);
  assert.equal(errors(none).length, 1);
  assert.match(where(errors(none)[0]), /^No AMI was found matching filters: .*no-such-image-\*.* @ a\.pkr\.hcl:1:1$/);
});

test('amazon-ami: validate without -evaluate-datasources leaves its output unknown', async () => {
  const r = await loadRunning(amiBlock('u', '  most_recent = true\n'), { dataSources: 'skip' });
  noErrors(r);
  assert.equal(dataValue(r, 'u'), '<unknown>');
});

test('amazon-parameterstore: a SecureString read with and without decryption; a missing one is Packer’s error', async () => {
  const setup = await awsClientSetup(readAccessSettings(new ConfigFields({ values: {}, ranges: {}, blocks: {} }, 'test')), env, 'ssm');
  assert.ok(setup.ok);
  const ssm = new SSMClient({ region: setup.value.region, ...setup.value.options });
  await ssm.send(new PutParameterCommand({ Name: '/bakehouse/db-password', Value: 's3cret', Type: 'SecureString' }));
  ssm.destroy();
  const r = await loadRunning(
    `data "amazon-parameterstore" "clear" {\n  name = "/bakehouse/db-password"\n  with_decryption = true\n}\ndata "amazon-parameterstore" "raw" {\n  name = "/bakehouse/db-password"\n}\nlocals {\n  password = data.amazon-parameterstore.clear.value\n}\n`,
  );
  noErrors(r);
  const clear = dataValue(r, 'clear');
  assert.match(clear, /"value" = "s3cret"/);
  assert.match(clear, /"version" = "1"/);
  assert.match(clear, /"arn" = "arn:aws:ssm:us-east-1:\d+:parameter\/bakehouse\/db-password"/);
  assert.doesNotMatch(dataValue(r, 'raw'), /"value" = "s3cret"/);
  const missing = await loadRunning(`data "amazon-parameterstore" "m" {\n  name = "/nope"\n}\n`);
  assert.deepEqual(errors(missing).map(where), ['The parameter name "/nope" not found @ a.pkr.hcl:1:1']);
});

async function secretsManager(): Promise<SecretsManagerClient> {
  const setup = await awsClientSetup(readAccessSettings(new ConfigFields({ values: {}, ranges: {}, blocks: {} }, 'test')), env, 'secrets-manager');
  assert.ok(setup.ok);
  return new SecretsManagerClient({ region: setup.value.region, ...setup.value.options });
}

const secretBlock = (name: string, body: string): string => `data "amazon-secretsmanager" "${name}" {\n${body}}\n`;

test('amazon-secretsmanager: plain text, a JSON key, the first value, a version by id and by stage; the secret is sensitive', async () => {
  const sm = await secretsManager();
  await sm.send(new CreateSecretCommand({ Name: 'bakehouse/plain', SecretString: 'hunter2-plain' }));
  const first = await sm.send(new CreateSecretCommand({ Name: 'bakehouse/db', SecretString: '{"password":"s3cret-db","port":5432}' }));
  const second = await sm.send(new PutSecretValueCommand({ SecretId: 'bakehouse/db', SecretString: '{"password":"rotated-db","port":5433}' }));
  sm.destroy();
  const r = await loadRunning(
    secretBlock('plain', '  name = "bakehouse/plain"\n') +
      secretBlock('password', '  name = "bakehouse/db"\n  key = "password"\n') +
      secretBlock('port', '  name = "bakehouse/db"\n  key = "port"\n') +
      secretBlock('first', '  name = "bakehouse/db"\n') +
      secretBlock('absent', '  name = "bakehouse/db"\n  key = "user"\n') +
      secretBlock('by_id', `  name = "bakehouse/db"\n  key = "password"\n  version_id = "${first.VersionId}"\n`) +
      secretBlock('previous', '  name = "bakehouse/db"\n  key = "password"\n  version_stage = "AWSPREVIOUS"\n') +
      'locals {\n  dsn = "postgres://app:${data.amazon-secretsmanager.password.value}@db"\n}\n',
  );
  const model = noErrors(r);
  const attr = (name: string, field: string): string => {
    const v = model.dataSources.find((d) => d.name === name)?.value;
    assert.ok(v?.kind === 'object', `no data source ${name}`);
    const a = v.attrs[field];
    assert.ok(a?.kind === 'string', `${name}.${field}`);
    return a.value;
  };
  assert.equal(attr('plain', 'value'), 'hunter2-plain');
  assert.equal(attr('plain', 'secret_string'), 'hunter2-plain');
  assert.equal(attr('password', 'value'), 'rotated-db');
  assert.equal(attr('password', 'version_id'), second.VersionId);
  assert.equal(attr('port', 'value'), '5433');
  assert.equal(attr('first', 'value'), 'rotated-db');
  assert.equal(attr('absent', 'value'), '');
  assert.equal(attr('by_id', 'value'), 's3cret-db');
  assert.equal(attr('by_id', 'version_id'), first.VersionId);
  assert.equal(attr('previous', 'value'), 's3cret-db');
  // The secret's outputs are marked sensitive, and so is what is computed from them; every event masks them.
  const password = model.dataSources.find((d) => d.name === 'password')!.value;
  assert.ok(password.kind === 'object' && password.attrs.value.sensitive && password.attrs.secret_string.sensitive && !password.attrs.version_id.sensitive);
  assert.equal(model.locals.find((l) => l.name === 'dsn')?.value.sensitive, true);
  for (const secret of ['hunter2-plain', 'rotated-db', 's3cret-db']) assert.ok(model.sensitiveStrings.includes(secret), secret);
  assert.ok(!model.sensitiveStrings.includes(second.VersionId ?? ''), 'a version id is not a secret');
});

test('amazon-secretsmanager: a binary secret, and the plugin’s errors for a missing secret, a missing version and a JSON value it cannot read', async () => {
  const sm = await secretsManager();
  await sm.send(new CreateSecretCommand({ Name: 'bakehouse/blob', SecretBinary: Buffer.from('binary-bytes') }));
  await sm.send(new CreateSecretCommand({ Name: 'bakehouse/flags', SecretString: '{"enabled":true}' }));
  sm.destroy();
  const blob = await loadRunning(secretBlock('b', '  name = "bakehouse/blob"\n'));
  const out = noErrors(blob).dataSources[0].value;
  assert.ok(out.kind === 'object' && out.attrs.secret_binary.kind === 'string');
  assert.equal(out.attrs.secret_binary.value, 'binary-bytes');
  const missing = await loadRunning(secretBlock('m', '  name = "bakehouse/nope"\n'));
  assert.deepEqual(errors(missing).map(where), ['Secrets Manager Secret "bakehouse/nope" Version "AWSCURRENT" not found @ a.pkr.hcl:1:1']);
  const stage = await loadRunning(secretBlock('s', '  name = "bakehouse/flags"\n  version_stage = "NO-SUCH-STAGE"\n'));
  assert.deepEqual(errors(stage).map(where), ['Secrets Manager Secret "bakehouse/flags" Version "NO-SUCH-STAGE" not found @ a.pkr.hcl:1:1']);
  const bool = await loadRunning(secretBlock('f', '  name = "bakehouse/flags"\n  key = "enabled"\n'));
  assert.deepEqual(errors(bool).map(where), ['error to get secret value: "Unsupported secret value type: bool" @ a.pkr.hcl:1:1']);
});

/**
 * amazon-ami and amazon-parameterstore run for real against moto's server (test/support/moto.ts, seeded with two
 * Canonical AMIs of the same name pattern, from February and July 2019): as `build`, `inspect` and `console` load a
 * template, the data sources run before the sources are evaluated, so `source_ami` gets the AMI found.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readAccessSettings } from '../../core/cloud/aws/access';
import { awsClientSetup } from '../../core/cloud/aws/client';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
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

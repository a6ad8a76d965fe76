/**
 * source_ami_filter finds its AMI as the amazon-ami data source does (core/cloud/aws/ami-filter.ts): against moto's two
 * seeded Canonical AMIs of one name pattern, a filter without most_recent stops the build in Packer's words before any
 * instance is launched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../../support/moto';
import { seedTemplate, startBuild, templateFolder } from './harness';

let moto: Moto;

before(async () => {
  moto = await startMoto();
});

after(async () => {
  await moto?.stop();
});

test('a source_ami_filter matching two AMIs without most_recent stops the build before launching anything', async () => {
  const filter = { filters: { name: 'ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-*' }, owners: ['099720109477'] };
  const run = startBuild(templateFolder(seedTemplate(moto, 22, { source_ami: undefined, source_ami_filter: filter })));
  assert.equal(await run.exited, 1, run.output());
  assert.match(run.output(), /Your query returned more than one result\. Please try a more specific search, or set most_recent to true\./);
  assert.doesNotMatch(run.output(), /Launching a source AWS instance/);
});

test('source_ami = "" beside a filter uses the filter, as Packer does (a variable defaulting to "" is no AMI)', async () => {
  const filter = { filters: { name: 'ubuntu/images/hvm-ssd/ubuntu-bionic-18.04-amd64-server-*' }, owners: ['099720109477'] };
  const run = startBuild(templateFolder(seedTemplate(moto, 22, { source_ami: '', source_ami_filter: filter })));
  assert.equal(await run.exited, 1, run.output());
  assert.match(run.output(), /Your query returned more than one result/);
  assert.doesNotMatch(run.output(), /InvalidAMIID|source_ami/);
});

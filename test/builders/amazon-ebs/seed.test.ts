import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../support/moto';
import { startInstanceMachine, type InstanceMachine } from '../../support/ec2-instance';
import { ec2Client, seedTemplate, startBuild, templateFolder } from './harness';

let moto: Moto;
let machine: InstanceMachine;
let ec2: EC2Client;

before(async () => {
  moto = await startMoto();
  machine = await startInstanceMachine();
  ec2 = ec2Client(moto);
  machine.followKeyPairsOf(ec2);
});

after(async () => {
  await machine?.stop();
  await moto?.stop();
});

async function seedBuild(keepAmi: boolean) {
  const template = seedTemplate(moto, machine.port) as { 'post-processors': Record<string, unknown>[] };
  if (keepAmi) template['post-processors'] = [{ type: 'compress', output: 'packer-example-{{timestamp}}.tar.gz', keep_input_artifact: true }];
  const dir = templateFolder(template);
  const run = startBuild(dir);
  const code = await run.exited;
  const out = run.output();
  assert.equal(code, 0, out);
  for (const line of [
    /==> amazon-ebs: Prevalidating AMI Name: packer-example-\d+/,
    /amazon-ebs: Found Image ID: ami-0c55b159cbfafe1f0/,
    /==> amazon-ebs: Creating temporary keypair: packer_[0-9a-f-]+/,
    /==> amazon-ebs: Creating temporary security group for this instance: packer_/,
    /==> amazon-ebs: Launching a source AWS instance\.\.\./,
    /==> amazon-ebs: Connected to SSH!/,
    /amazon-ebs: (Setting up nginx|nginx is already the newest version)/,
    /==> amazon-ebs: Stopping the source instance\.\.\./,
    /==> amazon-ebs: Creating AMI packer-example-\d+ from instance i-/,
    /==> amazon-ebs: Terminating the source AWS instance\.\.\./,
    /==> amazon-ebs: Deleting temporary security group\.\.\./,
    /==> amazon-ebs: Deleting temporary keypair\.\.\./,
    /amazon-ebs: AMI: ami-[0-9a-f]+/,
  ]) {
    assert.match(out, line);
  }
  // The provisioner really ran on the machine, as ubuntu through sudo.
  assert.match(machine.exec('dpkg -s nginx'), /Status: install ok installed/);
  // sshd accepted only a key it was given from moto's key pairs, and the builder used it.
  assert.match(machine.log(), /Accepted publickey for ubuntu/);

  const amiId = /amazon-ebs: AMI: (ami-[0-9a-f]+)/.exec(out)?.[1] ?? '';

  const instanceId = /Instance ID: (i-[0-9a-f]+)/.exec(out)?.[1] ?? '';
  const launched = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0];
  const runTag = launched?.Tags?.find((t) => t.Key === 'bakehouse:run-id')?.Value ?? '';
  assert.ok(runTag, 'the instance carries the run id');
  const ofRun = [{ Name: 'tag:bakehouse:run-id', Values: [runTag] }];
  const instances = (await ec2.send(new DescribeInstancesCommand({ Filters: ofRun }))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  assert.ok(instances.length > 0 && instances.every((i) => i.State?.Name === 'terminated'), JSON.stringify(instances.map((i) => i.State)));
  assert.deepEqual((await ec2.send(new DescribeKeyPairsCommand({ Filters: ofRun }))).KeyPairs ?? [], []);
  assert.deepEqual((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: ofRun }))).SecurityGroups ?? [], []);

  // compress with an artifact that holds no files: what Packer 1.6.6 does (an empty archive, named as asked).
  const archives = readdirSync(dir).filter((f) => f.endsWith('.tar.gz'));
  assert.equal(archives.length, 1, readdirSync(dir).join(' '));
  const listing = execFileSync('tar', ['-tzf', join(dir, archives[0] ?? '')], { encoding: 'utf8' });
  assert.equal(listing, '');
  assert.ok(statSync(join(dir, archives[0] ?? '')).size > 0);
  return { out, amiId, runTag };
}

test('the seed template builds against moto: a real shell provisioner over SSH with the key pair EC2 made; compress, keeping no input artifact as in Packer 1.6.6, deregisters the AMI', { timeout: 300_000 }, async () => {
  const { out, amiId } = await seedBuild(false);
  assert.match(out, /--> amazon-ebs: compressed artifacts in: packer-example-\d+\.tar\.gz/);
  assert.deepEqual((await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'image-id', Values: [amiId] }] }))).Images ?? [], []);
});

test('with keep_input_artifact the AMI stays available, tagged with the run id, and is listed as Packer lists it', { timeout: 300_000 }, async () => {
  const { out, amiId, runTag } = await seedBuild(true);
  assert.match(out, new RegExp(`--> amazon-ebs: AMIs were created:\\nus-west-2: ${amiId}`));
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }))).Images?.[0];
  assert.equal(image?.State, 'available');
  assert.match(image?.Name ?? '', /^packer-example-\d+$/);
  assert.equal(image?.Tags?.find((t) => t.Key === 'bakehouse:run-id')?.Value, runTag);
});

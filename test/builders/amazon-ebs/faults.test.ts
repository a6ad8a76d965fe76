/**
 * The amazon-ebs builder against the faults real EC2 shows, injected by a proxy in front of moto
 * (test/support/aws-fault-proxy.ts): throttling and an instance not yet visible are survived; a failed or half-done
 * CreateImage fails the build and leaves nothing of the run; a dropped connection is retried.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../support/moto';
import { startInstanceMachine, type InstanceMachine } from '../../support/ec2-instance';
import { instanceNotFound, startFaultProxy, THROTTLE, type FaultProxy, type FaultRule } from '../../support/aws-fault-proxy';
import { ec2Client, ledgerOf, leftoversOfRun, ownAmis, runIdOf, seedTemplate, startBuild, templateFolder } from './harness';

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

/** The seed template through the proxy, with a quick provisioner and no post-processor, so the AMI is the outcome. */
async function buildThrough(rules: FaultRule[]): Promise<{ code: number | null; out: string; runId: string; proxy: FaultProxy; dir: string }> {
  const proxy = await startFaultProxy(moto.endpoint, rules);
  try {
    const template = seedTemplate(moto, machine.port, { custom_endpoint_ec2: proxy.endpoint, aws_polling: { delay_seconds: 1, max_attempts: 60 } }) as Record<string, unknown>;
    template.provisioners = [{ type: 'shell', inline: ['echo provisioned as $(whoami)'] }];
    template['post-processors'] = [];
    const dir = templateFolder(template, 'bakehouse-ebs-faults-');
    const run = startBuild(dir);
    const code = await run.exited;
    return { code, out: run.output(), runId: runIdOf(dir), proxy, dir };
  } finally {
    await proxy.stop();
  }
}

test('throttling, an instance not yet visible after RunInstances and connections dropped before moto saw them are survived', { timeout: 240_000 }, async () => {
  const { code, out, runId, proxy, dir } = await buildThrough([
    { action: 'DescribeRegions', calls: [1], fault: THROTTLE },
    { action: 'CreateKeyPair', calls: [1, 2], fault: THROTTLE },
    { action: 'CreateSecurityGroup', calls: [1], fault: { kind: 'drop-before' } },
    { action: 'RunInstances', calls: [1], fault: THROTTLE },
    { action: 'DescribeInstances', calls: [1, 2], fault: instanceNotFound() },
    { action: 'StopInstances', calls: [1], fault: { kind: 'drop-before' } },
    { action: 'CreateImage', calls: [1, 2, 3], fault: THROTTLE },
  ]);
  assert.equal(code, 0, out);
  assert.deepEqual(proxy.injected().length, 11, proxy.injected().join('\n'));
  assert.match(out, /amazon-ebs: provisioned as ubuntu/);
  const counts = proxy.counts();
  assert.equal(counts.RunInstances, 2, JSON.stringify(counts));
  assert.equal(counts.CreateImage, 4, JSON.stringify(counts));
  const amiId = /amazon-ebs: AMI: (ami-[0-9a-f]+)/.exec(out)?.[1] ?? '';
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }))).Images?.[0];
  assert.equal(image?.State, 'available');
  // The AMI (and its snapshot) is the artifact; nothing else of the run is left.
  const left = await leftoversOfRun(ec2, runId);
  assert.deepEqual(left.filter((l) => !/^(AMI|snapshot) /.test(l)), [], left.join('\n'));
  assert.deepEqual(left.filter((l) => l.startsWith('AMI ')), [`AMI ${amiId}`]);
  // The run log's ledger: each resource before its create call, its id after, and how it ended.
  const instanceId = /Instance ID: (i-[0-9a-f]+)/.exec(out)?.[1] ?? '';
  const ledger = ledgerOf(dir).map((l) => l.replace(/packer_[0-9a-f-]+/, 'packer_*').replace(/\((key|sg)-[0-9a-f]+\)/, '($1-*)').replace(runId, '<run>'));
  assert.deepEqual(ledger, [
    'creating StepKeyPair EC2 key pair packer_* in us-west-2',
    'created StepKeyPair EC2 key pair packer_* in us-west-2 (key-*)',
    'creating StepSecurityGroup EC2 security group packer_* in us-west-2',
    'created StepSecurityGroup EC2 security group packer_* in us-west-2 (sg-*)',
    'creating StepRunSourceInstance EC2 instance of run <run> in us-west-2',
    `created StepRunSourceInstance EC2 instance of run <run> in us-west-2 (${instanceId})`,
    `creating StepCreateAMI AMI ${/Creating AMI (\S+)/.exec(out)?.[1] ?? ''} and its snapshots in us-west-2 (kept when the build succeeds)`,
    `created StepCreateAMI AMI ${/Creating AMI (\S+)/.exec(out)?.[1] ?? ''} and its snapshots in us-west-2 (kept when the build succeeds) (${amiId})`,
    `released StepCreateAMI AMI ${/Creating AMI (\S+)/.exec(out)?.[1] ?? ''} and its snapshots in us-west-2 (kept when the build succeeds)`,
    'removed StepRunSourceInstance EC2 instance of run <run> in us-west-2',
    'removed StepSecurityGroup EC2 security group packer_* in us-west-2',
    'removed StepKeyPair EC2 key pair packer_* in us-west-2',
  ]);
});

test('CreateImage refused: the build fails with EC2\'s reason and leaves nothing of the run in moto', { timeout: 240_000 }, async () => {
  const before = await ownAmis(ec2);
  const { code, out, runId } = await buildThrough([
    { action: 'CreateImage', fault: { kind: 'error', status: 400, code: 'InvalidParameterValue', message: 'Invalid value for AMI name' } },
  ]);
  assert.equal(code, 1, out);
  assert.match(out, /Error creating AMI: InvalidParameterValue: Invalid value for AMI name/);
  assert.match(out, /Terminating the source AWS instance/);
  assert.deepEqual(await leftoversOfRun(ec2, runId), []);
  assert.deepEqual(await ownAmis(ec2), before);
});

test('CreateImage done by moto but its reply lost: moto makes a second image on the retry; the build keeps one and deregisters the other', { timeout: 240_000 }, async () => {
  const before = await ownAmis(ec2);
  const { code, out, runId, proxy } = await buildThrough([{ action: 'CreateImage', calls: [1], fault: { kind: 'drop-after' } }]);
  assert.deepEqual(proxy.injected(), ['CreateImage#1 drop-after']);
  assert.equal(code, 0, out);
  assert.equal(proxy.counts().CreateImage, 2);
  assert.match(out, /Deregistering AMI ami-[0-9a-f]+, made by a CreateImage call whose reply was lost/);
  const amiId = /amazon-ebs: AMI: (ami-[0-9a-f]+)/.exec(out)?.[1] ?? '';
  assert.deepEqual((await ownAmis(ec2)).filter((a) => !before.includes(a)), [amiId]);
  const left = await leftoversOfRun(ec2, runId);
  assert.deepEqual(left.filter((l) => !l.startsWith('snapshot ')), [`AMI ${amiId}`], left.join('\n'));
});

test('CreateImage done by moto but its reply lost, and the retry refused as EC2 refuses a taken name: the build adopts its own image', { timeout: 240_000 }, async () => {
  const before = await ownAmis(ec2);
  const { code, out, proxy } = await buildThrough([
    { action: 'CreateImage', calls: [1], fault: { kind: 'drop-after' } },
    { action: 'CreateImage', calls: [2], fault: { kind: 'error', status: 400, code: 'InvalidAMIName.Duplicate', message: 'AMI name is already in use by AMI' } },
  ]);
  assert.deepEqual(proxy.injected(), ['CreateImage#1 drop-after', 'CreateImage#2 InvalidAMIName.Duplicate']);
  assert.equal(code, 0, out);
  const amiId = /amazon-ebs: AMI: (ami-[0-9a-f]+)/.exec(out)?.[1] ?? '';
  assert.deepEqual((await ownAmis(ec2)).filter((a) => !before.includes(a)), [amiId]);
});

test('a connection dropped on every try fails the build clearly after max_retries, and leaves nothing of the run', { timeout: 240_000 }, async () => {
  const proxy = await startFaultProxy(moto.endpoint, [{ action: 'CreateSecurityGroup', fault: { kind: 'drop-before' } }]);
  try {
    const template = seedTemplate(moto, machine.port, { custom_endpoint_ec2: proxy.endpoint, max_retries: 2 });
    const dir = templateFolder(template, 'bakehouse-ebs-faults-');
    const run = startBuild(dir);
    const code = await run.exited;
    assert.equal(code, 1, run.output());
    assert.equal(proxy.counts().CreateSecurityGroup, 3);
    assert.match(run.output(), /Error creating temporary security group: .*(socket hang up|ECONNRESET)/);
    assert.match(run.output(), /Deleting temporary keypair/);
    assert.deepEqual(await leftoversOfRun(ec2, runIdOf(dir)), []);
  } finally {
    await proxy.stop();
  }
});

test('RunInstances done by moto but its reply lost: whatever the retry does, no instance of the run is left running', { timeout: 240_000 }, async () => {
  const { code, out, runId, proxy } = await buildThrough([
    { action: 'RunInstances', calls: [1], fault: { kind: 'drop-after' } },
    { action: 'CreateImage', fault: { kind: 'error', status: 400, code: 'InvalidParameterValue', message: 'stop here' } },
  ]);
  assert.deepEqual(proxy.injected(), ['RunInstances#1 drop-after', 'CreateImage#1 InvalidParameterValue']);
  assert.equal(code, 1, out);
  assert.deepEqual(await leftoversOfRun(ec2, runId), [], out);
});

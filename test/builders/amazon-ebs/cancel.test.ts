import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../support/moto';
import { startInstanceMachine, type InstanceMachine } from '../../support/ec2-instance';
import { startFaultProxy } from '../../support/aws-fault-proxy';
import { ec2Client, seedTemplate, startBuild, templateFolder } from './harness';

let moto: Moto;
let machine: InstanceMachine;
let ec2: EC2Client;

before(async () => {
  moto = await startMoto();
  machine = await startInstanceMachine();
  ec2 = ec2Client(moto);
});

after(async () => {
  await machine?.stop();
  await moto?.stop();
});

/** What moto holds that a build made: instances not terminated, key pairs, non-default security groups, own AMIs. */
async function leftovers(): Promise<string[]> {
  const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  return [
    ...instances.filter((i) => i.State?.Name !== 'terminated').map((i) => `instance ${i.InstanceId} ${i.State?.Name}`),
    ...((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).map((k) => `key pair ${k.KeyName}`),
    ...groups.filter((g) => g.GroupName !== 'default').map((g) => `security group ${g.GroupName}`),
    ...((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).map((i) => `AMI ${i.ImageId}`),
  ];
}

const POINTS: { when: RegExp; follow: boolean; step: string }[] = [
  { when: /Authorizing access to port/, follow: false, step: 'StepSecurityGroup' },
  // No key is trusted yet: the build waits for SSH until the SIGINT.
  { when: /Waiting for SSH on ubuntu@127\.0\.0\.1/, follow: false, step: 'StepConnect' },
  { when: /amazon-ebs: provisioning started/, follow: true, step: 'StepProvision' },
];

for (const point of POINTS) {
  test(`SIGINT to a real bakehouse build during ${point.step} leaves no instance, key pair, security group or AMI in moto`, { timeout: 120_000 }, async () => {
    if (point.follow) machine.followKeyPairsOf(ec2);
    const template = seedTemplate(moto, machine.port, { ssh_timeout: '2m' }) as { provisioners: object[] };
    template.provisioners = [{ type: 'shell', inline: ['echo provisioning started', 'sleep 60'] }];
    const run = startBuild(templateFolder(template));
    let sent = false;
    run.child.stdout?.on('data', () => {
      if (!sent && point.when.test(run.output())) {
        sent = true;
        run.child.kill('SIGINT');
      }
    });
    const code = await run.exited;
    assert.ok(sent, run.output());
    assert.equal(code, 1, run.output());
    assert.match(run.output(), /Deleting temporary keypair/);
    assert.deepEqual(await leftovers(), [], run.output());
  });
}

// A create call in flight when the cancel comes is answered before cleanup runs: EC2 would otherwise make the key pair,
// group or instance after the build had deleted it (found by the bench: a SIGINT at "Creating temporary keypair" left one).
for (const action of ['CreateKeyPair', 'CreateSecurityGroup', 'RunInstances']) {
  test(`SIGINT while ${action} is on its way to EC2 leaves nothing: the build waits for its answer, then removes what it made`, { timeout: 120_000 }, async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ action, fault: { kind: 'delay', ms: 1500 } }]);
    try {
      const run = startBuild(templateFolder(seedTemplate({ ...moto, endpoint: proxy.endpoint }, machine.port)));
      let sent = false;
      const waitFor = setInterval(() => {
        if (!sent && proxy.calls().includes(action)) {
          sent = true;
          run.child.kill('SIGINT');
        }
      }, 20);
      const code = await run.exited;
      clearInterval(waitFor);
      assert.ok(sent, run.output());
      assert.equal(code, 1, run.output());
      assert.deepEqual(await leftovers(), [], run.output());
    } finally {
      await proxy.stop();
    }
  });
}

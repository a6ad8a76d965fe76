/**
 * `bakehouse cleanup -region` after a real `bakehouse build` process is killed with SIGKILL (no cleanup runs) while it
 * waits for its AMI: the sweep lists the run's instance, half-made AMI, security group and key pair, leaves a finished
 * build's AMI alone, skips what a live run is using, and removes the killed run's resources only with -force.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DescribeImagesCommand, DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { cleanupCommand } from '../../../core/cli/commands/cleanup';
import { parseFlags } from '../../../core/cli/flags';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { startInstanceMachine, type InstanceMachine } from '../../support/ec2-instance';
import { startFaultProxy } from '../../support/aws-fault-proxy';
import { ec2Client, ledgerOf, leftoversOfRun, REGION, runIdOf, seedTemplate, startBuild, templateFolder } from './harness';

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

function runLogExists(dir: string): boolean {
  return existsSync(join(dir, 'data', 'runs')) && readdirSync(join(dir, 'data', 'runs')).length > 0;
}

/** `bakehouse cleanup ARGS` with the AWS settings only in its environment, reading the run logs of `dir`. */
async function cleanup(argv: string[], dir: string): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseFlags(argv, cleanupCommand.flags);
  assert.ok(parsed.ok);
  let out = '';
  let err = '';
  const code = await cleanupCommand.run(parsed.value, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL_EC2: moto.endpoint, AWS_EC2_METADATA_DISABLED: 'true', AWS_POLL_DELAY_SECONDS: '1', BAKEHOUSE_DATA_DIR: join(dir, 'data') },
    cwd: dir,
    color: false,
  });
  return { code, out, err };
}

function quickTemplate(endpoint: string): Record<string, unknown> {
  const template = seedTemplate(moto, machine.port, { custom_endpoint_ec2: endpoint, aws_polling: { delay_seconds: 1, max_attempts: 60 } }) as Record<string, unknown>;
  template.provisioners = [{ type: 'shell', inline: ['echo provisioned'] }];
  template['post-processors'] = [];
  return template;
}

test('a run killed with SIGKILL while it waits for its AMI: cleanup -region lists what it left, skips a live run, and -force removes it all', { timeout: 300_000 }, async () => {
  // A finished build first: its AMI is its output, never a leftover.
  const finishedDir = templateFolder(quickTemplate(moto.endpoint), 'bakehouse-ebs-sweep-');
  const finished = startBuild(finishedDir);
  assert.equal(await finished.exited, 0, finished.output());
  const keptAmi = /amazon-ebs: AMI: (ami-[0-9a-f]+)/.exec(finished.output())?.[1] ?? '';

  // The build to kill: once CreateImage has been called, DescribeImages never answers, so it waits for its AMI.
  const proxy = await startFaultProxy(moto.endpoint, [{ action: 'DescribeImages', afterAction: 'CreateImage', fault: { kind: 'hang' } }]);
  const dir = templateFolder(quickTemplate(proxy.endpoint), 'bakehouse-ebs-sweep-');
  const run = startBuild(dir);
  try {
    // The ledger, written before and after each create call, says when CreateImage has answered.
    let halfMade = '';
    for (const started = Date.now(); halfMade === ''; await new Promise((r) => setTimeout(r, 100))) {
      if (run.child.exitCode !== null) assert.fail(`the build ended before its AMI was made:\n${run.output()}`);
      if (Date.now() - started > 120_000) assert.fail(`no AMI after 2 minutes:\n${run.output()}`);
      const line = runLogExists(dir) ? ledgerOf(dir).find((l) => l.startsWith('created StepCreateAMI ')) : undefined;
      halfMade = /\((ami-[0-9a-f]+)\)$/.exec(line ?? '')?.[1] ?? '';
    }
    const runId = runIdOf(dir);
    assert.match(halfMade, /^ami-/, run.output());

    // While its process lives, even -force leaves its resources alone.
    const live = await cleanup(['-region', REGION, '-run-id', runId, '-force'], dir);
    assert.equal(live.code, 0, live.err);
    assert.match(live.out, new RegExp(`Skipped instance i-[0-9a-f]+ \\(stopped; build amazon-ebs; run ${runId}\\) in ${REGION}: its run \\(process ${run.child.pid}\\) is still going; use -all to remove it anyway`));
    assert.doesNotMatch(live.out, /Removed/);

    run.child.kill('SIGKILL');
    assert.equal(await run.exited, null);
    const left = await leftoversOfRun(ec2, runId);
    const kinds = left.map((l) => /^(instance|key pair|security group|volume|snapshot|AMI) /.exec(l)?.[1]);
    assert.deepEqual(kinds.filter((k) => k !== 'volume'), ['instance', 'key pair', 'security group', 'AMI'], left.join('\n'));
    // The ledger in the killed run's log says what it made, up to the AMI it was waiting for.
    const ledger = ledgerOf(dir);
    assert.ok(ledger.some((l) => l.startsWith('created StepCreateAMI ') && l.endsWith(`(${halfMade})`)), ledger.join('\n'));
    assert.ok(!ledger.some((l) => l.startsWith('removed ')), ledger.join('\n'));
    const snapshots = ((await ec2.send(new DescribeImagesCommand({ ImageIds: [halfMade] }))).Images?.[0]?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
    assert.ok(snapshots.length > 0);

    // Listed, not removed.
    const listed = await cleanup(['-region', REGION], dir);
    assert.equal(listed.code, 0, listed.err);
    for (const line of [
      new RegExp(`^Would remove instance i-[0-9a-f]+ \\(stopped; build amazon-ebs; run ${runId}\\) in ${REGION}$`, 'm'),
      new RegExp(`^Would remove AMI ${halfMade} "packer-example-\\d+" \\(available; run ${runId}\\) in ${REGION}$`, 'm'),
      new RegExp(`^Would remove security group sg-[0-9a-f]+ "packer_[0-9a-f-]+" \\(run ${runId}\\) in ${REGION}$`, 'm'),
      new RegExp(`^Would remove key pair key-[0-9a-f]+ "packer_[0-9a-f-]+" \\(run ${runId}\\) in ${REGION}$`, 'm'),
      /^Nothing was removed: run again with -force to remove what is listed\.$/m,
    ]) {
      assert.match(listed.out, line);
    }
    assert.doesNotMatch(listed.out, new RegExp(keptAmi));
    assert.doesNotMatch(listed.out, new RegExp(runIdOf(finishedDir)));
    assert.deepEqual(await leftoversOfRun(ec2, runId), left);

    const forced = await cleanup(['-region', REGION, '-force'], dir);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, new RegExp(`^Removed AMI ${halfMade} `, 'm'));
    assert.match(forced.out, /^Removed instance i-/m);
    assert.deepEqual(await leftoversOfRun(ec2, runId), []);
    const snapshotsLeft = (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots?.map((s) => s.SnapshotId) ?? [];
    assert.deepEqual(snapshots.filter((s) => snapshotsLeft.includes(s)), []);
    // The finished build's AMI is still there, and the region is clean.
    assert.equal((await ec2.send(new DescribeImagesCommand({ ImageIds: [keptAmi] }))).Images?.[0]?.State, 'available');
    assert.equal((await cleanup(['-region', REGION], dir)).out, `Nothing to clean up in ${REGION}.\n`);
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await proxy.stop();
  }
});

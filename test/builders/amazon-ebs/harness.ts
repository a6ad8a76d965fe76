/**
 * What the amazon-ebs tests share: moto (one per test file), the sshd container behind the instance, the seed template
 * with only endpoint settings added, and a real `bakehouse build` process (test/cli/commands/build-runner.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { RunEvent } from '../../../core/contract/events';
import { listRuns, runLogPath } from '../../../core/engine/runlog';
import { MOTO_CREDENTIALS, type Moto } from '../../support/moto';
import { TSX_LOADER } from '../../support/tsx';

export const REGION = 'us-west-2';
export const RUNNER = join(__dirname, '..', '..', 'cli', 'commands', 'build-runner.ts');

export function ec2Client(moto: Moto, region = REGION): EC2Client {
  return new EC2Client({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
}

/** The issue's seed template, unchanged but for the endpoint settings (EC2's endpoint, the instance's SSH address). */
export function seedTemplate(moto: Moto, sshPort: number, extra: Record<string, unknown> = {}): object {
  return {
    variables: { aws_region: REGION, ami_name: 'packer-example-{{timestamp}}' },
    builders: [
      {
        type: 'amazon-ebs',
        region: '{{user `aws_region`}}',
        source_ami: 'ami-0c55b159cbfafe1f0',
        instance_type: 't2.micro',
        ssh_username: 'ubuntu',
        ami_name: '{{user `ami_name`}}',
        custom_endpoint_ec2: moto.endpoint,
        ssh_host: '127.0.0.1',
        ssh_port: sshPort,
        ...extra,
      },
    ],
    provisioners: [{ type: 'shell', inline: ['sudo apt-get update', 'sudo apt-get install -y nginx'] }],
    'post-processors': [{ type: 'compress', output: 'packer-example-{{timestamp}}.tar.gz' }],
  };
}

export function templateFolder(template: object, prefix = 'bakehouse-ebs-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template, null, 2));
  return dir;
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `bakehouse build template.json` in its own process, with AWS settings only in its environment. */
export function startBuild(dir: string, env: Record<string, string> = {}, args: string[] = []): Running {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, RUNNER, ...args, 'template.json'], {
    cwd: dir,
    env: { ...process.env, ...MOTO_CREDENTIALS, AWS_EC2_METADATA_DISABLED: 'true', BAKEHOUSE_DATA_DIR: join(dir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The run id of the one build run in a template folder (its run log is `data/runs/<id>.jsonl`). */
export function runIdOf(dir: string): string {
  const runs = listRuns(join(dir, 'data'));
  if (runs.length !== 1) throw new Error(`expected one run log in ${dir}, found ${runs.length}`);
  return runs[0]?.runId ?? '';
}

/** The run's ledger from its run log, as `phase step description (id)`. */
export function ledgerOf(dir: string): string[] {
  return readFileSync(runLogPath(join(dir, 'data'), runIdOf(dir)), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RunEvent)
    .flatMap((e) => (e.kind === 'resource' ? [`${e.phase} ${e.step} ${e.description}${e.id ? ` (${e.id})` : ''}`] : []));
}

/** What moto still holds of one run, by the run's tag: instances not terminated, key pairs, security groups, volumes, snapshots, AMIs. */
export async function leftoversOfRun(ec2: EC2Client, runId: string): Promise<string[]> {
  const ofRun = [{ Name: 'tag:bakehouse:run-id', Values: [runId] }];
  const instances = ((await ec2.send(new DescribeInstancesCommand({ Filters: ofRun }))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
  return [
    ...instances.filter((i) => i.State?.Name !== 'terminated').map((i) => `instance ${i.InstanceId ?? ''} ${i.State?.Name ?? ''}`),
    ...((await ec2.send(new DescribeKeyPairsCommand({ Filters: ofRun }))).KeyPairs ?? []).map((k) => `key pair ${k.KeyName ?? ''}`),
    ...((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: ofRun }))).SecurityGroups ?? []).map((g) => `security group ${g.GroupName ?? ''}`),
    ...((await ec2.send(new DescribeVolumesCommand({ Filters: ofRun }))).Volumes ?? []).map((v) => `volume ${v.VolumeId ?? ''} ${v.State ?? ''}`),
    ...((await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: ofRun }))).Snapshots ?? []).map((s) => `snapshot ${s.SnapshotId ?? ''}`),
    ...((await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: ofRun }))).Images ?? []).map((i) => `AMI ${i.ImageId ?? ''}`),
  ];
}

/** Every AMI moto holds of the account's own, by id: a half-made AMI may have missed its tags. */
export async function ownAmis(ec2: EC2Client): Promise<string[]> {
  return ((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).map((i) => i.ImageId ?? '');
}

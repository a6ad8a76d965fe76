/**
 * Bench: the seed template (amazon-ebs, shell provisioner, compress) built side by side by Bakehouse and by
 * Packer 1.6.6 against one moto, through the counting proxy of the fault tests (test/support/aws-fault-proxy.ts), with an
 * sshd container as the instance (test/support/ec2-instance.ts).
 *   1. Wall time and EC2 calls of each tool, alternating runs after one warm-up each (the warm-up installs nginx, so every
 *      timed run's provisioning does the same work for both).      Targets: Bakehouse ≤ 0.5× Packer's time, no more calls.
 *   2. SIGINT at each step (when the tool prints that step's first message), then what moto still holds from that run:
 *      instances not terminated, key pairs, security groups, volumes, snapshots, AMIs.   Target: nothing where Packer leaves nothing.
 * Writes bench/results/aws-build-<date>.md (-2, -3 … when that day already has one) and prints it.
 * Run: npm run bench -- aws [--runs N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { MOTO_CREDENTIALS, startMoto } from '../test/support/moto';
import { startInstanceMachine } from '../test/support/ec2-instance';
import { startFaultProxy } from '../test/support/aws-fault-proxy';
import { ec2Client, seedTemplate } from '../test/builders/amazon-ebs/harness';

const ROOT = resolve(__dirname, '..');
const PACKER = '/usr/bin/packer';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

type Tool = 'bakehouse' | 'packer';

/** The first line each step prints in both tools (their wording is Packer's), in the order they come. */
const STEPS: Array<{ step: string; line: RegExp }> = [
  { step: 'StepKeyPair', line: /Creating temporary keypair/ },
  { step: 'StepSecurityGroup', line: /Creating temporary security group/ },
  { step: 'StepRunSourceInstance', line: /Launching a source AWS instance/ },
  { step: 'StepConnect', line: /Waiting for SSH to become available/ },
  { step: 'StepProvision', line: /Provisioning with shell script/ },
  { step: 'StepStopEBSBackedInstance', line: /Stopping the source instance/ },
  { step: 'StepCreateAMI', line: /Creating AMI/ },
  { step: 'StepCreateAMI (waiting)', line: /Waiting for AMI to become ready/ },
];

interface Outcome {
  code: number | null;
  ms: number;
  output: string;
}

function run(tool: Tool, dir: string, interruptAt?: RegExp): Promise<Outcome> {
  const env = {
    ...process.env,
    ...MOTO_CREDENTIALS,
    AWS_EC2_METADATA_DISABLED: 'true',
    CHECKPOINT_DISABLE: '1',
    BAKEHOUSE_DATA_DIR: join(dir, 'data'),
  };
  const [cmd, args] = tool === 'bakehouse' ? [process.execPath, [join(ROOT, 'bin', 'bakehouse.js'), 'build', 'seed.json']] : [PACKER, ['build', 'seed.json']];
  const started = performance.now();
  // Its own process group, signalled as a terminal's Ctrl-C signals it: Packer 1.6.6's outer process (panicwrap) ignores
  // SIGINT and leaves it to its child, which a signal to the outer pid alone never reaches.
  const child = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  let sent = false;
  const onData = (b: Buffer): void => {
    output += b.toString();
    if (interruptAt && !sent && interruptAt.test(output)) {
      sent = true;
      if (child.pid) process.kill(-child.pid, 'SIGINT');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((done) => child.once('exit', (code) => done({ code, ms: performance.now() - started, output })));
}

interface Held {
  instances: string[];
  keyPairs: string[];
  groups: string[];
  volumes: string[];
  snapshots: string[];
  images: string[];
}

async function held(ec2: EC2Client): Promise<Held> {
  const inst = await ec2.send(new DescribeInstancesCommand({}));
  const instances = (inst.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== 'terminated').map((i) => i.InstanceId ?? '');
  const keyPairs = ((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).map((k) => k.KeyName ?? '');
  const groups = ((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).filter((g) => g.GroupName !== 'default').map((g) => g.GroupId ?? '');
  const volumes = ((await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).map((v) => v.VolumeId ?? '');
  const snapshots = ((await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []).map((s) => s.SnapshotId ?? '');
  const images = ((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).map((i) => i.ImageId ?? '');
  return { instances, keyPairs, groups, volumes, snapshots, images };
}

function newSince(before: Held, after: Held): Held {
  const diff = (k: keyof Held) => after[k].filter((x) => !before[k].includes(x));
  return { instances: diff('instances'), keyPairs: diff('keyPairs'), groups: diff('groups'), volumes: diff('volumes'), snapshots: diff('snapshots'), images: diff('images') };
}

const describeHeld = (h: Held): string =>
  (Object.entries(h) as Array<[string, string[]]>)
    .filter(([, v]) => v.length > 0)
    .map(([k, v]) => `${v.length} ${k}`)
    .join(', ') || 'nothing';

/** Removes what a run left, so the next one starts from the same moto. */
async function sweep(ec2: EC2Client, h: Held): Promise<void> {
  if (h.instances.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: h.instances }));
  for (const id of h.images) await ec2.send(new DeregisterImageCommand({ ImageId: id })).catch(() => undefined);
  for (const id of h.snapshots) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: id })).catch(() => undefined);
  for (const id of h.volumes) await ec2.send(new DeleteVolumeCommand({ VolumeId: id })).catch(() => undefined);
  for (const id of h.groups) await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })).catch(() => undefined);
  for (const name of h.keyPairs) await ec2.send(new DeleteKeyPairCommand({ KeyName: name })).catch(() => undefined);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  if (!existsSync(PACKER)) throw new Error('Packer 1.6.6 (/usr/bin/packer, Debian package "packer") is the reference this bench compares with');
  const load = loadavg()[0].toFixed(2);
  const moto = await startMoto();
  const machine = await startInstanceMachine();
  const ec2 = ec2Client(moto);
  machine.followKeyPairsOf(ec2);
  const proxy = await startFaultProxy(moto.endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-bench-aws-'));
  const template = seedTemplate({ ...moto, endpoint: proxy.endpoint }, machine.port);
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(template, null, 2));
  const lines: string[] = [];
  try {
    // Warm-up: nginx installed once; both tools' start-up caches filled.
    for (const tool of ['bakehouse', 'packer'] as const) {
      const w = await run(tool, dir);
      if (w.code !== 0) throw new Error(`${tool}'s warm-up build failed:\n${w.output}`);
    }
    const times: Record<Tool, number[]> = { bakehouse: [], packer: [] };
    const calls: Record<Tool, number[]> = { bakehouse: [], packer: [] };
    const byAction: Record<Tool, Record<string, number>> = { bakehouse: {}, packer: {} };
    for (let i = 0; i < RUNS; i++) {
      for (const tool of ['bakehouse', 'packer'] as const) {
        const before = proxy.calls().length;
        const r = await run(tool, dir);
        if (r.code !== 0) throw new Error(`${tool}'s build ${i + 1} failed:\n${r.output}`);
        const made = proxy.calls().slice(before);
        times[tool].push(r.ms);
        calls[tool].push(made.length);
        if (i === 0) for (const a of made) byAction[tool][a] = (byAction[tool][a] ?? 0) + 1;
      }
    }
    const ratio = median(times.bakehouse) / median(times.packer);
    lines.push(`# amazon-ebs seed template: Bakehouse and Packer 1.6.6 against moto (${new Date().toISOString().slice(0, 10)})`, '');
    lines.push(`Machine: ${cpus().length} cores, load average ${load} at the start. ${RUNS} alternating runs per tool after one warm-up each.`, '');
    lines.push('| tool | median wall time | min–max | EC2 calls per build (median) |', '| --- | --- | --- | --- |');
    for (const tool of ['bakehouse', 'packer'] as const) {
      lines.push(`| ${tool} | ${(median(times[tool]) / 1000).toFixed(2)} s | ${(Math.min(...times[tool]) / 1000).toFixed(2)}–${(Math.max(...times[tool]) / 1000).toFixed(2)} s | ${median(calls[tool])} |`);
    }
    lines.push('', `Bakehouse / Packer wall time: **${ratio.toFixed(2)}×** (target ≤ 0.5×); calls: ${median(calls.bakehouse)} against ${median(calls.packer)} (target: no more).`, '');
    const actions = [...new Set([...Object.keys(byAction.bakehouse), ...Object.keys(byAction.packer)])].sort();
    lines.push('| EC2 call (first timed build) | Bakehouse | Packer 1.6.6 |', '| --- | --- | --- |');
    for (const a of actions) lines.push(`| ${a} | ${byAction.bakehouse[a] ?? 0} | ${byAction.packer[a] ?? 0} |`);
    lines.push('', '## SIGINT at each step: what moto still holds from that run', '');
    lines.push('| step (interrupted at its first message) | Bakehouse | Packer 1.6.6 |', '| --- | --- | --- |');
    for (const { step, line } of STEPS) {
      const cells: string[] = [];
      for (const tool of ['bakehouse', 'packer'] as const) {
        const before = await held(ec2);
        const r = await run(tool, dir, line);
        const left = newSince(before, await held(ec2));
        // A run interrupted after its AMI was made keeps it only if it succeeded; count the AMI only for a failed run.
        cells.push(`${describeHeld(left)} (exit ${r.code})`);
        await sweep(ec2, left);
      }
      lines.push(`| ${step} | ${cells[0]} | ${cells[1]} |`);
    }
  } finally {
    await proxy.stop();
    await machine.stop();
    await moto.stop();
  }
  const report = lines.join('\n') + '\n';
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  let file = join(out, `aws-build-${day}.md`);
  for (let n = 2; existsSync(file); n++) file = join(out, `aws-build-${day}-${n}.md`);
  writeFileSync(file, report);
  process.stdout.write(report);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

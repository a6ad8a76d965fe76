/**
 * `bakehouse cleanup`: removes the build containers (and their temp folders) that crashed or killed runs left behind;
 * with `-region`, finds instead what killed amazon-ebs runs left in those AWS regions (instances, volumes, snapshots,
 * half-made AMIs, security groups, key pairs), lists it, and removes it only with `-force`: those cost money and live in
 * a shared account, so a sweep there must be asked for twice, once to look and once to remove. With `-subscription`, the
 * same for what killed azure-arm runs left in that Azure subscription (their temporary resource groups first of all);
 * with `-project` and `-zone`, what killed googlecompute runs left there (instances, disks, images of failed runs).
 */
import { findLeftovers, removeLeftover } from '../../builders/docker/leftovers';
import { DockerDriver } from '../../builders/docker/driver';
import { describeAwsLeftover, findAwsLeftovers, removeAwsLeftover } from '../../builders/amazon-ebs/leftovers';
import { Ec2Driver } from '../../builders/amazon-ebs/driver';
import { accessFromEnvironment } from '../../cloud/aws/access';
import { describeAzureLeftover, findAzureLeftovers, removeAzureLeftover } from '../../builders/azure-arm/leftovers';
import { AzureDriver } from '../../builders/azure-arm/driver';
import { describeGceLeftover, findGceLeftovers, removeGceLeftover } from '../../builders/googlecompute/leftovers';
import { GceDriver } from '../../builders/googlecompute/driver';
import type { Result } from '../../common/result';
import { dataDir } from '../../engine/runlog';
import type { CliIO, Command } from '../command';
import type { ParsedArgs } from '../flags';

export const cleanupCommand: Command = {
  name: 'cleanup',
  synopsis: 'Removes what interrupted builds left behind (containers; with -region, AWS resources; with -subscription, Azure resources; with -project, Google Cloud resources)',
  usage: '[options]',
  flags: [
    { name: 'run-id', kind: 'string', description: 'Only clean up after this run (its PACKER_RUN_UUID).', placeholder: 'id' },
    { name: 'dry-run', kind: 'bool', description: 'List what would be removed, remove nothing.' },
    { name: 'all', kind: 'bool', description: 'Also remove what a run that may still be going made.' },
    {
      name: 'region',
      kind: 'list',
      description: 'Look in these AWS regions (comma-separated) for what amazon-ebs runs left, instead of in Docker. Credentials and endpoint come from the environment, as the AWS CLI finds them.',
      placeholder: 'us-west-2',
    },
    {
      name: 'subscription',
      kind: 'string',
      description: 'Look in this Azure subscription for what azure-arm runs left, instead of in Docker. Credentials and endpoint come from the environment (AZURE_CLIENT_ID…, the Azure CLI, AZURE_RESOURCE_MANAGER_ENDPOINT).',
      placeholder: 'id',
    },
    {
      name: 'project',
      kind: 'string',
      description: 'Look in this Google Cloud project (with -zone) for what googlecompute runs left, instead of in Docker. Credentials come from GOOGLE_APPLICATION_CREDENTIALS or Application Default Credentials; GOOGLE_COMPUTE_ENDPOINT points elsewhere than Google.',
      placeholder: 'id',
    },
    { name: 'zone', kind: 'string', description: 'The zone -project looks in for instances and disks.', placeholder: 'us-central1-a' },
    { name: 'force', kind: 'bool', description: 'Remove what -region, -subscription or -project finds; without it the cloud leftovers are only listed.' },
  ],
  async run(args, io) {
    const regions = (args.flags.get('region') ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
    if (regions.length > 0) return cleanAws(args, io, regions);
    const subscription = args.flags.get('subscription')?.at(-1)?.trim();
    if (subscription) return cleanAzure(args, io, subscription);
    const project = args.flags.get('project')?.at(-1)?.trim();
    if (project) return cleanGce(args, io, project);
    return cleanDocker(args, io);
  },
};

async function cleanDocker(args: ParsedArgs, io: CliIO): Promise<number> {
  const runId = args.flags.get('run-id')?.at(-1);
  const dryRun = flagOn(args, 'dry-run');
  const all = flagOn(args, 'all');
  const driver = DockerDriver.fromEnv(io.env);
  const reachable = await driver.verify(AbortSignal.timeout(10_000));
  if (!reachable.ok) {
    io.stderr(`Error: ${reachable.error}\n`);
    return 1;
  }
  let leftovers;
  try {
    leftovers = await findLeftovers(driver, runId);
  } catch (e) {
    io.stderr(`Error: could not list containers: ${driver.describe(e)}\n`);
    return 1;
  }
  if (leftovers.length === 0) {
    io.stdout('Nothing to clean up.\n');
    return 0;
  }
  let failed = 0;
  for (const l of leftovers) {
    const what = `container ${l.name} (build ${l.build || '?'}, run ${l.runId})`;
    if (l.maybeInUse && !all) {
      io.stdout(`Skipped ${what}: ${l.why}; use -all to remove it anyway\n`);
      continue;
    }
    if (dryRun) {
      io.stdout(`Would remove ${what}\n`);
      continue;
    }
    try {
      await removeLeftover(driver, l);
      io.stdout(`Removed ${what}\n`);
    } catch (e) {
      failed++;
      io.stderr(`Error: could not remove ${what}: ${driver.describe(e)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function cleanAws(args: ParsedArgs, io: CliIO, regions: string[]): Promise<number> {
  const runId = args.flags.get('run-id')?.at(-1);
  const remove = flagOn(args, 'force') && !flagOn(args, 'dry-run');
  const all = flagOn(args, 'all');
  let failed = 0;
  let listed = 0;
  for (const region of regions) {
    const made = await Ec2Driver.create(accessFromEnvironment(region), io.env);
    if (!made.ok) {
      io.stderr(`Error: ${made.error}\n`);
      return 1;
    }
    const ec2 = made.value;
    const found = await findAwsLeftovers(ec2, { ...(runId ? { runId } : {}), dataDir: dataDir(io.env) });
    if (!found.ok) {
      io.stderr(`Error: ${found.error}\n`);
      failed++;
      continue;
    }
    if (found.value.length === 0) {
      io.stdout(`Nothing to clean up in ${region}.\n`);
      continue;
    }
    const c = await sweep(io, found.value, { remove, all, describe: describeAwsLeftover, removeOne: (l) => removeAwsLeftover(ec2, l, AbortSignal.timeout(600_000), io.env) });
    listed += c.listed;
    failed += c.failed;
  }
  return sweepEnd(args, io, { listed, failed });
}

async function cleanAzure(args: ParsedArgs, io: CliIO, subscriptionId: string): Promise<number> {
  const runId = args.flags.get('run-id')?.at(-1);
  const remove = flagOn(args, 'force') && !flagOn(args, 'dry-run');
  const all = flagOn(args, 'all');
  // No template: the cloud is Azure's public one unless the environment names another (AZURE_RESOURCE_MANAGER_ENDPOINT,
  // ARM_METADATA_URL), and the credentials are the environment's, as DefaultAzureCredential finds them.
  const made = await AzureDriver.create(
    {
      cloud: { cloudEnvironmentName: 'Public', metadataHost: '' },
      auth: { clientId: '', clientSecret: '', clientCertPath: '', clientCertPassword: '', clientJwt: '', tenantId: '', subscriptionId, useAzureCliAuth: false },
      pollingTimeoutMs: 900_000,
    },
    io.env,
  );
  if (!made.ok) {
    io.stderr(`Error: ${made.error}\n`);
    return 1;
  }
  const azure = made.value;
  const found = await findAzureLeftovers(azure, { ...(runId ? { runId } : {}), dataDir: dataDir(io.env) });
  if (!found.ok) {
    io.stderr(`Error: ${found.error}\n`);
    return 1;
  }
  if (found.value.length === 0) {
    io.stdout(`Nothing to clean up in subscription ${subscriptionId}.\n`);
    return 0;
  }
  return sweepEnd(args, io, await sweep(io, found.value, { remove, all, describe: describeAzureLeftover, removeOne: (l) => removeAzureLeftover(azure, l, AbortSignal.timeout(900_000)) }));
}

async function cleanGce(args: ParsedArgs, io: CliIO, projectId: string): Promise<number> {
  const zone = args.flags.get('zone')?.at(-1)?.trim();
  if (!zone) {
    io.stderr('Error: -project needs -zone: instances and disks live in a zone\n');
    return 1;
  }
  const runId = args.flags.get('run-id')?.at(-1);
  const remove = flagOn(args, 'force') && !flagOn(args, 'dry-run');
  const all = flagOn(args, 'all');
  // No template: the environment's credentials, as Application Default Credentials find them.
  const made = await GceDriver.create(
    {
      auth: { accessToken: '', credentialsJson: '', credentialsFrom: '', impersonateServiceAccount: '', scopes: ['https://www.googleapis.com/auth/cloud-platform'] },
      computeEndpoint: io.env.GOOGLE_COMPUTE_ENDPOINT ?? '',
      universeDomain: '',
      projectId,
    },
    io.env,
    AbortSignal.timeout(60_000),
  );
  if (!made.ok) {
    io.stderr(`Error: ${made.error}\n`);
    return 1;
  }
  const gce = made.value;
  const found = await findGceLeftovers(gce, zone, { ...(runId ? { runId } : {}), dataDir: dataDir(io.env) });
  if (!found.ok) {
    io.stderr(`Error: ${found.error}\n`);
    return 1;
  }
  if (found.value.length === 0) {
    io.stdout(`Nothing to clean up in project ${projectId}, zone ${zone}.\n`);
    return 0;
  }
  return sweepEnd(args, io, await sweep(io, found.value, { remove, all, describe: describeGceLeftover, removeOne: (l) => removeGceLeftover(gce, zone, l, AbortSignal.timeout(900_000)) }));
}

/** What the cloud sweeps share of a leftover: whether its run may still use it, and why. */
interface CloudLeftover {
  maybeInUse: boolean;
  why: string;
}

/** How one sweep went: how many were listed without being removed, how many could not be removed. */
interface SweepCount {
  listed: number;
  failed: number;
}

/**
 * The cloud sweeps' one loop: each leftover is skipped (its run may still use it, unless -all), listed (without
 * -force) or removed, each said on its own line.
 */
async function sweep<L extends CloudLeftover>(io: CliIO, leftovers: readonly L[], o: { remove: boolean; all: boolean; describe(l: L): string; removeOne(l: L): Promise<Result> }): Promise<SweepCount> {
  const count = { listed: 0, failed: 0 };
  for (const l of leftovers) {
    const what = o.describe(l);
    if (l.maybeInUse && !o.all) {
      io.stdout(`Skipped ${what}: ${l.why}; use -all to remove it anyway\n`);
      continue;
    }
    if (!o.remove) {
      io.stdout(`Would remove ${what}\n`);
      count.listed++;
      continue;
    }
    const r = await o.removeOne(l);
    if (r.ok) io.stdout(`Removed ${what}\n`);
    else {
      count.failed++;
      io.stderr(`Error: could not remove ${what}: ${r.error}\n`);
    }
  }
  return count;
}

/** The sweep's exit code, after saying that nothing was removed when it only listed. */
function sweepEnd(args: ParsedArgs, io: CliIO, c: SweepCount): number {
  if (c.listed > 0 && !flagOn(args, 'dry-run')) io.stdout('Nothing was removed: run again with -force to remove what is listed.\n');
  return c.failed > 0 ? 1 : 0;
}

/** A boolean flag's last value, as Go's flag package reads it. */
function flagOn(args: ParsedArgs, name: string): boolean {
  const v = args.flags.get(name)?.at(-1);
  return v !== undefined && /^(1|t|true)$/i.test(v);
}

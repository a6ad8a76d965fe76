/**
 * amazon-import through a real template build: a null source whose artifact (artifice) is a raw disk file, handed to
 * amazon-import, against moto behind the fault proxy (test/support/aws-fault-proxy.ts).
 *
 * moto has no VM Import: ImportImage and DescribeImportImageTasks — those two calls only — are answered by the proxy
 * with recorded replies in EC2's documented XML shape (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportImage.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImportImageTasks.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportImageTask.html). The ImportImage stand-in does what
 * EC2's import does that later calls can see: it reads the uploaded disk back from moto's S3 and registers an AMI in moto
 * (RegisterImage), so the rename (CopyImage), the tags, the launch permissions, the intermediary's removal and the S3
 * delete all run against real moto.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeImageAttributeCommand, DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../../support/aws-fault-proxy';
import { startMoto, MOTO_CREDENTIALS, type Moto } from '../../support/moto';
import { texts, tempDir } from '../../engine/helpers';
import { BIN } from '../../cli/run-cli';
import { buildTemplate, loadErrors } from '../upload/harness';

const REGION = 'us-west-2';
const BUCKET = 'bakehouse-imports';
const TASK = 'import-ami-0123456789abcdef0';
const credentials = { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY };

let moto: Moto;
let proxy: FaultProxy;
let ec2: EC2Client;
let s3: S3Client;

before(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
});

after(async () => {
  ec2?.destroy();
  s3?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

const env = (): Record<string, string> => ({ ...MOTO_CREDENTIALS });

/** A folder with `disk.raw` (random bytes) and the template: artifice hands the disk to amazon-import, configured by `body`. */
function importTemplate(body: string, diskBytes = 64 * 1024): { path: string; disk: Buffer } {
  const dir = tempDir('bakehouse-import-');
  const disk = randomBytes(diskBytes);
  writeFileSync(join(dir, 'disk.raw'), disk);
  const path = join(dir, 'import.pkr.hcl');
  // Each stands unless the test's body sets that field itself.
  const defaults = { region: REGION, custom_endpoint_ec2: proxy.endpoint, s3_bucket_name: BUCKET, format: 'raw' };
  writeFileSync(
    path,
    `source "null" "disk" {
  communicator = "none"
}

build {
  sources = ["source.null.disk"]
  post-processors {
    post-processor "artifice" {
      files = ["disk.raw"]
    }
    post-processor "amazon-import" {
${Object.entries(defaults)
  .filter(([name]) => !new RegExp(`^\\s*${name}\\s*=`, 'm').test(body))
  .map(([name, value]) => `      ${name} = "${value}"`)
  .join('\n')}
      aws_polling {
        delay_seconds = 1
        max_attempts  = 10
      }
${body
  .trim()
  .split('\n')
  .map((l) => `      ${l.trim()}`)
  .join('\n')}
    }
  }
}
`,
  );
  return { path, disk };
}

const xml = (name: string, inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${name} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>0d9f7e2c-recorded</requestId>${inner}</${name}>`;

interface ImportStandIn {
  rules: FaultRule[];
  /** The form parameters of the ImportImage call EC2 would have received. */
  params(): URLSearchParams | undefined;
  /** What the disk uploaded to S3 held when EC2 came to read it. */
  uploaded(): Buffer | undefined;
  /** The AMI "the import" registered in moto. */
  imported(): string;
}

/**
 * The two VM Import calls: ImportImage reads the object back and registers the AMI; DescribeImportImageTasks answers
 * `active` once (the build has to wait), then `completed` with that AMI — or, with `failure`, `deleted` with EC2's message.
 */
function importStandIn(failure?: string): ImportStandIn {
  let params: URLSearchParams | undefined;
  let uploaded: Buffer | undefined;
  let imageId = '';
  let polls = 0;
  const task = (status: string, message: string, extra = ''): string =>
    `<importImageTaskSet><item><importTaskId>${TASK}</importTaskId><architecture>x86_64</architecture><licenseType>BYOL</licenseType><platform>Linux</platform>` +
    `<status>${status}</status><statusMessage>${message}</statusMessage>${extra}</item></importImageTaskSet>`;
  return {
    params: () => params,
    uploaded: () => uploaded,
    imported: () => imageId,
    rules: [
      {
        action: 'ImportImage',
        fault: {
          kind: 'respond',
          async body(p) {
            params = p;
            const got = await s3.send(new GetObjectCommand({ Bucket: p.get('DiskContainer.1.UserBucket.S3Bucket') ?? '', Key: p.get('DiskContainer.1.UserBucket.S3Key') ?? '' }));
            uploaded = Buffer.from(await got.Body!.transformToByteArray());
            if (!failure) imageId = (await ec2.send(new RegisterImageCommand({ Name: `import-ami-${Date.now()}`, Description: `AWS-VMImport service: ${TASK}` }))).ImageId ?? '';
            return xml('ImportImageResponse', `<importTaskId>${TASK}</importTaskId><architecture>x86_64</architecture><progress>2</progress><status>active</status><statusMessage>pending</statusMessage>`);
          },
        },
      },
      {
        action: 'DescribeImportImageTasks',
        fault: {
          kind: 'respond',
          body() {
            polls++;
            if (polls === 1) return xml('DescribeImportImageTasksResponse', task('active', 'validating', '<progress>10</progress>'));
            if (failure) return xml('DescribeImportImageTasksResponse', task('deleted', failure));
            return xml('DescribeImportImageTasksResponse', task('completed', '', `<imageId>${imageId}</imageId>`));
          },
        },
      },
    ],
  };
}

async function objects(): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key ?? '');
}

test('a raw disk is uploaded, imported, renamed, tagged and shared, and its upload deleted: the artifact is region:ami', async () => {
  const standIn = importStandIn();
  proxy.setRules(standIn.rules);
  const before = proxy.counts();
  const { path, disk } = importTemplate(`
    license_type    = "BYOL"
    role_name       = "vmimport"
    platform        = "linux"
    ami_name        = "imported-web"
    ami_description = "web server, imported"
    ami_users       = ["123456789012"]
    tags = {
      Name = "web"
      Team = "images"
    }`);
  const { events, build } = await buildTemplate(path, env());
  assert.equal(build.result, 'succeeded', build.error);

  // What EC2 was asked to import, and what it found in S3.
  const p = standIn.params()!;
  const key = p.get('DiskContainer.1.UserBucket.S3Key') ?? '';
  assert.match(key, /^packer-import-\d+\.raw$/, 'the default s3_key_name, rendered');
  assert.equal(p.get('DiskContainer.1.UserBucket.S3Bucket'), BUCKET);
  assert.equal(p.get('DiskContainer.1.Format'), 'raw');
  assert.equal(p.get('Architecture'), 'x86_64');
  assert.equal(p.get('BootMode'), 'legacy-bios');
  assert.equal(p.get('Platform'), 'linux');
  assert.equal(p.get('RoleName'), 'vmimport');
  assert.equal(p.get('LicenseType'), 'BYOL');
  assert.ok(standIn.uploaded()?.equals(disk), 'EC2 found the disk byte for byte in S3');

  // The artifact: the renamed copy, as Packer's amazon artifact under amazon-import's id.
  const artifact = build.artifacts.at(-1)!;
  const ami = /^us-west-2:(ami-[0-9a-f]+)$/.exec(artifact.id)?.[1] ?? '';
  assert.ok(ami, artifact.id);
  assert.notEqual(ami, standIn.imported());
  assert.equal(artifact.builderId, 'packer.post-processor.amazon-import');
  assert.equal(artifact.text, `AMIs were created:\nus-west-2: ${ami}\n`);
  assert.deepEqual(artifact.files, []);

  // In moto: the copy is named and tagged with its snapshot, shared; the intermediary is gone; so is the upload.
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }))).Images?.[0];
  assert.equal(image?.Name, 'imported-web');
  const tags = Object.fromEntries((image?.Tags ?? []).map((t) => [t.Key, t.Value]));
  assert.deepEqual(tags, { Name: 'web', Team: 'images' });
  const snapshot = image?.BlockDeviceMappings?.find((m) => m.Ebs?.SnapshotId)?.Ebs?.SnapshotId ?? '';
  assert.ok(snapshot, 'the copy has a snapshot');
  const snap = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshot] }))).Snapshots?.[0];
  assert.deepEqual(Object.fromEntries((snap?.Tags ?? []).map((t) => [t.Key, t.Value])), { Name: 'web', Team: 'images' });
  const launch = await ec2.send(new DescribeImageAttributeCommand({ ImageId: ami, Attribute: 'launchPermission' }));
  assert.deepEqual(launch.LaunchPermissions?.map((l) => l.UserId), ['123456789012']);
  const intermediary = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.find((i) => i.ImageId === standIn.imported());
  assert.equal(intermediary, undefined, 'the imported AMI was deregistered after the rename');
  assert.deepEqual(await objects(), [], 'the uploaded disk was deleted (skip_clean is false)');

  // The calls, counted at the proxy: one import, polled until completed, then the rename and the rest.
  const after = proxy.counts();
  const delta = (action: string): number => (after[action] ?? 0) - (before[action] ?? 0);
  assert.equal(delta('ImportImage'), 1);
  assert.equal(delta('DescribeImportImageTasks'), 3, 'active, completed, and the final read of the task');
  assert.equal(delta('CopyImage'), 1);
  assert.equal(delta('CreateTags'), 1);
  assert.equal(delta('ModifyImageAttribute'), 2, 'description and users');

  const lines = texts(events);
  for (const line of [
    `Uploading disk.raw to s3://${BUCKET}/${key}`,
    `Completed upload of disk.raw to s3://${BUCKET}/${key}`,
    "Setting license type to 'BYOL'",
    `Started import of s3://${BUCKET}/${key}, task id ${TASK}`,
    `Waiting for task ${TASK} to complete (may take a while)`,
    `Import task ${TASK} complete`,
    `Starting rename of AMI (${standIn.imported()})`,
    'AMI rename completed',
    'Adding tag "Name": "web"',
    `Tagging snapshot ${snapshot}`,
    `Tagging AMI ${ami}`,
    'Modifying: description',
    'Modifying: users',
    `Deleting import source s3://${BUCKET}/${key}`,
  ]) {
    assert.ok(lines.includes(line), `${line}\n--- in ---\n${lines.join('\n')}`);
  }
});

test('skip_clean keeps the upload, and without ami_name the imported AMI itself is the artifact', async () => {
  const standIn = importStandIn();
  proxy.setRules(standIn.rules);
  const { path } = importTemplate(`
    s3_key_name = "kept/{{timestamp}}-disk.raw"
    skip_clean  = true`);
  const { build } = await buildTemplate(path, env());
  assert.equal(build.result, 'succeeded', build.error);
  assert.equal(build.artifacts.at(-1)?.id, `us-west-2:${standIn.imported()}`);
  const key = standIn.params()?.get('DiskContainer.1.UserBucket.S3Key') ?? '';
  assert.match(key, /^kept\/\d+-disk\.raw$/);
  assert.ok((await objects()).includes(key));
});

test("a failed import fails the build in Packer's words and leaves neither the upload nor an AMI behind", async () => {
  const message = 'ClientError: Disk validation failed [Unsupported specified file format]';
  const standIn = importStandIn(message);
  proxy.setRules(standIn.rules);
  const keys = await objects();
  const amis = ((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).length;
  const { path } = importTemplate('');
  const { events, build } = await buildTemplate(path, env());
  assert.equal(build.result, 'failed');
  assert.equal(build.error?.includes(`Import task ${TASK} failed with status message: ${message}, error: import task was deleted`), true, build.error);
  const key = standIn.params()?.get('DiskContainer.1.UserBucket.S3Key') ?? '';
  assert.ok(texts(events).includes(`Deleting import source s3://${BUCKET}/${key} because the import failed`));
  assert.deepEqual(await objects(), keys);
  assert.equal(((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).length, amis);
});

test('`bakehouse build` (the bundle users run) imports, printing the artifact as Packer does', async () => {
  const standIn = importStandIn();
  proxy.setRules(standIn.rules);
  const { path } = importTemplate('ami_name = "imported-cli"');
  // Asynchronously: the stand-in answers from this process, which a synchronous spawn would block.
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [BIN, 'build', 'import.pkr.hcl'], { cwd: join(path, '..'), env: { ...process.env, NO_COLOR: '1', ...env() }, timeout: 60_000 }, (e, stdout, stderr) =>
      done({ code: e ? Number(e.code ?? -1) : 0, stdout, stderr }),
    );
  });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const ami = /--> null\.disk: AMIs were created:\nus-west-2: (ami-[0-9a-f]+)/.exec(out.stdout)?.[1] ?? '';
  assert.ok(ami, out.stdout);
  assert.equal((await ec2.send(new DescribeImagesCommand({ ImageIds: [ami] }))).Images?.[0]?.Name, 'imported-cli');
  assert.match(out.stdout, new RegExp(`null\\.disk \\(amazon-import\\): Import task ${TASK} complete`));
});

test("Packer's Configure rules: the bucket, the format, the platform a uefi import needs, arm64's boot mode", () => {
  const summaries = (body: string): string[] => loadErrors(importTemplate(body).path, env()).map((d) => d.summary);
  assert.deepEqual(summaries('format = "iso"'), ["invalid format 'iso'. Only 'ova', 'raw', 'vhd', 'vhdx', or 'vmdk' are allowed"]);
  assert.deepEqual(summaries('boot_mode = "uefi"'), ["invalid platform '', 'platform' must be set for 'uefi' image imports"]);
  assert.deepEqual(summaries('architecture = "arm64"\nboot_mode = "legacy-bios"'), ["invalid boot mode 'legacy-bios' for 'arm64' architecture"]);
  assert.deepEqual(summaries('platform = "macos"'), ["invalid platform 'macos'. Only 'linux' and 'windows' are allowed"]);
  assert.deepEqual(summaries('s3_bucket_name = ""'), ['s3_bucket_name must be set']);
});

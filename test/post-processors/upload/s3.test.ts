/**
 * The upload post-processor against moto's S3 (an independent implementation of the wire protocol, the same server the
 * amazon-ebs tests use): a 12 MiB artifact goes up in three 5 MiB parts through a real template build, is read back
 * byte for byte, and its SHA-256 is the one the build checked; a bad destination and refused credentials say what is wrong.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startMoto, MOTO_CREDENTIALS, type Moto } from '../../support/moto';
import { texts } from '../../engine/helpers';
import { runBakehouse } from '../../cli/run-cli';
import { artifactFolder, buildTemplate, loadErrors, MIB, writeTemplate } from './harness';

const BUCKET = 'bakehouse-images';
let moto: Moto;
let s3: S3Client;

const env = (): Record<string, string> => ({ ...MOTO_CREDENTIALS, AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_REGION: 'eu-west-1' });

before(async () => {
  moto = await startMoto();
  s3 = new S3Client({
    region: 'eu-west-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
});

after(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function read(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('a 12 MiB artifact uploads to S3 in parts, reads back identical, with its SHA-256 checked and its URLs as the artifact', async () => {
  const { dir, disk, notes } = artifactFolder();
  const path = writeTemplate(dir, `destination = "s3://${BUCKET}/images/nightly"`);
  const { events, build } = await buildTemplate(path, env());
  assert.equal(build.result, 'succeeded', build.error);

  assert.deepEqual((await read('images/nightly/disk.img')).equals(disk), true);
  assert.deepEqual((await read('images/nightly/notes.txt')).equals(notes), true);
  // Multipart really happened: S3's ETag of a multipart object ends in its part count.
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/nightly/disk.img' }));
  assert.match(head.ETag ?? '', /-3"$/);

  const upload = build.artifacts.at(-1)!;
  const urls = [`${moto.endpoint}/${BUCKET}/images/nightly/disk.img`, `${moto.endpoint}/${BUCKET}/images/nightly/notes.txt`];
  assert.equal(upload.builderId, 'bakehouse.post-processor.upload');
  assert.deepEqual(upload.files, urls);
  assert.equal(upload.id, `s3://${BUCKET}/images/nightly/`);
  assert.equal(upload.text, `Uploaded to s3://${BUCKET}/images/nightly/: ${urls.join(', ')}`);
  assert.deepEqual(upload.state.sha256, { [urls[0]]: sha256(disk), [urls[1]]: sha256(notes) });

  const lines = texts(events);
  assert.ok(lines.includes(`Uploading 2 files to s3://${BUCKET}/images/nightly/`), lines.join('\n'));
  assert.ok(lines.includes(`disk.img: SHA-256 ${sha256(disk)} checked against S3's SHA-256 of its 3 parts`), lines.join('\n'));
  assert.ok(lines.includes(`notes.txt: SHA-256 ${sha256(notes)} checked against S3's SHA-256 of the object`), lines.join('\n'));
  // Progress as the parts arrive, ending at the whole file.
  const progress = lines.filter((l) => /^disk\.img: [\d.]+ MiB of 12\.0 MiB \(\d+%\)$/.test(l));
  assert.ok(progress.length >= 2, lines.join('\n'));
  assert.equal(progress.at(-1), 'disk.img: 12.0 MiB of 12.0 MiB (100%)');
  assert.ok(lines.includes(`disk.img => ${urls[0]}`));
});

test('a destination S3 could not take is an error naming the field, before the build or when the bucket is missing', async () => {
  const { dir } = artifactFolder(1024);
  const bad = loadErrors(writeTemplate(dir, 'destination = "s3://No_Such/x/"'));
  assert.equal(bad.length, 1);
  assert.match(bad[0].summary, /^destination: "no_such" is not an S3 bucket name/i);
  assert.equal(bad[0].range?.start.line, 12, 'points at the destination attribute');
  const scheme = loadErrors(writeTemplate(dir, 'destination = "ftp://host/x/"'));
  assert.match(scheme[0]?.summary ?? '', /^destination: the scheme "ftp:" is not one upload sends to/);
  const blobFields = loadErrors(writeTemplate(dir, 'destination = "https://acct.blob.core.windows.net/images/"\nregion = "us-east-1"'));
  assert.match(blobFields[0]?.summary ?? '', /^region: applies to s3:\/\/ destinations only/);

  const { build } = await buildTemplate(writeTemplate(dir, 'destination = "s3://no-such-bucket/x/"'), env());
  assert.equal(build.result, 'failed');
  assert.match(build.error ?? '', /destination: the bucket "no-such-bucket" does not exist/);
});

test('credentials S3 refuses fail the build saying where they came from, with the secret masked', async () => {
  const guarded = await startMoto({ auth: true });
  try {
    const { dir } = artifactFolder(1024);
    const secret = 'not-the-right-secret-0123456789';
    const started = Date.now();
    const fromTemplate = await buildTemplate(writeTemplate(dir, `destination = "s3://${BUCKET}/x/"\naccess_key = "AKIAWRONGWRONGWRONG1"\nsecret_key = "${secret}"\nmax_retries = 0`), {
      AWS_ENDPOINT_URL_S3: guarded.endpoint,
    });
    assert.equal(fromTemplate.build.result, 'failed');
    assert.match(fromTemplate.build.error ?? '', /InvalidAccessKeyId.*AWS refused the credentials from the template's access_key\/secret_key/);
    assert.ok(Date.now() - started < 5000, 'refused within 5 s');
    assert.ok(!JSON.stringify(fromTemplate.events).includes(secret), 'the secret key appears in no event');

    const fromEnv = await buildTemplate(writeTemplate(dir, `destination = "s3://${BUCKET}/x/"`), {
      AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG2',
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_ENDPOINT_URL: guarded.endpoint,
    });
    assert.match(fromEnv.build.error ?? '', /AWS refused the credentials from the environment \(AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\)/);
    assert.ok(!JSON.stringify(fromEnv.events).includes(secret));
  } finally {
    await guarded.stop();
  }
});

test('an amazon credential bound to the build is what the upload signs with', async () => {
  const { dir, notes } = artifactFolder(1024);
  const secret = 'bound-secret-0123456789abcdef';
  const credential = { name: 'aws-images', kind: 'amazon' as const, fields: { access_key: 'AKIABOUNDBOUNDBOUND1', secret_key: secret } };
  // No keys in the environment: without the binding the SDK's chain would find none.
  const { events, build } = await buildTemplate(writeTemplate(dir, `destination = "s3://${BUCKET}/bound/"`, ['notes.txt']), { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_REGION: 'eu-west-1' }, [credential]);
  assert.equal(build.result, 'succeeded', build.error);
  assert.ok((await read('bound/notes.txt')).equals(notes));
  assert.ok(!JSON.stringify(events).includes(secret));
});

test('a build cancelled during the upload stops it and leaves no multipart upload behind in S3', async () => {
  const { dir } = artifactFolder(24 * MIB);
  let cancelledAt = '';
  const { build } = await buildTemplate(writeTemplate(dir, `destination = "s3://${BUCKET}/cancelled/"`, ['disk.img']), env(), [], (e, run) => {
    if (!cancelledAt && e.kind === 'message' && /^disk\.img: .* \(\d+%\)$/.test(e.text)) {
      cancelledAt = e.text;
      run.cancel();
    }
  });
  assert.ok(cancelledAt, 'progress was reported before the cancel');
  assert.equal(build.result, 'cancelled', build.error);
  const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'cancelled/' }));
  assert.deepEqual(open.Uploads ?? [], []);
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'cancelled/' }));
  assert.equal(objects.KeyCount ?? 0, 0);
});

test('`bakehouse build` (the bundle users run) uploads to S3', async () => {
  const { dir, notes } = artifactFolder(1024);
  writeTemplate(dir, `destination = "s3://${BUCKET}/cli/"`, ['notes.txt']);
  const r = runBakehouse(['build', 'upload.pkr.hcl'], { cwd: dir, env: env() });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`--> null\\.image: Uploaded to s3://${BUCKET}/cli/: ${moto.endpoint}/${BUCKET}/cli/notes\\.txt`));
  assert.ok((await read('cli/notes.txt')).equals(notes));
});

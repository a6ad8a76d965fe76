/**
 * The upload post-processor against Azurite (Microsoft's own Blob storage emulator): a 12 MiB artifact goes up in
 * MD5-checked blocks through a real template build, authenticated by AZURE_STORAGE_CONNECTION_STRING or by a SAS, and is
 * read back byte for byte; a missing container, a bad destination and a refused SAS say what is wrong, the SAS masked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BlobSASPermissions, ContainerClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type Azurite } from '../../support/azurite';
import { texts } from '../../engine/helpers';
import { runBakehouse } from '../../cli/run-cli';
import { artifactFolder, buildTemplate, loadErrors, MIB, writeTemplate } from './harness';

const CONTAINER = 'images';
let azurite: Azurite;
let container: ContainerClient;

before(async () => {
  azurite = await startAzurite();
  container = new ContainerClient(`${azurite.serviceUrl}/${CONTAINER}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
  await container.create();
});

after(async () => {
  await azurite?.stop();
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A SAS for the container signed with `key` (the account's, or a wrong one). */
function containerSas(permissions: string, key = AZURITE_KEY): string {
  return generateBlobSASQueryParameters(
    { containerName: CONTAINER, permissions: BlobSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3600_000) },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, key),
  ).toString();
}

test('a 12 MiB artifact uploads to Blob storage in MD5-checked blocks with the connection string, and reads back identical', async () => {
  const { dir, disk, notes } = artifactFolder();
  const destination = `${azurite.serviceUrl}/${CONTAINER}/nightly/`;
  const { events, build } = await buildTemplate(writeTemplate(dir, `destination = "${destination}"`), { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString });
  assert.equal(build.result, 'succeeded', build.error);

  const blob = container.getBlockBlobClient('nightly/disk.img');
  assert.ok((await blob.downloadToBuffer()).equals(disk));
  assert.ok((await container.getBlockBlobClient('nightly/notes.txt').downloadToBuffer()).equals(notes));
  const blocks = await blob.getBlockList('committed');
  assert.deepEqual(blocks.committedBlocks?.map((b) => b.size), [4, 4, 4].map((m) => m * 1024 * 1024));
  const props = await blob.getProperties();
  assert.deepEqual(Buffer.from(props.contentMD5!), createHash('md5').update(disk).digest());
  assert.equal(props.metadata?.sha256, sha256(disk));

  const upload = build.artifacts.at(-1)!;
  const urls = [`${destination}disk.img`, `${destination}notes.txt`];
  assert.equal(upload.builderId, 'bakehouse.post-processor.upload');
  assert.deepEqual(upload.files, urls);
  assert.deepEqual(upload.state.sha256, { [urls[0]]: sha256(disk), [urls[1]]: sha256(notes) });
  const lines = texts(events);
  assert.ok(lines.includes(`disk.img: SHA-256 ${sha256(disk)} checked against Blob storage's MD5 of each of its 3 blocks`), lines.join('\n'));
  assert.equal(lines.filter((l) => /^disk\.img: [\d.]+ MiB of 12\.0 MiB \(\d+%\)$/.test(l)).at(-1), 'disk.img: 12.0 MiB of 12.0 MiB (100%)');
  assert.ok(!JSON.stringify(events).includes(AZURITE_KEY.slice(0, 20)), 'the account key appears in no event');
});

test('a SAS in the destination or in sas_token authenticates, and never appears in the artifact or the events', async () => {
  const { dir, notes } = artifactFolder(1024);
  const sas = containerSas('rcw');
  const inUrl = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/by-url?${sas}"`, ['notes.txt']), {});
  assert.equal(inUrl.build.result, 'succeeded', inUrl.build.error);
  assert.deepEqual(inUrl.build.artifacts.at(-1)!.files, [`${azurite.serviceUrl}/${CONTAINER}/by-url/notes.txt`]);
  assert.ok((await container.getBlockBlobClient('by-url/notes.txt').downloadToBuffer()).equals(notes));
  const signature = new URLSearchParams(sas).get('sig')!;
  assert.ok(!JSON.stringify(inUrl.events).includes(signature) && !JSON.stringify(inUrl.events).includes(encodeURIComponent(signature)));

  const field = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/by-field/"\nsas_token = "?${sas}"`, ['notes.txt']), {});
  assert.equal(field.build.result, 'succeeded', field.build.error);
  assert.ok((await container.getBlockBlobClient('by-field/notes.txt').downloadToBuffer()).equals(notes));

  // A write-only SAS uploads, but cannot read the blob back to check it: the build says so rather than passing unchecked.
  const writeOnly = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/write-only/"\nsas_token = "${containerSas('cw')}"`, ['notes.txt']), {});
  assert.match(writeOnly.build.error ?? '', /notes\.txt: uploaded to .*\/write-only\/notes\.txt, but the credentials may not read it back to check it \(a SAS needs read permission, r/);
});

test('a SAS Blob storage refuses fails the build naming where it came from, masked', async () => {
  const { dir } = artifactFolder(1024);
  const wrong = containerSas('rcw', Buffer.from('not the account key').toString('base64'));
  const started = Date.now();
  const { events, build } = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/x/"\nsas_token = "${wrong}"\nmax_retries = 0`, ['notes.txt']), {});
  assert.equal(build.result, 'failed');
  assert.match(build.error ?? '', /^\* Post-processor failed: Authori[sz]ationFailure: Blob storage refused the credentials from the sas_token field/m);
  assert.ok(Date.now() - started < 5000, 'refused within 5 s');
  const signature = new URLSearchParams(wrong).get('sig')!;
  assert.ok(!JSON.stringify(events).includes(signature) && !JSON.stringify(events).includes(encodeURIComponent(signature)));
});

test('a missing container, a bad destination or no credentials are errors naming the field', async () => {
  const { dir } = artifactFolder(1024);
  const missing = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/no-such-container/x/"`, ['notes.txt']), {
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  });
  assert.match(missing.build.error ?? '', /destination: the container "no-such-container" does not exist in the account "devstoreaccount1"/);

  const none = await buildTemplate(writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/x/"`, ['notes.txt']), {});
  assert.match(none.build.error ?? '', /sas_token: no credentials for Blob storage/);

  const other = await buildTemplate(writeTemplate(dir, `destination = "https://otheraccount.blob.core.windows.net/${CONTAINER}/"`, ['notes.txt']), {
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
  });
  assert.match(other.build.error ?? '', /destination: the account is "otheraccount", but AZURE_STORAGE_CONNECTION_STRING is for "devstoreaccount1"/);

  const cases: Array<[string, RegExp]> = [
    ['http://example.com/acct/images/', /^destination: Blob storage is reached over https/],
    ['https://acct.blob.core.windows.net/', /^destination: the URL names no container/],
    ['https://acct.blob.core.windows.net/Bad_Name/', /^destination: "Bad_Name" is not a Blob container name/],
    ['https://example.com/images/', /^destination: "example.com" is not a Blob storage endpoint/],
    ['https://bucket.s3.amazonaws.com/x/', /^destination: write an S3 destination as s3:\/\/bucket\/prefix\//],
    ['s3://bucket/x/" \n sas_token = "sv=1', /^sas_token: applies to Blob destinations only/],
  ];
  for (const [destination, expected] of cases) {
    const errors = loadErrors(writeTemplate(dir, `destination = "${destination}"`));
    assert.match(errors[0]?.summary ?? '(no error)', expected, destination);
  }
});

test('`bakehouse build` (the bundle users run) uploads to Blob storage', async () => {
  const { dir, notes } = artifactFolder(1024);
  writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/cli/"`, ['notes.txt']);
  const r = runBakehouse(['build', 'upload.pkr.hcl'], { cwd: dir, env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`--> null\\.image: Uploaded to ${azurite.serviceUrl}/${CONTAINER}/cli/: ${azurite.serviceUrl}/${CONTAINER}/cli/notes\\.txt`));
  assert.ok((await container.getBlockBlobClient('cli/notes.txt').downloadToBuffer()).equals(notes));
});

test('a build cancelled during the upload stops it and commits no blob (Blob storage drops uncommitted blocks itself)', async () => {
  const { dir } = artifactFolder(24 * MIB);
  let cancelledAt = '';
  const path = writeTemplate(dir, `destination = "${azurite.serviceUrl}/${CONTAINER}/cancelled/"`, ['disk.img']);
  const { build } = await buildTemplate(path, { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, [], (e, run) => {
    if (!cancelledAt && e.kind === 'message' && /^disk\.img: .* \(\d+%\)$/.test(e.text)) {
      cancelledAt = e.text;
      run.cancel();
    }
  });
  assert.ok(cancelledAt, 'progress was reported before the cancel');
  assert.equal(build.result, 'cancelled', build.error);
  assert.equal(await container.getBlockBlobClient('cancelled/disk.img').exists(), false);
});

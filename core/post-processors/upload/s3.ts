/**
 * Uploads to S3 through @aws-sdk/lib-storage's `Upload` (AWS's multipart uploader: parts in parallel, each request retried
 * by the client, the multipart upload aborted when it fails), with a client set up as the amazon builders' are
 * (core/cloud/aws/: the template's keys or profile, a bound credential written into those fields, else the build's
 * environment and the SDK's chain; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL honoured).
 *
 * Integrity: every request carries the SHA-256 of its part (ChecksumAlgorithm SHA256), which S3 itself checks on arrival
 * and refuses with BadDigest when it differs. After the upload the object's stored checksum (HeadObject with checksum
 * mode on) is compared with the one computed here from the file: the whole file's SHA-256 for a single PutObject, the
 * SHA-256 of the parts' SHA-256s for a multipart object, so a part lost or put in the wrong order is caught too, without
 * downloading the object again. A store that keeps no checksum (some S3-compatible ones) is read back and hashed instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AccessSettings } from '../../cloud/aws/access';
import { awsClientSetup, awsErrorCode, describeAwsError } from '../../cloud/aws/client';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { S3Destination } from './destination';
import { hashFile, type FileHashes } from './file-hashes';
import type { LocalFile, StorageTarget } from './transport';

/** S3's smallest part but the last, and its most parts per upload. */
const MIN_PART = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Parts in flight at once per file. */
const QUEUE_SIZE = 4;

/** S3 redirects a request to the bucket's own region (followRegionRedirects), so a region is only a starting point. */
const DEFAULT_REGION = 'us-east-1';

/** Server-side encryption asked of S3 (amazon-import's s3_encryption, s3_encryption_key). */
export interface S3Encryption {
  serverSideEncryption?: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
}

/** An S3 target can also remove what it stored: amazon-import deletes the disk it uploaded once EC2 has imported it. */
export interface S3Target extends StorageTarget {
  /** DeleteObject of `key` in the destination's bucket; its own signal, so a cancelled build can still clean up. */
  remove(key: string, signal: AbortSignal): Promise<Result>;
}

/** `signal`: the build's; a cancel stops every request of this client. */
export async function s3Target(
  dest: S3Destination,
  access: AccessSettings,
  env: Record<string, string | undefined>,
  signal: AbortSignal,
  encryption: S3Encryption = {},
): Promise<Result<S3Target>> {
  const region = access.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION;
  const setup = await awsClientSetup({ ...access, region }, env, 's3');
  if (!setup.ok) return setup;
  const sdk = await import('@aws-sdk/client-s3');
  const endpoint = setup.value.options.endpoint;
  const client = new sdk.S3Client({
    region,
    ...setup.value.options,
    // A custom endpoint (an S3-compatible store, an emulator on 127.0.0.1) seldom has DNS for bucket.host names.
    forcePathStyle: endpoint !== undefined,
    followRegionRedirects: true,
  });
  abortEveryRequest(client, signal);
  const credentialsFrom = setup.value.credentialsFrom;
  const urlOf = (key: string): string => {
    const path = key.split('/').map(encodeURIComponent).join('/');
    return endpoint ? `${endpoint.replace(/\/+$/, '')}/${dest.bucket}/${path}` : `https://${dest.bucket}.s3.${region}.amazonaws.com/${path}`;
  };
  return ok({
    credentialsFrom,
    close: () => client.destroy(),
    async send(file, progress) {
      const key = dest.prefix + file.name;
      const partSize = partSizeFor(file.size);
      const hashes = hashFile(file.path, partSize, signal);
      // Awaited below; a read error before then must not surface as an unhandled rejection.
      hashes.catch(() => undefined);
      try {
        const { Upload } = await import('@aws-sdk/lib-storage');
        const upload = new Upload({
          client,
          params: {
            Bucket: dest.bucket,
            Key: key,
            Body: createReadStream(file.path),
            ChecksumAlgorithm: 'SHA256',
            ...(encryption.serverSideEncryption ? { ServerSideEncryption: encryption.serverSideEncryption } : {}),
            ...(encryption.kmsKeyId ? { SSEKMSKeyId: encryption.kmsKeyId } : {}),
          },
          partSize,
          queueSize: QUEUE_SIZE,
          leavePartsOnError: false,
        });
        upload.on('httpUploadProgress', (p) => progress(p.loaded ?? 0));
        const abort = (): void => void upload.abort();
        signal.addEventListener('abort', abort, { once: true });
        try {
          await upload.done();
        } catch (e) {
          // lib-storage's done() rejects at once on abort, before it gets round to aborting the multipart upload; the
          // parts already sent would stay in the bucket (and on its bill) until a lifecycle rule removed them.
          if (signal.aborted && upload.uploadId) await abortMultipart(client, sdk, dest.bucket, key, upload.uploadId);
          throw e;
        } finally {
          signal.removeEventListener('abort', abort);
        }
        const checked = await verify(client, sdk, dest.bucket, key, file, await hashes, signal);
        if (!checked.ok) return checked;
        return ok({ url: urlOf(key), size: file.size, sha256: (await hashes).sha256.toString('hex'), checkedBy: checked.value });
      } catch (e) {
        if (signal.aborted) return err(CANCELLED);
        return err(describeS3Error(e, dest, key, credentialsFrom));
      }
    },
    async remove(key, removeSignal) {
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: dest.bucket, Key: key }), { abortSignal: removeSignal });
        return ok();
      } catch (e) {
        return err(describeAwsError(e, credentialsFrom));
      }
    },
  });
}

/**
 * lib-storage sends its parts without an abort signal, so after a cancel the parts in flight would go on, and be retried
 * for a minute once S3 refused them. Every request of this client is given the build's signal unless it brings its own.
 */
function abortEveryRequest(client: S3Client, signal: AbortSignal): void {
  const base = client.config.requestHandler;
  type Options = { abortSignal?: AbortSignal } | undefined;
  const handle = (request: Parameters<typeof base.handle>[0], options?: Options) => base.handle(request, { ...options, abortSignal: options?.abortSignal ?? signal });
  client.config.requestHandler = Object.assign(Object.create(base) as typeof base, { handle });
}

async function abortMultipart(client: S3Client, sdk: S3Sdk, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    // Its own signal: the build's is the one that was just aborted.
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: new AbortController().signal });
  } catch {
    // lib-storage may have aborted it meanwhile (NoSuchUpload); the build is cancelled either way.
  }
}

/** Parts of at least 5 MiB, few enough for S3's 10,000, in whole MiB. */
function partSizeFor(size: number): number {
  const mib = 1024 * 1024;
  return Math.max(MIN_PART, Math.ceil(size / MAX_PARTS / mib) * mib);
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** How the stored object was found to be the file, or why it was not. */
async function verify(client: S3Client, sdk: S3Sdk, bucket: string, key: string, file: LocalFile, hashes: FileHashes, signal: AbortSignal): Promise<Result<string>> {
  const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: signal });
  if (head.ContentLength !== undefined && head.ContentLength !== file.size) {
    return err(`${file.name}: S3 holds ${head.ContentLength} bytes, the file has ${file.size}`);
  }
  const whole = hashes.sha256.toString('base64');
  if (head.ChecksumSHA256) {
    // A multipart object's checksum is the SHA-256 of its parts' SHA-256s; S3 may add "-<parts>" to it.
    const stored = head.ChecksumSHA256.replace(/-\d+$/, '');
    const ofParts = createHash('sha256').update(Buffer.concat(hashes.partSha256)).digest('base64');
    if (stored === whole) return ok("S3's SHA-256 of the object");
    if (stored === ofParts) return ok(`S3's SHA-256 of its ${hashes.partSha256.length} parts`);
    return err(`${file.name}: the SHA-256 S3 stored (${head.ChecksumSHA256}) is not the file's (${whole}${hashes.partSha256.length > 1 ? `, or ${ofParts} of its parts` : ''})`);
  }
  const got = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  const h = createHash('sha256');
  for await (const chunk of got.Body as AsyncIterable<Uint8Array>) h.update(chunk);
  const read = h.digest('base64');
  if (read !== whole) return err(`${file.name}: the object read back from S3 has SHA-256 ${read}, the file ${whole}`);
  return ok('reading the object back (S3 kept no checksum)');
}

function describeS3Error(e: unknown, dest: S3Destination, key: string, credentialsFrom: string): string {
  const code = awsErrorCode(e);
  if (code === 'NoSuchBucket') return `destination: the bucket "${dest.bucket}" does not exist (S3 answered NoSuchBucket)`;
  if (code === 'AccessDenied') return `AccessDenied: uploading s3://${dest.bucket}/${key} was refused for the credentials from ${credentialsFrom}`;
  return `uploading s3://${dest.bucket}/${key}: ${describeAwsError(e, credentialsFrom)}`;
}

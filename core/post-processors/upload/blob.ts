/**
 * Uploads to Azure Blob storage through @azure/storage-blob: each file becomes a block blob staged in blocks, several in
 * flight at once, each request retried by the SDK's storage retry policy, then committed as one block list.
 *
 * Integrity: Blob storage computes no SHA-256, and for a blob committed from blocks it computes no hash of the whole
 * either. What it does verify is each Put Block's Content-MD5 (transactionalContentMD5), refusing a block whose bytes
 * differ, so every block is sent with its MD5. After the commit the committed block list (ids and sizes, in order) and
 * the blob's length are compared with the file's, and the whole file's MD5 is stored as the blob's Content-MD5 (what
 * azcopy and the SDKs check on download) with its SHA-256 in the blob's metadata (`sha256`), so a later reader can check
 * either.
 */
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { TokenCredential } from '@azure/core-auth';
import { resolveCloud } from '../../cloud/azure/cloud';
import { principalCredential } from '../../cloud/azure/credentials';
import type { BlobAuth } from './blob-auth';
import type { BlobDestination } from './destination';
import { hashFile } from './file-hashes';
import type { LocalFile, StorageTarget, UploadedFile } from './transport';

const MIB = 1024 * 1024;
/** Blob storage's most blocks per blob. */
const MAX_BLOCKS = 50_000;
const MIN_BLOCK = 4 * MIB;
/** Blocks in flight at once per file. */
const CONCURRENCY = 4;

export async function blobTarget(dest: BlobDestination, auth: BlobAuth, maxRetries: number, env: Record<string, string | undefined>): Promise<Result<StorageTarget>> {
  const sdk = await import('@azure/storage-blob');
  let credential: InstanceType<typeof sdk.StorageSharedKeyCredential> | InstanceType<typeof sdk.AnonymousCredential> | TokenCredential;
  if (auth.kind === 'principal') {
    // The authority (and a private cloud's CA) as the azure-arm builder finds them from the build's environment.
    const cloud = await resolveCloud({ cloudEnvironmentName: '', metadataHost: '' }, env);
    if (!cloud.ok) return cloud;
    credential = await principalCredential(auth.principal, cloud.value, auth.tenantId);
  } else {
    credential = auth.kind === 'shared-key' ? new sdk.StorageSharedKeyCredential(auth.account, auth.key) : new sdk.AnonymousCredential();
  }
  const query = auth.kind === 'sas' ? `?${auth.sas}` : '';
  const container = new sdk.ContainerClient(`${dest.serviceUrl}/${encodeURIComponent(dest.container)}${query}`, credential, {
    retryOptions: { maxTries: Math.max(1, maxRetries + 1) },
  });
  return ok({
    credentialsFrom: auth.source,
    // The SDK's pipeline shares Node's keep-alive agent, which lets idle sockets go by itself.
    close: () => undefined,
    async send(file, progress, signal) {
      const name = dest.prefix + file.name;
      const url = `${dest.serviceUrl}/${dest.container}/${name.split('/').map(encodeURIComponent).join('/')}`;
      try {
        return await sendBlob(container, name, url, file, progress, signal);
      } catch (e) {
        if (signal.aborted) return err(CANCELLED);
        return err(describeBlobError(e, dest, url, auth.source));
      }
    },
  });
}

async function sendBlob(container: ContainerClient, name: string, url: string, file: LocalFile, progress: (sent: number) => void, signal: AbortSignal): Promise<Result<UploadedFile>> {
  const blob = container.getBlockBlobClient(name);
  const blockSize = Math.max(MIN_BLOCK, Math.ceil(file.size / MAX_BLOCKS / MIB) * MIB);
  const count = Math.ceil(file.size / blockSize);
  // Every block id of a blob must have the same length.
  const ids = Array.from({ length: count }, (_, i) => Buffer.from(`bakehouse-block-${String(i).padStart(6, '0')}`).toString('base64'));
  const hashes = hashFile(file.path, blockSize, signal);
  hashes.catch(() => undefined);
  const sent = new Array<number>(count).fill(0);
  // The first block that fails stops the others: the upload has failed, and the file is about to be closed.
  const failed = new AbortController();
  const blockSignal = AbortSignal.any([signal, failed.signal]);
  const handle = await open(file.path, 'r');
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count && !blockSignal.aborted; i = next++) {
        const length = Math.min(blockSize, file.size - i * blockSize);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, i * blockSize);
        if (bytesRead !== length) throw new Error(`${file.name} changed while it was being uploaded`);
        await blob.stageBlock(ids[i], buffer, length, {
          transactionalContentMD5: createHash('md5').update(buffer).digest(),
          abortSignal: blockSignal,
          onProgress: (p) => {
            sent[i] = p.loadedBytes;
            progress(sent.reduce((a, b) => a + b, 0));
          },
        });
        sent[i] = length;
        progress(sent.reduce((a, b) => a + b, 0));
      }
    };
    const workers = Array.from({ length: Math.min(CONCURRENCY, Math.max(1, count)) }, () =>
      worker().catch((e: unknown) => {
        failed.abort();
        throw e;
      }),
    );
    const rejected = (await Promise.allSettled(workers)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // The failure to report is the first block's own, not the aborts it caused in the others.
    if (rejected.length > 0) throw (rejected.find((r) => !isAbortOf(r.reason, failed.signal)) ?? rejected[0]).reason;
  } finally {
    await handle.close();
  }
  const { md5, sha256 } = await hashes;
  await blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: md5 }, metadata: { sha256: sha256.toString('hex') }, abortSignal: signal });
  if (count === 0) progress(0);

  let committed;
  try {
    committed = await blob.getBlockList('committed', { abortSignal: signal });
  } catch (e) {
    // The blob is there, but a write-only SAS cannot read it back to check it.
    if (!signal.aborted && (e as RestErrorLike).statusCode === 403) {
      return err(`${file.name}: uploaded to ${url}, but the credentials may not read it back to check it (a SAS needs read permission, r, besides create and write)`);
    }
    throw e;
  }
  const blocks = committed.committedBlocks ?? [];
  const expectedSize = (i: number): number => Math.min(blockSize, file.size - i * blockSize);
  if (blocks.length !== count || blocks.some((b, i) => b.name !== ids[i] || b.size !== expectedSize(i))) {
    return err(`${file.name}: the blob's committed blocks are not the ones sent (${blocks.length} of ${count})`);
  }
  const props = await blob.getProperties({ abortSignal: signal });
  if (props.contentLength !== file.size) return err(`${file.name}: the blob holds ${props.contentLength} bytes, the file has ${file.size}`);
  if (props.contentMD5 && !Buffer.from(props.contentMD5).equals(md5)) return err(`${file.name}: the blob's Content-MD5 is not the file's`);
  const checkedBy = count === 1 ? "Blob storage's MD5 of its block" : `Blob storage's MD5 of each of its ${count} blocks`;
  return ok({ url, size: file.size, sha256: sha256.toString('hex'), checkedBy });
}

/** A block stopped because another failed, rather than a failure of its own. */
function isAbortOf(e: unknown, stopped: AbortSignal): boolean {
  return stopped.aborted && typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
}

function describeBlobError(e: unknown, dest: BlobDestination, url: string, source: string): string {
  const r = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as RestErrorLike;
  const firstLine = (r.message ?? '').split('\n')[0];
  if (r.code === 'ContainerNotFound') return `destination: the container "${dest.container}" does not exist in the account "${dest.account}"`;
  if (r.statusCode === 403 || r.code === 'AuthenticationFailed' || r.code === 'AuthorizationFailure' || r.code === 'AuthorizationPermissionMismatch') {
    return `${r.code ?? 'Forbidden'}: Blob storage refused the credentials from ${source} for ${url}`;
  }
  // @azure/identity's failures: the identity platform refused the principal before Blob storage saw a request.
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'AuthenticationError' || name === 'CredentialUnavailableError' || /AADSTS\d+/.test(firstLine)) {
    const aadsts = /AADSTS\d+:[^.]*\./.exec(firstLine)?.[0];
    return `the identity platform refused ${source}: ${aadsts ?? firstLine}`;
  }
  if (r.code === 'ECONNREFUSED' || r.code === 'ENOTFOUND' || r.code === 'REQUEST_SEND_ERROR') return `destination: cannot reach ${dest.serviceUrl}: ${firstLine}`;
  return `uploading ${url}: ${r.code ? `${r.code}: ` : ''}${firstLine}`;
}

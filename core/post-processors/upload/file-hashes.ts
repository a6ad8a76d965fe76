/** The hashes of a local file the upload checks the service's copy against, read in one pass. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileHashes {
  sha256: Buffer;
  md5: Buffer;
  /** SHA-256 of each `partSize` slice, in order (what S3 computes a multipart object's checksum from). */
  partSha256: Buffer[];
}

export async function hashFile(path: string, partSize: number, signal: AbortSignal): Promise<FileHashes> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  const parts: Buffer[] = [];
  let part: Hash = createHash('sha256');
  let inPart = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    md5.update(chunk);
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(partSize - inPart, chunk.length - at);
      part.update(chunk.subarray(at, at + take));
      inPart += take;
      at += take;
      if (inPart === partSize) {
        parts.push(part.digest());
        part = createHash('sha256');
        inPart = 0;
      }
    }
  }
  if (inPart > 0 || parts.length === 0) parts.push(part.digest());
  return { sha256: sha256.digest(), md5: md5.digest(), partSha256: parts };
}

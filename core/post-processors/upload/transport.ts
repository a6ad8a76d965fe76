/** What the upload post-processor asks of a storage service, whichever it is (s3.ts, blob.ts). */
import type { Result } from '../../common/result';
import type { ProgressListener } from './progress';

export interface LocalFile {
  /** Absolute path on this machine. */
  path: string;
  /** The object's name under the destination's prefix: the file's base name. */
  name: string;
  size: number;
}

export interface UploadedFile {
  /** The object's address, without any credential in it. */
  url: string;
  size: number;
  /** Hex SHA-256 of the file, as checked against what the service stored. */
  sha256: string;
  /** How the service's copy was checked, for the user: "S3's SHA-256 of 3 parts". */
  checkedBy: string;
}

export interface StorageTarget {
  /** Where the credentials came from, in the user's words, for errors. */
  credentialsFrom: string;
  send(file: LocalFile, progress: ProgressListener, signal: AbortSignal): Promise<Result<UploadedFile>>;
  /** Lets go of the connections it keeps open, so a finished build leaves no sockets behind. */
  close(): void;
}

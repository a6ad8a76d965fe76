/**
 * The upload's artifact: its files are the objects' URLs, its id the destination. It has no `destroy`: the uploaded
 * objects are what the user asked for, and a later post-processor that does not keep its input must not delete them.
 */
import type { Artifact } from '../../engine/artifact';
import type { UploadedFile } from './transport';

export const UPLOAD_BUILDER_ID = 'bakehouse.post-processor.upload';

export function uploadArtifact(destination: string, uploaded: readonly UploadedFile[]): Artifact {
  const urls = uploaded.map((u) => u.url);
  return {
    id: destination,
    builderId: UPLOAD_BUILDER_ID,
    files: urls,
    text: `Uploaded to ${destination}: ${urls.join(', ')}`,
    state: { sha256: Object.fromEntries(uploaded.map((u) => [u.url, u.sha256])) },
  };
}

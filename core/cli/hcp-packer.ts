/**
 * HCP Packer: Packer 1.14 publishes a build's metadata to an HCP Packer bucket when HCP credentials are in the
 * environment and the template names a bucket (an `hcp_packer_registry` block, or HCP_PACKER_BUCKET_NAME). Bakehouse
 * keeps the registry block in the model but publishes nothing, so a user who expects publishing is told so.
 */
import type { TemplateModel } from '../template/model';
import { warning, type Diagnostic } from '../template/source';

const CREDENTIALS = ['HCP_CLIENT_ID', 'HCP_CLIENT_SECRET'];

export function hcpPublishingWarning(model: TemplateModel, env: Record<string, string | undefined>): Diagnostic | undefined {
  if (!CREDENTIALS.some((name) => env[name])) return undefined;
  // HCP_PACKER_REGISTRY=off is how Packer users turn publishing off.
  if (env.HCP_PACKER_REGISTRY?.toLowerCase() === 'off') return undefined;
  const registry = model.hcpPackerRegistry ?? model.builds.find((b) => b.hcpPackerRegistry)?.hcpPackerRegistry;
  if (!registry && !env.HCP_PACKER_BUCKET_NAME) return undefined;
  const bucket = registry?.bucketName ?? env.HCP_PACKER_BUCKET_NAME;
  return warning(
    'publishing to HCP Packer is not supported yet',
    `HCP credentials are set (${CREDENTIALS.filter((n) => env[n]).join(', ')})${bucket ? ` and the template names the bucket "${bucket}"` : ''}, but Bakehouse does not publish to HCP Packer: the build runs and its registry metadata is kept in the manifest, and nothing is sent to HCP. Set HCP_PACKER_REGISTRY=off to silence this warning.`,
    registry?.range,
  );
}

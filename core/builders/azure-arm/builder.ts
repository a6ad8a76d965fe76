/**
 * The azure-arm builder for Linux managed images: starts a VM from a platform, managed or gallery image, lets the
 * provisioners work on it over SSH, deallocates and generalizes it and captures a managed image (optionally published to
 * a Shared Image Gallery). Laid out as amazon-ebs: read-config.ts, state.ts, steps.ts (with deploy.ts and capture.ts),
 * driver.ts, artifact.ts, and this file, which only wires them together.
 */
import type { Builder, BuilderPlugin } from '../../engine/plugin';
import { azureArmArtifact } from './artifact';
import { readAzureArmConfig } from './read-config';
import type { AzureArmState } from './state';
import { azureArmSteps } from './steps';

export const azureArmBuilder: BuilderPlugin = {
  type: 'azure-arm',
  prepare(config, build) {
    const read = readAzureArmConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    const builder: Builder<AzureArmState> = {
      steps: (provision) => azureArmSteps({ cfg, build }, provision),
      // skip_create_image: the plugin's builder returns no artifact.
      artifact: (state) =>
        state.managedImageId
          ? azureArmArtifact(
              {
                osType: 'Linux',
                resourceGroup: cfg.managedImageResourceGroupName,
                name: cfg.managedImageName,
                id: state.managedImageId,
                location: state.location ?? cfg.location,
                ...(cfg.galleryDestination && state.galleryImageVersionId
                  ? {
                      gallery: {
                        id: state.galleryImageVersionId,
                        resourceGroup: cfg.galleryDestination.resourceGroup,
                        name: cfg.galleryDestination.gallery,
                        imageName: cfg.galleryDestination.image,
                        imageVersion: cfg.galleryDestination.version,
                        replicatedRegions: cfg.galleryDestination.replicationRegions,
                      },
                    }
                  : {}),
              },
              { generated_data: { ...state.generated } },
            )
          : undefined,
    };
    return { ok: true, value: builder };
  },
};

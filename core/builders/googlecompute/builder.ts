/**
 * The googlecompute builder: starts a Compute Engine instance from an image, lets the provisioners work on it over SSH,
 * deletes it and makes an image of its boot disk. Laid out as azure-arm: read-config.ts, state.ts, steps.ts, driver.ts,
 * artifact.ts, and this file, which only wires them together.
 */
import type { Builder, BuilderPlugin } from '../../engine/plugin';
import { googlecomputeArtifact } from './artifact';
import { readGooglecomputeConfig } from './read-config';
import type { GooglecomputeState } from './state';
import { googlecomputeSteps } from './steps';

export const googlecomputeBuilder: BuilderPlugin = {
  type: 'googlecompute',
  prepare(config, build) {
    const read = readGooglecomputeConfig(config, build.cwd);
    if (!read.ok) return read;
    const cfg = read.value;
    const builder: Builder<GooglecomputeState> = {
      steps: (provision) => googlecomputeSteps({ cfg, build }, provision),
      // skip_create_image: the plugin's builder returns no artifact.
      artifact: (state) => {
        const image = state.image;
        const gce = state.gce;
        if (!image || !gce) return undefined;
        return googlecomputeArtifact(
          image,
          async () => {
            const [op] = await gce.images.delete({ project: image.projectId, image: image.name });
            await gce.waitForOperation(op.latestResponse, AbortSignal.timeout(cfg.stateTimeoutMs), cfg.stateTimeoutMs);
          },
          { generated_data: { ...state.generated } },
        );
      },
    };
    return { ok: true, value: builder };
  },
};

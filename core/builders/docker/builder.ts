/**
 * The docker builder: starts a container from `image`, lets the provisioners work in it through the docker communicator,
 * then commits it to an image, exports its filesystem to a tar, or discards it.
 *
 * The layout other builders copy: config.ts (the schema), read-config.ts (prepare: config to a typed value), state.ts (the
 * state its steps share, declared once), steps.ts (the steps in order, each resource with one cleanup path; the longest,
 * StepRun, in run-container.ts), artifact.ts, and this file, which only wires them together.
 */
import type { Builder, BuilderPlugin, BuildInfo } from '../../engine/plugin';
import { toPlain } from '../../template/values/value';
import { exportArtifact, imageArtifact, DOCKER_IMPORT_ID } from './artifact';
import { DockerDriver } from './driver';
import { readDockerConfig } from './read-config';
import type { DockerState } from './state';
import { dockerSteps } from './steps';

export const dockerBuilder: BuilderPlugin = {
  type: 'docker',
  cachesSteps: true,
  prepare(config, build: BuildInfo) {
    const read = readDockerConfig(config);
    if (!read.ok) return read;
    const cfg = read.value;
    const driver = DockerDriver.fromEnv(build.env);
    const plainConfig = Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k, toPlain(v)]));
    const builder: Builder<DockerState> = {
      steps: (provision) => dockerSteps({ cfg, build, driver, config: plainConfig }, provision),
      artifact: (state) => {
        const data = { generated_data: { ...state.generated } };
        if (cfg.output.kind === 'commit') return imageArtifact(driver, state.imageId ?? '', DOCKER_IMPORT_ID, data);
        return exportArtifact(cfg.output.kind === 'export' ? cfg.output.path : '', build.cwd, data);
      },
    };
    return { ok: true, value: builder };
  },
};

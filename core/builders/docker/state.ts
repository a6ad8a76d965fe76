/**
 * What the docker builder's steps share, declared once. Each field is filled by one step and read by later ones and the
 * artifact; nothing else passes between steps. The fields are optional because a build starts with none of them.
 */
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { Plain } from '../../template/values/value';
import type { DockerDriver } from './driver';
import type { DockerBuilderConfig } from './read-config';

export interface DockerState extends BuildState {
  /** StepTempDir: the host folder mounted at container_dir. */
  tempDir?: string;
  /** StepCacheLookup: the cached image to start the container from instead of `image` (the longest cached prefix). */
  startImage?: string;
  /** StepRun: the build's container, once the daemon has created it. */
  containerId?: string;
  /** StepCommit: the committed image's id (`sha256:…`), the artifact's id. */
  imageId?: string;
}

/** What every step is made with: fixed for the build, never written, so it is not state. */
export interface DockerStepDeps {
  readonly cfg: DockerBuilderConfig;
  readonly build: BuildInfo;
  readonly driver: DockerDriver;
  /** The builder's evaluated config as plain data, for the build cache's base key. */
  readonly config: Record<string, Plain>;
}

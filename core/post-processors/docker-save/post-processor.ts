/** The docker-save post-processor: writes the image to a tar file (docker save), whole or not at all. */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DOCKER_IMPORT_ID, DOCKER_TAG_ID } from '../../builders/docker/artifact';
import { DockerDriver } from '../../builders/docker/driver';
import { CANCELLED, err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const dockerSavePostProcessor: PostProcessorPlugin = {
  type: 'docker-save',
  prepare(config, build) {
    const f = new ConfigFields(config, 'docker-save');
    const path = f.string('path');
    if (path === '') f.error('path must be specified');
    if (f.errors.length > 0) return err(f.errors);
    const driver = DockerDriver.fromEnv(build.env);
    return {
      ok: true,
      value: {
        async postProcess(ctx, input) {
          if (input.builderId !== DOCKER_IMPORT_ID && input.builderId !== DOCKER_TAG_ID) {
            return err(`Unknown artifact type: ${input.builderId}\nCan only save Docker builder artifacts.`);
          }
          const target = resolve(build.cwd, path);
          if (!isFolder(dirname(target))) return err(`Error creating output file: the folder ${dirname(path)} does not exist`);
          ctx.ui.message(`Saving image: ${input.id}`);
          try {
            await driver.save(input.id, target, ctx.signal);
          } catch (e) {
            return err(ctx.signal.aborted ? CANCELLED : `Error saving image: ${driver.describe(e)}`);
          }
          ctx.ui.message(`Saved to: ${path}`);
          return ok({ artifact: input, keep: true, forceOverride: false });
        },
      },
    };
  },
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

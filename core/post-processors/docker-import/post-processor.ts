/** The docker-import post-processor: turns a tar the docker builder exported into an image (docker import). */
import { resolve } from 'node:path';
import { imageArtifact, ARTIFICE_ID, DOCKER_BUILDER_ID, DOCKER_IMPORT_ID } from '../../builders/docker/artifact';
import { CHANGE_INSTRUCTIONS } from '../../builders/docker/read-config';
import { DockerDriver } from '../../builders/docker/driver';
import { CANCELLED, err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const dockerImportPostProcessor: PostProcessorPlugin = {
  type: 'docker-import',
  prepare(config, build) {
    const f = new ConfigFields(config, 'docker-import');
    const repository = f.string('repository');
    const tag = f.string('tag');
    const changes = f.stringList('changes');
    for (const c of changes) {
      const word = c.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
      if (!CHANGE_INSTRUCTIONS.includes(word)) f.error(`changes: "${c}" is not an instruction docker import can apply; use one of ${CHANGE_INSTRUCTIONS.join(', ')}`);
    }
    if (f.errors.length > 0) return err(f.errors);
    const driver = DockerDriver.fromEnv(build.env);
    return {
      ok: true,
      value: {
        async postProcess(ctx, input) {
          if (input.builderId !== DOCKER_BUILDER_ID && input.builderId !== ARTIFICE_ID) {
            return {
              ok: false,
              error:
                `Unknown artifact type: ${input.builderId}\nCan only import from Docker builder and Artifice post-processor artifacts. ` +
                'If you are getting this error after having run the docker builder, it may be because you set commit: true in your Docker builder, so the image is already imported. ',
            };
          }
          if (input.files.length === 0) return err('The artifact has no file to import (was the container discarded?)');
          const importRepo = tag !== '' ? `${repository}:${tag}` : repository;
          ctx.ui.message(`Importing image: ${input.id}`);
          ctx.ui.message(`Repository: ${importRepo}`);
          let id: string;
          try {
            id = await driver.importTar(resolve(build.cwd, input.files[0]), importRepo, changes, ctx.signal);
          } catch (e) {
            return err(ctx.signal.aborted ? CANCELLED : `Error importing image: ${driver.describe(e)}`);
          }
          ctx.ui.message(`Imported ID: ${id}`);
          const artifact = imageArtifact(driver, importRepo === '' ? id : importRepo, DOCKER_IMPORT_ID);
          return ok({ artifact, keep: false, forceOverride: false });
        },
      },
    };
  },
};

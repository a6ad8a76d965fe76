/** The docker-tag post-processor: tags the image a docker build committed (or docker-import imported) into a repository. */
import { imageArtifact, DOCKER_IMPORT_ID, DOCKER_TAG_ID } from '../../builders/docker/artifact';
import { DockerDriver } from '../../builders/docker/driver';
import { err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const dockerTagPostProcessor: PostProcessorPlugin = {
  type: 'docker-tag',
  prepare(config, build) {
    const f = new ConfigFields(config, 'docker-tag');
    const repository = f.string('repository');
    if (repository === '') f.error('repository must be specified');
    const oldTag = f.stringList('tag');
    const tags = [...f.stringList('tags'), ...oldTag];
    const force = f.bool('force');
    if (f.errors.length > 0) return err(f.errors);
    const driver = DockerDriver.fromEnv(build.env);
    return {
      ok: true,
      value: {
        async postProcess(ctx, input) {
          if (oldTag.length > 0) {
            ctx.ui.say('Deprecation warning: "tag" option has been replaced with "tags". In future versions of Packer, this configuration may not work. Please call `packer fix` on your template to update.');
          }
          if (input.builderId !== DOCKER_TAG_ID && input.builderId !== DOCKER_IMPORT_ID) {
            return err(`Unknown artifact type: ${input.builderId}\nCan only tag from Docker builder artifacts.`);
          }
          const targets = tags.length > 0 ? tags.map((t) => `${repository}:${t}`) : [repository];
          for (const target of targets) {
            ctx.ui.message(`Tagging image: ${input.id}`);
            ctx.ui.message(`Repository: ${target}`);
            try {
              await driver.tag(input.id, target, force);
            } catch (e) {
              return err(`Error tagging image: ${driver.describe(e)}`);
            }
          }
          const artifact = imageArtifact(driver, targets[targets.length - 1], DOCKER_TAG_ID, { docker_tags: tags.length > 0 ? targets : [] });
          // Tagging and then deleting the image would be pointless, so the input is always kept (as Packer does).
          return ok({ artifact, keep: true, forceOverride: true });
        },
      },
    };
  },
};

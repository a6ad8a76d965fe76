/** The docker-push post-processor: pushes the tagged image (and every tag docker-tag made) to its registry. */
import { imageArtifact, DOCKER_IMPORT_ID, DOCKER_TAG_ID } from '../../builders/docker/artifact';
import { registryAuth } from '../../builders/docker/auth';
import { DockerDriver } from '../../builders/docker/driver';
import { CANCELLED, err, ok } from '../../common/result';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const dockerPushPostProcessor: PostProcessorPlugin = {
  type: 'docker-push',
  prepare(config, build) {
    const f = new ConfigFields(config, 'docker-push');
    const login = {
      login: f.bool('login'),
      server: f.string('login_server'),
      username: f.string('login_username'),
      password: f.string('login_password'),
    };
    if (f.bool('ecr_login')) {
      if (login.server === '') f.error('ECR login requires login server to be provided.');
      else f.error('ecr_login is not supported by Bakehouse yet: log in with login_username/login_password');
    }
    if (f.errors.length > 0) return err(f.errors);
    const driver = DockerDriver.fromEnv(build.env);
    return {
      ok: true,
      value: {
        async postProcess(ctx, input) {
          if (input.builderId !== DOCKER_IMPORT_ID && input.builderId !== DOCKER_TAG_ID) {
            return err(`Unknown artifact type: ${input.builderId}\nCan only import from docker-import and docker-tag artifacts.`);
          }
          const tags = Array.isArray(input.state.docker_tags) ? input.state.docker_tags.filter((t): t is string => typeof t === 'string') : [];
          const names = [...new Set([input.id, ...tags])];
          if (login.login) ctx.ui.message('Logging in...');
          for (const name of names) {
            ctx.ui.message(`Pushing: ${name}`);
            try {
              await driver.push(name, registryAuth(name, login, build.env), (line) => ctx.ui.message(line), ctx.signal);
            } catch (e) {
              return err(ctx.signal.aborted ? CANCELLED : `Error pushing ${name}: ${driver.describe(e)}`);
            }
          }
          const artifact = imageArtifact(driver, names[0], DOCKER_IMPORT_ID, { docker_tags: tags });
          return ok({ artifact, keep: true, forceOverride: false });
        },
      },
    };
  },
};

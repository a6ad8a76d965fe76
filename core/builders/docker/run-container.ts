/**
 * Packer's StepRun for docker: creates and starts the build's container. The container is a tracked resource, registered
 * under its name before the create call (a create that half-fails still leaves a named container), and removing that
 * resource is the container's only cleanup path.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { containerName, removeContainerRecord, writeContainerRecord } from './leftovers';
import { deviceMapping, tmpfsEntry } from './run-command';
import type { DockerBuilderConfig } from './read-config';
import type { DockerState, DockerStepDeps } from './state';

export function runContainerStep({ cfg, build, driver }: DockerStepDeps): Step<DockerState> {
  return {
    name: 'StepRun',
    async run(state, ctx) {
      ctx.ui.say('Starting docker container...');
      const name = containerName(build.runId, randomBytes(4).toString('hex'));
      const container = ctx.track({
        description: `container ${name}`,
        howToRemove: `docker rm -f ${name}`,
        async remove(c) {
          // Packer's message, though the container is removed outright (docker rm -f), not just killed.
          if (state.containerId) c.ui.say(`Killing the container: ${state.containerId}`);
          try {
            await driver.removeContainer(name);
          } catch (e) {
            throw new Error(driver.describe(e));
          }
          removeContainerRecord(build.env, name);
        },
      });
      // Who made it, for `bakehouse cleanup` after a crash: kept on this machine, not in labels the image would inherit.
      try {
        writeContainerRecord(build.env, name, { runId: build.runId, build: build.displayName, pid: process.pid, host: hostname() });
      } catch (e) {
        ctx.ui.message(`Could not note the container for bakehouse cleanup (${(e as Error).message}); if this run is killed, remove it with docker rm -f ${name}`);
      }
      const options = createOptions(cfg, name, state.tempDir, state.startImage);
      ctx.ui.message(`Run command: docker run ${describeRun(options, cfg.run.words)}`);
      try {
        const made = await driver.docker.createContainer(options);
        container.created(made.id);
        state.containerId = made.id;
        // Nothing will run in it: a created container commits and exports the same filesystem, without the start.
        if (state.cache?.allCached) {
          ctx.ui.message('Every provisioner is cached: the container is created, not started');
          state.instanceId = made.id;
          ctx.ui.message(`Container ID: ${made.id}`);
          return CONTINUE;
        }
        await made.start();
        state.instanceId = made.id;
        ctx.ui.message(`Container ID: ${made.id}`);
      } catch (e) {
        return halt(`Error running container: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
  };
}

/** docker run's options for the daemon's create call: volumes, the shared temp folder at container_dir, then run_command's. */
function createOptions(cfg: DockerBuilderConfig, name: string, tempDir: string | undefined, startImage: string | undefined): Docker.ContainerCreateOptions {
  const binds = [...Object.entries(cfg.volumes).map(([h, c]) => `${h}:${c}`), ...cfg.run.binds];
  if (tempDir) binds.push(`${tempDir}:${cfg.containerDir}`);
  const r = cfg.run;
  return {
    name,
    // The build cache's image holds the result of the cached provisioners on top of `image`.
    Image: startImage ?? r.image,
    Tty: r.tty,
    OpenStdin: r.openStdin,
    AttachStdin: false,
    ...(Object.keys(r.labels).length > 0 ? { Labels: r.labels } : {}),
    ...(r.entrypoint ? { Entrypoint: r.entrypoint } : {}),
    ...(r.cmd.length > 0 ? { Cmd: r.cmd } : {}),
    ...(r.env.length > 0 ? { Env: r.env } : {}),
    ...(r.user ? { User: r.user } : {}),
    ...(r.workdir ? { WorkingDir: r.workdir } : {}),
    ...(r.hostname ? { Hostname: r.hostname } : {}),
    ...(r.platform ? { platform: r.platform } : {}),
    HostConfig: {
      Binds: binds,
      Privileged: r.privileged,
      ...(r.capAdd.length > 0 ? { CapAdd: r.capAdd } : {}),
      ...(r.capDrop.length > 0 ? { CapDrop: r.capDrop } : {}),
      ...(r.devices.length > 0 ? { Devices: r.devices.map(deviceMapping) } : {}),
      ...(r.tmpfs.length > 0 ? { Tmpfs: Object.fromEntries(r.tmpfs.map(tmpfsEntry)) } : {}),
      ...(r.runtime ? { Runtime: r.runtime } : {}),
      ...(r.network ? { NetworkMode: r.network } : {}),
    },
  };
}

/** The equivalent docker run command, in Packer's order (host settings, volumes, then run_command), for the log. */
function describeRun(o: Docker.ContainerCreateOptions, words: string[]): string {
  const parts: string[] = [];
  const h = o.HostConfig ?? {};
  if (h.Privileged) parts.push('--privileged');
  for (const t of Object.keys(h.Tmpfs ?? {})) parts.push('--tmpfs', h.Tmpfs?.[t] ? `${t}:${h.Tmpfs[t]}` : t);
  for (const d of h.Devices ?? []) parts.push('--device', d.PathOnHost);
  for (const c of h.CapAdd ?? []) parts.push('--cap-add', c);
  for (const c of h.CapDrop ?? []) parts.push('--cap-drop', c);
  for (const b of h.Binds ?? []) parts.push('-v', b);
  return [...parts, ...words].join(' ');
}

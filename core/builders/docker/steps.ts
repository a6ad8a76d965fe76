/**
 * The docker builder's steps, in Packer's order: check the daemon, make the shared temp folder, pull, run the container,
 * connect, provision, then commit or export. Every resource is registered for cleanup before it is created.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { CANCELLED } from '../../common/result';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type ResourceHandle, type Step } from '../../engine/steps';
import { DockerCommunicator } from '../../communicators/docker/communicator';
import { registryAuth } from './auth';
import type { DockerBuilderConfig } from './builder';
import { partialPath, writeAtomically, type DockerDriver } from './driver';
import { containerName, removeContainerRecord, writeContainerRecord } from './leftovers';
import { deviceMapping, tmpfsEntry } from './run-command';


export interface DockerStepsOptions {
  cfg: DockerBuilderConfig;
  build: BuildInfo;
  driver: DockerDriver;
  provision: Step<BuildState>;
  committed(imageId: string): void;
}

/** Shared between steps of one build: the temp folder and the container. */
interface Shared {
  tempDir?: string;
  container?: Docker.Container;
  /** The container's cleanup registration, released once StepRun's cleanup removed it. */
  containerHandle?: ResourceHandle;
  containerName?: string;
}

export function dockerSteps(o: DockerStepsOptions): Step<BuildState>[] {
  const shared: Shared = {};
  const steps = [verifyStep(o), tempDirStep(o, shared), pullStep(o), runStep(o, shared), connectStep(o, shared), o.provision];
  if (o.cfg.output.kind === 'commit') steps.push(commitStep(o, shared));
  else if (o.cfg.output.kind === 'export') steps.push(exportStep(o, shared, o.cfg.output.path));
  return steps;
}

function verifyStep({ driver }: DockerStepsOptions): Step<BuildState> {
  return {
    name: 'StepVerifyDocker',
    async run(_state, ctx) {
      const v = await driver.verify(ctx.signal);
      return v.ok ? CONTINUE : halt(v.error);
    },
  };
}

/** Packer's StepTempDir: a host folder mounted at container_dir, so files can be shared with the container. */
function tempDirStep({ build }: DockerStepsOptions, shared: Shared): Step<BuildState> {
  return {
    name: 'StepTempDir',
    async run(_state, ctx) {
      ctx.ui.say('Creating a temporary directory for sharing data...');
      const dir = join(tmpdir(), `bakehouse-docker-${build.runId.slice(0, 8)}-${randomBytes(4).toString('hex')}`);
      ctx.track({ description: `temporary folder ${dir}`, howToRemove: `rm -rf ${dir}`, remove: async () => rmSync(dir, { recursive: true, force: true }) });
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (e) {
        return halt(`Error making temp dir: ${(e as Error).message}`);
      }
      shared.tempDir = dir;
      return CONTINUE;
    },
  };
}

function pullStep({ cfg, build, driver }: DockerStepsOptions): Step<BuildState> {
  return {
    name: 'StepPull',
    async run(_state, ctx) {
      if (!cfg.pull) {
        try {
          if (await driver.imageExists(cfg.image)) return CONTINUE;
        } catch (e) {
          return halt(`Error checking for image ${cfg.image}: ${driver.describe(e)}`);
        }
        return halt(`Image ${cfg.image} is not available locally and pull = false: pull or build it first, or set pull = true`);
      }
      ctx.ui.say(`Pulling Docker image: ${cfg.image}`);
      try {
        await driver.pull(cfg.image, registryAuth(cfg.image, cfg.login, build.env), (line) => ctx.ui.message(line), ctx.signal);
      } catch (e) {
        if (ctx.signal.aborted) return halt(CANCELLED);
        return halt(`Error pulling Docker image: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
  };
}

function runStep({ cfg, build, driver }: DockerStepsOptions, shared: Shared): Step<BuildState> {
  return {
    name: 'StepRun',
    async run(state, ctx) {
      ctx.ui.say('Starting docker container...');
      const name = containerName(build.runId, randomBytes(4).toString('hex'));
      // Registered before creating: a create that half-fails still leaves a named container to remove.
      shared.containerHandle = ctx.track({
        description: `container ${name}`,
        howToRemove: `docker rm -f ${name}`,
        remove: async () => {
          await driver.removeContainer(name);
          removeContainerRecord(build.env, name);
        },
      });
      shared.containerName = name;
      // Who made it, for `bakehouse cleanup` after a crash: kept on this machine, not in labels the image would inherit.
      try {
        writeContainerRecord(build.env, name, { runId: build.runId, build: build.displayName, pid: process.pid, host: hostname() });
      } catch (e) {
        ctx.ui.message(`Could not note the container for bakehouse cleanup (${(e as Error).message}); if this run is killed, remove it with docker rm -f ${name}`);
      }
      const binds = [...Object.entries(cfg.volumes).map(([h, c]) => `${h}:${c}`), ...cfg.run.binds];
      if (shared.tempDir) binds.push(`${shared.tempDir}:${cfg.containerDir}`);
      const r = cfg.run;
      const options: Docker.ContainerCreateOptions = {
        name,
        Image: r.image,
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
      ctx.ui.message(`Run command: docker run ${describeRun(options, cfg.run.words)}`);
      try {
        const container = await driver.docker.createContainer(options);
        shared.container = container;
        await container.start();
        state.instanceId = container.id;
        ctx.ui.message(`Container ID: ${container.id}`);
      } catch (e) {
        return halt(`Error running container: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
    async cleanup(_state, ctx) {
      if (!shared.container) return;
      // Packer's message, though the container is removed outright (docker rm -f), not just killed.
      ctx.ui.say(`Killing the container: ${shared.container.id}`);
      try {
        await driver.removeContainer(shared.container.id);
        if (shared.containerName) removeContainerRecord(build.env, shared.containerName);
        shared.containerHandle?.release();
      } catch (e) {
        ctx.ui.error(`Error removing the container: ${driver.describe(e)}`);
      }
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

function connectStep({ cfg, driver }: DockerStepsOptions, shared: Shared): Step<BuildState> {
  return {
    name: 'StepConnectDocker',
    async run(state, ctx) {
      if (!shared.container) return halt('No container to connect to.');
      try {
        const info = await shared.container.inspect();
        ctx.ui.say(`Using docker communicator to connect: ${containerAddress(info)}`);
      } catch (e) {
        return halt(`Error inspecting the container: ${driver.describe(e)}`);
      }
      state.communicator = new DockerCommunicator({
        container: shared.container,
        execUser: cfg.execUser,
        fixUploadOwner: cfg.fixUploadOwner,
        tty: cfg.pty,
        describe: (e) => driver.describe(e),
      });
      return CONTINUE;
    },
  };
}

function commitStep({ cfg, driver, committed }: DockerStepsOptions, shared: Shared): Step<BuildState> {
  return {
    name: 'StepCommit',
    async run(state, ctx) {
      if (!shared.container) return halt('No container to commit.');
      ctx.ui.say('Committing the container');
      try {
        const opts: Record<string, unknown> = {};
        if (cfg.changes.length > 0) opts.changes = cfg.changes;
        if (cfg.author) opts.author = cfg.author;
        if (cfg.message) opts.comment = cfg.message;
        const res = (await shared.container.commit(opts)) as { Id: string };
        ctx.ui.message(`Image ID: ${res.Id}`);
        committed(res.Id);
        // Packer keeps the `sha256:` prefix (it is what docker inspect prints as .Id).
        state.generated.ImageSha256 = res.Id;
      } catch (e) {
        return halt(`Error committing container: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
  };
}

function exportStep({ driver, build }: DockerStepsOptions, shared: Shared, path: string): Step<BuildState> {
  return {
    name: 'StepExport',
    async run(_state, ctx) {
      if (!shared.container) return halt('No container to export.');
      const target = resolve(build.cwd, path);
      try {
        if (statSync(target).isDirectory()) return halt(`export_path ${path} is a folder: give a file name`);
      } catch {
        // Not there yet: the usual case.
      }
      try {
        if (!statSync(dirname(target)).isDirectory()) throw new Error();
      } catch {
        return halt(`Error creating output file: the folder ${dirname(path)} does not exist`);
      }
      ctx.ui.say('Exporting the container');
      const partial = partialPath(target);
      const handle = ctx.track({ description: `partial export ${partial}`, remove: async () => rmSync(partial, { force: true }) });
      try {
        const stream = (await shared.container.export()) as NodeJS.ReadableStream;
        await writeAtomically(stream, target, ctx.signal, partial);
        handle.release();
      } catch (e) {
        rmSync(partial, { force: true });
        handle.release();
        return halt(ctx.signal.aborted ? CANCELLED : `Error exporting container: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
  };
}

/** The container's address on its first network (Packer prints it though the docker communicator does not use it). */
function containerAddress(info: Docker.ContainerInspectInfo): string {
  const networks = Object.values(info.NetworkSettings?.Networks ?? {});
  return networks.find((n) => n.IPAddress)?.IPAddress ?? '';
}

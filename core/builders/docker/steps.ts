/**
 * The docker builder's steps, in Packer's order: check the daemon, make the shared temp folder, pull, run the container,
 * connect, provision, then commit or export. Steps pass data only through DockerState; each thing a step creates is a
 * tracked resource, registered before the create call, and that resource is its only cleanup path.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { DockerCommunicator } from '../../communicators/docker/communicator';
import { registryAuth } from './auth';
import { partialPath, writeAtomically } from './driver';
import { cacheLookupStep } from './cache';
import { runContainerStep } from './run-container';
import type { DockerState, DockerStepDeps } from './state';

export function dockerSteps(deps: DockerStepDeps, provision: Step<BuildState>): Step<DockerState>[] {
  const steps = [verifyStep(deps), tempDirStep(deps), pullStep(deps), cacheLookupStep(deps, deps.config), runContainerStep(deps), connectStep(deps), provision];
  const { output } = deps.cfg;
  if (output.kind === 'commit') steps.push(commitStep(deps));
  else if (output.kind === 'export') steps.push(exportStep(deps, output.path));
  return steps;
}

function verifyStep({ driver }: DockerStepDeps): Step<DockerState> {
  return {
    name: 'StepVerifyDocker',
    async run(_state, ctx) {
      const v = await driver.verify(ctx.signal);
      return v.ok ? CONTINUE : halt(v.error);
    },
  };
}

/** Packer's StepTempDir: a host folder mounted at container_dir, so files can be shared with the container. */
function tempDirStep({ build }: DockerStepDeps): Step<DockerState> {
  return {
    name: 'StepTempDir',
    async run(state, ctx) {
      ctx.ui.say('Creating a temporary directory for sharing data...');
      const dir = join(tmpdir(), `bakehouse-docker-${build.runId.slice(0, 8)}-${randomBytes(4).toString('hex')}`);
      ctx.track({ description: `temporary folder ${dir}`, howToRemove: `rm -rf ${dir}`, remove: async () => rmSync(dir, { recursive: true, force: true }) });
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (e) {
        return halt(`Error making temp dir: ${(e as Error).message}`);
      }
      state.tempDir = dir;
      return CONTINUE;
    },
  };
}

function pullStep({ cfg, build, driver }: DockerStepDeps): Step<DockerState> {
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

function connectStep({ cfg, driver }: DockerStepDeps): Step<DockerState> {
  return {
    name: 'StepConnectDocker',
    async run(state, ctx) {
      if (!state.containerId) return halt('No container to connect to.');
      const container = driver.docker.getContainer(state.containerId);
      try {
        const info = await container.inspect();
        ctx.ui.say(`Using docker communicator to connect: ${containerAddress(info)}`);
      } catch (e) {
        return halt(`Error inspecting the container: ${driver.describe(e)}`);
      }
      state.communicator = new DockerCommunicator({
        container,
        execUser: cfg.execUser,
        fixUploadOwner: cfg.fixUploadOwner,
        tty: cfg.pty,
        describe: (e) => driver.describe(e),
      });
      return CONTINUE;
    },
  };
}

function commitStep({ cfg, driver }: DockerStepDeps): Step<DockerState> {
  return {
    name: 'StepCommit',
    async run(state, ctx) {
      if (!state.containerId) return halt('No container to commit.');
      ctx.ui.say('Committing the container');
      try {
        const opts: Record<string, unknown> = {};
        if (cfg.changes.length > 0) opts.changes = cfg.changes;
        if (cfg.author) opts.author = cfg.author;
        if (cfg.message) opts.comment = cfg.message;
        const res = (await driver.docker.getContainer(state.containerId).commit(opts)) as { Id: string };
        ctx.ui.message(`Image ID: ${res.Id}`);
        state.imageId = res.Id;
        // Packer keeps the `sha256:` prefix (it is what docker inspect prints as .Id).
        state.generated.ImageSha256 = res.Id;
      } catch (e) {
        return halt(`Error committing container: ${driver.describe(e)}`);
      }
      return CONTINUE;
    },
  };
}

function exportStep({ driver, build }: DockerStepDeps, path: string): Step<DockerState> {
  return {
    name: 'StepExport',
    async run(state, ctx) {
      if (!state.containerId) return halt('No container to export.');
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
      const handle = ctx.track({ description: `partial export ${partial}`, howToRemove: `rm -f ${partial}`, remove: async () => rmSync(partial, { force: true }) });
      try {
        const stream = (await driver.docker.getContainer(state.containerId).export()) as NodeJS.ReadableStream;
        await writeAtomically(stream, target, ctx.signal, partial);
      } catch (e) {
        return halt(ctx.signal.aborted ? CANCELLED : `Error exporting container: ${driver.describe(e)}`);
      }
      // Renamed into export_path: it is the artifact now, not something to clean up.
      handle.release();
      return CONTINUE;
    },
  };
}

/** The container's address on its first network (Packer prints it though the docker communicator does not use it). */
function containerAddress(info: Docker.ContainerInspectInfo): string {
  const networks = Object.values(info.NetworkSettings?.Networks ?? {});
  return networks.find((n) => n.IPAddress)?.IPAddress ?? '';
}

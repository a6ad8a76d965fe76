/**
 * The parts of a VirtualBox build both builders share, and the builder shell around them: once the machine exists
 * (created from an ISO or imported), they mount media, forward the SSH port, run custom commands, boot, type the boot
 * command, connect, provision, shut down, and export.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Artifact } from '../../engine/artifact';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import { sleep } from '../../engine/retry';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import type { SshConfig } from '../../communicators/ssh/config';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { uploadGuestAdditionsStep, uploadVersionStep } from './guest-steps';
import type { GuestAdditions } from './settings';
import type { VirtualBoxState } from './state';
import * as step from './steps';
import { commandLineVBoxManage, findVBoxManage } from './vboxmanage';

export const VIRTUALBOX_BUILDER_ID = 'mitchellh.virtualbox';

export interface PipelineOptions {
  deps: step.VirtualBoxDeps;
  settings: step.VirtualBoxSettings;
  build: BuildInfo;
  ssh?: SshConfig;
  guestAdditions: GuestAdditions;
  provision: Step<BuildState>;
  bootIso?: step.BootIso;
}

export function machineSteps(o: PipelineOptions): Step<VirtualBoxState>[] {
  const { deps, settings: s } = o;
  const steps: Step<VirtualBoxState>[] = [
    step.attachIsoStep(deps, s, o.bootIso),
    step.vrdpStep(deps, s),
    step.portForwardingStep(deps, s),
    step.customCommandsStep(deps, s, s.vboxmanage),
    step.startVmStep(deps, s),
    step.bootCommandStep(deps, s),
  ];
  if (o.ssh) steps.push(connectStep(o.ssh));
  steps.push(
    uploadVersionStep(deps, o.guestAdditions),
    uploadGuestAdditionsStep(deps, o.guestAdditions),
    o.provision,
    step.shutdownStep(deps, s),
    step.removeDevicesStep(deps, s),
    step.customCommandsStep(deps, s, s.vboxmanagePost),
    step.exportStep(deps, s),
  );
  return steps;
}

/** SSH through the forwarded port on 127.0.0.1, known only once port forwarding chose it. */
function connectStep(ssh: SshConfig): Step<VirtualBoxState> {
  // The SSH communicator's step, made once the port is known; private to this step, which runs and cleans it up.
  let inner: Step<BuildState> | undefined;
  return {
    name: 'StepConnectSSH',
    run(state, ctx) {
      inner = waitForSshStep({ ...ssh, host: ssh.host || '127.0.0.1', port: state.commHostPort ?? 0 });
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup?.(state, ctx);
    },
  };
}

/** Fails the build early, in Packer's words, when VirtualBox is not installed. */
export function verifyStep(found: boolean): Step<BuildState> {
  return {
    name: 'StepVerifyVirtualBox',
    async run() {
      return found ? CONTINUE : halt('Failed creating VirtualBox driver: exec: "VBoxManage": executable file not found in $PATH');
    },
  };
}

export function realDeps(build: BuildInfo): { deps: step.VirtualBoxDeps; found: boolean } {
  const path = findVBoxManage(build.env);
  return {
    found: path !== undefined,
    deps: {
      vboxmanage: commandLineVBoxManage({ path: path ?? 'VBoxManage', env: build.env, cwd: build.cwd }),
      pickPort: step.firstFreePort,
      sleep,
      now: () => new Date(),
    },
  };
}

export function virtualBoxArtifact(outputDir: string, build: BuildInfo, generated: Record<string, string>): Artifact {
  return {
    id: 'VM',
    builderId: VIRTUALBOX_BUILDER_ID,
    files: step.outputFiles(outputDir, build.cwd),
    text: `VM files in directory: ${outputDir}`,
    state: { generated_data: { ...generated } },
    async destroy() {
      rmSync(resolve(build.cwd, outputDir), { recursive: true, force: true });
    },
  };
}

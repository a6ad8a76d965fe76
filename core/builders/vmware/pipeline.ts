/** The part of a VMware build both builders share once the machine's .vmx exists, and the artifact. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SshConfig } from '../../communicators/ssh/config';
import type { Artifact } from '../../engine/artifact';
import type { BuildInfo, BuildState } from '../../engine/plugin';
import type { Step } from '../../engine/steps';
import { httpServerStep, type HttpServerOptions } from '../qemu/http-server';
import { localTools, type Tools } from './driver';
import type { VmwareSettings } from './settings';
import type { VmwareState } from './state';
import * as step from './steps';

/** packer-plugin-vmware's builder id, the same for vmware-iso and vmware-vmx (common/driver.go). */
export const VMWARE_BUILDER_ID = 'vmware.desktop';

export function machineSteps(o: { tools: Tools; settings: VmwareSettings; build: BuildInfo; http: HttpServerOptions; ssh?: SshConfig; provision: Step<BuildState> }): Step<VmwareState>[] {
  const { tools, settings: s, build } = o;
  return [
    step.configureVmxStep(s, () => s.vmxData, 'StepConfigureVMX'),
    httpServerStep(o.http),
    step.configureVncStep(s),
    step.runStep(tools, s),
    step.vncBootCommandStep(s),
    ...(o.ssh ? [step.connectStep(tools, s, o.ssh)] : []),
    o.provision,
    step.shutdownStep(tools, s),
    step.cleanFilesStep(s, build),
    step.compactDiskStep(tools, s),
    step.configureVmxStep(s, () => s.vmxDataPost, 'StepConfigureVMX (vmx_data_post)'),
    step.cleanVmxStep(s),
    step.exportStep(tools, s, build),
  ];
}

export type ToolsFor = (build: BuildInfo) => Tools | undefined;

export const realTools: ToolsFor = (build) => localTools(build.env, build.cwd);

/** The output folder's files; as the plugin's artifact, its id is the machine's name. */
export function vmwareArtifact(s: VmwareSettings, build: BuildInfo, generated: Record<string, string>): Artifact {
  const dir = resolve(build.cwd, s.outputDir);
  return {
    id: s.vmName,
    builderId: VMWARE_BUILDER_ID,
    files: existsSync(dir) ? readdirSync(dir).sort().map((f) => join(s.outputDir, f)) : [],
    text: `VM files in directory: ${s.outputDir}`,
    state: { generated_data: { ...generated } },
    async destroy() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

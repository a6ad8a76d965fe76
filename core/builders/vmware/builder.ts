/**
 * The prepare vmware-iso and vmware-vmx share: the common settings and SSH communicator read and checked, and the
 * plugin's step order around the one part that differs — how the machine's .vmx and disks come to be in the output
 * folder (a new disk and .vmx, or a clone of source_path). Each builder's own file reads only its own fields.
 */
import { err, ok } from '../../common/result';
import { readSshConfig } from '../../communicators/ssh/config';
import { ConfigFields } from '../../engine/config-fields';
import type { Builder, BuilderPlugin, BuildInfo } from '../../engine/plugin';
import type { Step } from '../../engine/steps';
import type { HttpServerOptions } from '../qemu/http-server';
import type { Tools } from './driver';
import { machineSteps, vmwareArtifact, type ToolsFor } from './pipeline';
import { readVmwareSettings, type VmwareSettings } from './settings';
import type { VmwareState } from './state';
import * as step from './steps';

/** What one VMware builder adds, read from its own fields. */
export interface VmwareSource {
  /** Steps before StepOutputDir (vmware-iso's ISO download). */
  before: Step<VmwareState>[];
  /** The steps that put the machine's .vmx and disks in the output folder, once vmrun is found. */
  machine(tools: Tools): Step<VmwareState>[];
}

export function makeVmwareBuilder(
  type: 'vmware-iso' | 'vmware-vmx',
  toolsFor: ToolsFor,
  readSource: (f: ConfigFields, s: VmwareSettings, build: BuildInfo) => VmwareSource,
): BuilderPlugin {
  return {
    type,
    prepare(config, build) {
      const f = new ConfigFields(config, type);
      const s = readVmwareSettings(f, build);
      const source = readSource(f, s, build);
      const ssh = s.communicator === 'ssh' ? readSshConfig(config, type) : undefined;
      if (ssh && !ssh.ok) f.errors.push(...ssh.error);
      if (f.errors.length > 0) return err(f.errors);
      const tools = toolsFor(build);
      const builder: Builder<VmwareState> = {
        steps: (provision) => [
          step.verifyStep(tools),
          ...source.before,
          step.outputDirStep(s, build),
          ...(tools
            ? [...source.machine(tools), ...machineSteps({ tools, settings: s, build, ssh: ssh?.ok ? ssh.value : undefined, provision, http: httpOptions(f, build.cwd) })]
            : []),
        ],
        artifact: (state) => vmwareArtifact(s, build, state.generated),
      };
      return ok(builder);
    },
  };
}

function httpOptions(f: ConfigFields, cwd: string): HttpServerOptions {
  const content = Object.fromEntries(Object.entries(f.object('http_content') ?? {}).map(([k, v]) => [k, String(v)]));
  return { directory: f.string('http_directory'), content, portMin: f.number('http_port_min', 8000), portMax: f.number('http_port_max', 9000), bindAddress: f.string('http_bind_address', '0.0.0.0') || '0.0.0.0', cwd };
}

/** The vmware-vmx builder: clones an existing VMware machine (.vmx and disks), provisions it, and exports it as vmware-iso does. */
import { err } from '../../common/result';
import { readSshConfig } from '../../communicators/ssh/config';
import { ConfigFields } from '../../engine/config-fields';
import type { Builder, BuilderPlugin } from '../../engine/plugin';
import { httpOptions } from '../vmware-iso/builder';
import { machineSteps, realTools, vmwareArtifact, type ToolsFor } from '../vmware/pipeline';
import { readVmwareSettings } from '../vmware/settings';
import type { VmwareState } from '../vmware/state';
import * as step from '../vmware/steps';

export function makeVmwareVmxBuilder(toolsFor: ToolsFor = realTools): BuilderPlugin {
  return {
    type: 'vmware-vmx',
    prepare(config, build) {
      const f = new ConfigFields(config, 'vmware-vmx');
      const s = readVmwareSettings(f, build);
      const source = f.string('source_path');
      if (source === '') f.error("'source_path' is blank, but is required");
      if (f.bool('linked')) f.error('linked clones are not supported by Bakehouse yet');
      const ssh = s.communicator === 'ssh' ? readSshConfig(config, 'vmware-vmx') : undefined;
      if (ssh && !ssh.ok) f.errors.push(...ssh.error);
      if (f.errors.length > 0) return err(f.errors);
      const tools = toolsFor(build);
      const builder: Builder<VmwareState> = {
        steps: (provision) => [
          step.verifyStep(tools),
          step.outputDirStep(s, build),
          ...(tools
            ? [step.cloneVmxStep(s, build, source), ...machineSteps({ tools, settings: s, build, ssh: ssh?.ok ? ssh.value : undefined, provision, http: httpOptions(f, build.cwd) })]
            : []),
        ],
        artifact: (state) => vmwareArtifact(s, build, state.generated),
      };
      return { ok: true, value: builder };
    },
  };
}

export const vmwareVmxBuilder = makeVmwareVmxBuilder();

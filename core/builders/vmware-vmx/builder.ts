/** The vmware-vmx builder: clones an existing VMware machine (.vmx and disks), provisions it, and exports it as vmware-iso does. */
import type { BuilderPlugin } from '../../engine/plugin';
import { makeVmwareBuilder } from '../vmware/builder';
import { realTools, type ToolsFor } from '../vmware/pipeline';
import * as step from '../vmware/steps';

export function makeVmwareVmxBuilder(toolsFor: ToolsFor = realTools): BuilderPlugin {
  return makeVmwareBuilder('vmware-vmx', toolsFor, (f, s, build) => {
    const source = f.string('source_path');
    if (source === '') f.error("'source_path' is blank, but is required");
    if (f.bool('linked')) f.error('linked clones are not supported by Bakehouse yet');
    return { before: [], machine: () => [step.cloneVmxStep(s, build, source)] };
  });
}

export const vmwareVmxBuilder = makeVmwareVmxBuilder();

/**
 * The null builder: no machine, just a communicator to run provisioners against. With `communicator = "none"` only
 * local provisioners (shell-local, breakpoint) have something to do.
 */
import { ConfigFields } from '../../engine/config-fields';
import type { BuilderPlugin, BuildState } from '../../engine/plugin';
import { CONTINUE, type Step } from '../../engine/steps';
import { nullArtifact } from './artifact';

export const nullBuilder: BuilderPlugin = {
  type: 'null',
  prepare(config) {
    const f = new ConfigFields(config, 'null');
    const communicator = f.string('communicator', 'ssh');
    if (communicator !== 'none') {
      f.error(`communicator "${communicator}" is not supported yet: set communicator = "none" (SSH and WinRM come later)`);
    }
    if (f.errors.length > 0) return { ok: false, errors: f.errors };
    return {
      ok: true,
      value: {
        steps: (provision) => [connectStep(), provision],
        artifact: () => nullArtifact(),
      },
    };
  },
};

/** With communicator "none" there is nothing to connect to; the step stays so the step list reads as Packer's. */
function connectStep(): Step<BuildState> {
  return {
    name: 'StepConnect',
    async run() {
      return CONTINUE;
    },
  };
}

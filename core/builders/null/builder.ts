/**
 * The null builder: no machine, just a communicator to run provisioners against. With `communicator = "none"` only
 * local provisioners (shell-local, breakpoint) have something to do; with "ssh" it connects to an existing host.
 */
import { err, ok } from '../../common/result';
import { readSshConfig } from '../../communicators/ssh/config';
import { waitForSshStep } from '../../communicators/ssh/wait';
import { viewOf } from '../../components/checks';
import { ConfigFields } from '../../engine/config-fields';
import type { BuilderPlugin, BuildState } from '../../engine/plugin';
import { CONTINUE, type Step } from '../../engine/steps';
import { nullArtifact } from './artifact';
import { nullBuilderChecks } from './config';

export const nullBuilder: BuilderPlugin = {
  type: 'null',
  prepare(config, build) {
    const f = new ConfigFields(config, 'null');
    const communicator = f.string('communicator', 'ssh');
    if (communicator === 'ssh') {
      // Packer's null builder checks host, user and credentials in Prepare, so a bad config never starts waiting.
      const problems = nullBuilderChecks.flatMap((check) => check(viewOf(config))).filter((p) => p.severity !== 'warning');
      if (problems.length > 0) return err(problems.map((p) => p.message));
      const ssh = readSshConfig(config, 'null');
      if (!ssh.ok) return ssh;
      const connect = waitForSshStep(ssh.value, { agentSocket: build.env.SSH_AUTH_SOCK });
      return ok({ steps: (provision) => [connect, provision], artifact: () => nullArtifact() });
    }
    if (communicator !== 'none') {
      f.error(`communicator "${communicator}" is not supported yet: set communicator = "none" (SSH and WinRM come later)`);
    }
    if (f.errors.length > 0) return err(f.errors);
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

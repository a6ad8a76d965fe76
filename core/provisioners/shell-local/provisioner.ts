/** The shell-local provisioner: runs commands on the machine running the build, not the one being built. */
import { ok } from '../../common/result';
import type { ProvisionerPlugin } from '../../engine/plugin';
import { prepareShellLocal, runShellLocal } from './run';

export const shellLocalProvisioner: ProvisionerPlugin = {
  type: 'shell-local',
  prepare(config) {
    const prepared = prepareShellLocal(config, 'shell-local', false);
    if (!prepared.ok) return prepared;
    const cfg = prepared.value;
    return ok({ provision: (ctx) => runShellLocal(cfg, ctx) });
  },
};

/** The shell-local post-processor: runs local commands after the build, passing the artifact along unchanged. */
import { ok } from '../../common/result';
import type { PostProcessorPlugin } from '../../engine/plugin';
import { prepareShellLocal, runShellLocal } from '../../provisioners/shell-local/run';

export const shellLocalPostProcessor: PostProcessorPlugin = {
  type: 'shell-local',
  prepare(config) {
    const prepared = prepareShellLocal(config, 'shell-local', true);
    if (!prepared.ok) return prepared;
    const cfg = prepared.value;
    return {
      ok: true,
      value: {
        async postProcess(ctx, input) {
          const r = await runShellLocal(cfg, ctx);
          return r.ok ? ok({ artifact: input, keep: true, forceOverride: false }) : r;
        },
      },
    };
  },
};

/** Test builders whose steps record what ran and cleaned up, fail, throw or wait on request. */
import type { Artifact } from '../../core/engine/artifact';
import type { BuilderPlugin, BuildState, PluginRegistry } from '../../core/engine/plugin';
import { CONTINUE, halt, type Step } from '../../core/engine/steps';
import { builtinPlugins } from '../../core/engine/builtin-plugins';

export type StepBehaviour = 'ok' | 'fail' | 'throw' | 'wait' | 'fail-once';

export interface Journal {
  lines: string[];
}

/** A builder `scripted` whose config is ignored: its steps follow `plan` and log into `journal`. */
export function scriptedBuilder(journal: Journal, plan: Array<[string, StepBehaviour]>, opts: { slowCleanupMs?: number; provisionAt?: number } = {}): BuilderPlugin {
  return {
    type: 'scripted',
    prepare() {
      const attempts = new Map<string, number>();
      const steps = (provision: Step<BuildState>): Step<BuildState>[] => {
        const list: Step<BuildState>[] = plan.map(([name, behaviour]) => ({
          name,
          async run(_state, ctx) {
            ctx.track({
              description: `resource of ${name}`,
              howToRemove: `rm -rf /tmp/${name}`,
              remove: async () => void journal.lines.push(`remove ${name}`),
            });
            journal.lines.push(`run ${name}`);
            const n = (attempts.get(name) ?? 0) + 1;
            attempts.set(name, n);
            if (behaviour === 'fail') return halt(`${name} failed`);
            if (behaviour === 'fail-once' && n === 1) return halt(`${name} failed`);
            if (behaviour === 'throw') throw new Error(`${name} threw`);
            if (behaviour === 'wait') {
              await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
              return halt('cancelled');
            }
            return CONTINUE;
          },
          async cleanup() {
            journal.lines.push(`cleanup ${name}`);
            if (opts.slowCleanupMs) await new Promise((r) => setTimeout(r, opts.slowCleanupMs));
          },
        }));
        if (opts.provisionAt !== undefined) list.splice(opts.provisionAt, 0, provision);
        return list;
      };
      const artifact: Artifact = { id: 'scripted', builderId: 'test.scripted', files: [], text: 'scripted artifact', state: {} };
      return { ok: true, value: { steps, artifact: () => artifact } };
    },
  };
}

export function registryWith(builder: BuilderPlugin): PluginRegistry {
  return builtinPlugins().addBuilder(builder);
}

/** A VBoxManage stand-in for tests: records every argv, answers like VirtualBox, and fails the commands a test names. */
import { CONTINUE, runSteps, type Step } from '../../../core/engine/steps';
import type { BuildInfo, BuildState, BuilderPlugin, Ui } from '../../../core/engine/plugin';
import type { VirtualBoxDeps } from '../../../core/builders/virtualbox/steps';
import { config } from '../../engine/helpers';
import type { Plain } from '../../../core/template/values/value';

export interface Recorder {
  calls: string[][];
  sleeps: number[];
  lines: string[];
  deps: VirtualBoxDeps;
}

export function recorder(opts: { failWhen?: (args: string[]) => string | undefined; running?: () => boolean } = {}): Recorder {
  const calls: string[][] = [];
  const sleeps: number[] = [];
  return {
    calls,
    sleeps,
    lines: [],
    deps: {
      vboxmanage: {
        async run(args) {
          calls.push(args);
          const failure = opts.failWhen?.(args);
          if (failure) return { ok: false, error: failure };
          if (args[0] === 'showvminfo') return { ok: true, value: `name="x"\nVMState="${opts.running?.() ? 'running' : 'poweroff'}"\n` };
          if (args[0] === '--version') return { ok: true, value: '7.0.14r161095\n' };
          return { ok: true, value: '' };
        },
      },
      pickPort: async (_address, min) => min,
      sleep: async (ms) => {
        sleeps.push(ms);
        return true;
      },
      now: () => new Date('2026-11-26T12:00:00Z'),
    },
  };
}

export function buildInfo(cwd: string, name = 'ubuntu'): BuildInfo {
  return { name, displayName: `virtualbox.${name}`, hcl2: true, builderType: 'virtualbox-iso', runId: 'run-1', env: { PATH: process.env.PATH }, cwd, force: false };
}

const provision: Step<BuildState> = { name: 'StepProvision', run: async () => CONTINUE };

/** Prepares the builder with `fields` and runs its steps to the end, cleanup included. */
export async function runBuilder(plugin: BuilderPlugin, fields: Record<string, Plain>, info: BuildInfo, rec: Recorder) {
  const prepared = plugin.prepare(config(fields), info);
  if (!prepared.ok) throw new Error(prepared.error.join('\n'));
  const ui: Ui = {
    say: (t) => rec.lines.push(`==> ${t}`),
    message: (t) => rec.lines.push(`    ${t}`),
    error: (t) => rec.lines.push(`!! ${t}`),
    output: () => undefined,
    log: () => undefined,
    ask: async () => 'cleanup',
  };
  const state: BuildState = { generated: {} };
  const outcome = await runSteps({
    steps: prepared.value.steps(provision),
    state,
    ui,
    signal: new AbortController().signal,
    abandon: new AbortController().signal,
    onError: 'cleanup',
    events: { stepStarted: () => undefined, stepFinished: () => undefined, resource: () => undefined },
  });
  return { outcome, artifact: outcome.result === 'succeeded' ? prepared.value.artifact(state) : undefined };
}

/** One build from start to finish: the builder's steps (with provisioning and cleanup), then the post-processor chains. */
import type { Breakpoint } from '../common/breakpoint';
import { BuildCache } from '../cache/build-cache';
import type { CacheStore } from '../cache/store';
import { CANCELLED } from '../common/result';
import { summarizeArtifact, type Artifact } from './artifact';
import type { OnErrorPolicy } from '../common/on-error';
import type { RunResult } from '../common/run-result';
import type { ArtifactSummary, EventBody, LeftBehind } from './events';
import type { BuildState, Communicator, Ui } from './plugin';
import { runPostProcessors } from './post-processing';
import type { PreparedBuild } from './prepare';
import { provisionStep } from './provisioning';
import type { Backoff } from './retry';
import { blockPlace, hits, Stepper } from './stepping';
import { runSteps } from './steps';

export interface BuildOutcome {
  name: string;
  builderType: string;
  result: RunResult;
  error?: string;
  artifacts: ArtifactSummary[];
  durationMs: number;
  leftBehind: LeftBehind[];
}

export interface BuildRunContext {
  emit(body: EventBody, component?: string): void;
  /** The build's Ui; `component` labels post-processor lines "build (type)". */
  uiFor(component?: string): Ui;
  mask(text: string): string;
  signal: AbortSignal;
  /** The second cancel: stop waiting for cleanups. */
  abandon: AbortSignal;
  onError: OnErrorPolicy;
  debug: boolean;
  backoff: Backoff;
  /** The run's breakpoints as they are now (the app may change them while the build runs). */
  breakpoints(): readonly Breakpoint[];
  /** Lets the run open a terminal into this build's machine while the build waits on a prompt. */
  exposeMachine(communicator: () => Communicator | undefined): void;
  /** The run's build cache, when it uses one. */
  cache?: { store: CacheStore; resume: boolean };
}

export async function runBuild(build: PreparedBuild, ctx: BuildRunContext): Promise<BuildOutcome> {
  // Sub-millisecond, so Packer-style durations can print microseconds.
  const started = performance.now();
  const { info } = build;
  ctx.emit({ kind: 'build-started', builderType: info.builderType });
  const ui = ctx.uiFor();
  const state: BuildState = { generated: { PackerRunUUID: info.runId } };
  if (ctx.cache) {
    // A breakpoint asks to pause before its step with the machine there to look at, so reuse stops before it.
    const breakpoints = ctx.breakpoints();
    const paused = (index: number, p: (typeof build.provisioners)[number]) =>
      breakpoints.some((b) => hits(b, { kind: 'provisioner', index, type: p.type, name: p.name, at: blockPlace('provisioner', p.range) }));
    const steps = build.provisioners.map((p, index) => ({ type: p.type, name: p.name, config: p.config, cache: p.cache, reuse: !paused(index, p) }));
    state.cache = new BuildCache(ctx.cache.store, steps, { buildName: info.name, displayName: info.displayName, builderType: info.builderType, cwd: info.cwd }, ctx.cache.resume);
  }
  ctx.exposeMachine(() => state.communicator);
  // Aborting at a pause stops this build alone, as a cancel of the run stops them all.
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const stepper = new Stepper({ breakpoints: ctx.breakpoints, ui });
  const pause = async (place: Parameters<Stepper['before']>[0]) => {
    const verdict = await stepper.before(place, signal);
    if (verdict === 'abort') stop.abort();
    return verdict;
  };
  const provision = provisionStep({
    provisioners: build.provisioners,
    cleanupProvisioner: build.cleanupProvisioner,
    build: info,
    backoff: ctx.backoff,
    beforeEach: (index, p) => pause({ kind: 'provisioner', index, type: p.type, name: p.name, at: blockPlace('provisioner', p.range) }),
    lifecycle: {
      started: (index, p) => ctx.emit({ kind: 'provisioner-started', index, type: p.type, name: p.name }),
      cached: (index, p) => {
        ctx.emit({ kind: 'provisioner-started', index, type: p.type, name: p.name });
        ctx.emit({ kind: 'provisioner-finished', index, type: p.type, name: p.name, result: 'succeeded', durationMs: 0, cached: true });
      },
      finished: (index, p, outcome, durationMs, cancelled) =>
        ctx.emit({
          kind: 'provisioner-finished',
          index,
          type: p.type,
          name: p.name,
          result: outcome.ok ? 'succeeded' : cancelled ? 'cancelled' : 'failed',
          durationMs,
          error: outcome.ok ? undefined : ctx.mask(outcome.error),
        }),
    },
  });
  const steps = build.builder.steps(provision);
  const outcome = await runSteps({
    steps,
    state,
    ui,
    signal,
    abandon: ctx.abandon,
    onError: ctx.onError,
    debug: ctx.debug,
    events: {
      stepStarted: (step) => ctx.emit({ kind: 'step-started', step }),
      stepFinished: (step, result, durationMs, error) => ctx.emit({ kind: 'step-finished', step, result, durationMs, error }),
      resource: (change) => ctx.emit({ kind: 'resource', ...change }),
    },
  });
  if (outcome.leftBehind.length > 0) ctx.emit({ kind: 'left-behind', resources: outcome.leftBehind });
  const finish = (result: RunResult, artifacts: Artifact[], error?: string): BuildOutcome => {
    const summaries = artifacts.map(summarizeArtifact);
    const durationMs = performance.now() - started;
    ctx.emit({ kind: 'build-finished', result, durationMs, error, artifacts: summaries });
    return { name: info.displayName, builderType: info.builderType, result, error, artifacts: summaries, durationMs, leftBehind: outcome.leftBehind };
  };
  if (outcome.result !== 'succeeded') return finish(outcome.result, [], outcome.error);

  const builderArtifact = build.builder.artifact(state);
  if (!builderArtifact) return finish('succeeded', []);
  const pp = await runPostProcessors({
    builderArtifact,
    chains: build.postProcessors,
    say: (text) => ui.say(text),
    hcl2: info.hcl2,
    signal,
    beforeEach: ({ index }, p) => pause({ kind: 'post-processor', index, type: p.type, name: p.name, at: blockPlace('post-processor', p.range) }),
    contextFor: (p) => ({ ui: ctx.uiFor(`${info.displayName} (${p.type})`), mask: ctx.mask, signal, build: info, generated: state.generated }),
    lifecycle: {
      started: (place, p) => ctx.emit({ kind: 'post-processor-started', ...place, type: p.type, name: p.name }),
      finished: (place, p, error, durationMs, cancelled) =>
        ctx.emit({
          kind: 'post-processor-finished',
          ...place,
          type: p.type,
          name: p.name,
          result: error === undefined ? 'succeeded' : cancelled ? 'cancelled' : 'failed',
          durationMs,
          error: error === undefined ? undefined : ctx.mask(error),
        }),
    },
  });
  if (signal.aborted) return finish('cancelled', [], CANCELLED);
  if (pp.errors.length > 0) {
    const error = `${pp.errors.length} error(s) occurred:\n\n${pp.errors.map((e) => `* ${e}`).join('\n')}`;
    return finish('failed', [], error);
  }
  for (const a of pp.artifacts) ctx.emit({ kind: 'artifact', artifact: summarizeArtifact(a) });
  return finish('succeeded', pp.artifacts);
}

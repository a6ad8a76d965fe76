/**
 * The provisioning step a builder places among its steps: runs each provisioner with Packer's pause_before,
 * max_retries and timeout, and — when the build has failed — the error-cleanup-provisioner during cleanup.
 */
import type { Range } from '../common/diagnostic';
import { CANCELLED, err, type Result } from '../common/result';
import type { Plain } from '../template/values/value';
import type { BuildInfo, BuildState, Provisioner, ProvisionContext } from './plugin';
import { backoffDelay, sleep, type Backoff } from './retry';
import { CONTINUE, errorText, halt, type Step } from './steps';

export interface PreparedProvisioner {
  type: string;
  name?: string;
  provisioner: Provisioner;
  /** Go duration text as written, for Packer's "Pausing 10s …" message. */
  pauseBefore?: string;
  pauseBeforeMs: number;
  maxRetries: number;
  /** Go duration text as written, for the timeout error. */
  timeout?: string;
  timeoutMs: number;
  /** Where its block is written, so a breakpoint set on its graph node finds it. */
  range?: Range;
  /** Its evaluated config as plain data, for its build-cache key (core/cache). */
  config: Record<string, Plain>;
  /** False when the template says `cache = false`. */
  cache: boolean;
}

export interface ProvisioningOptions {
  provisioners: PreparedProvisioner[];
  cleanupProvisioner?: PreparedProvisioner;
  build: BuildInfo;
  backoff: Backoff;
  /** Told when each of `provisioners` begins and ends, so the UI can show which one is running and how long it took. */
  lifecycle?: ProvisionerLifecycle;
  /** Asked before each of `provisioners` starts (a breakpoint may pause there); `abort` stops the build as a cancel does. */
  beforeEach?(index: number, p: PreparedProvisioner): Promise<'go' | 'abort'>;
}

export interface ProvisionerLifecycle {
  started(index: number, p: PreparedProvisioner): void;
  /** It did not run: its result came from the build cache. */
  cached(index: number, p: PreparedProvisioner): void;
  finished(index: number, p: PreparedProvisioner, outcome: Result, durationMs: number, cancelled: boolean): void;
}

export function provisionStep(opts: ProvisioningOptions): Step<BuildState> {
  return {
    name: 'StepProvision',
    runsCleanupProvisioner: true,
    async run(state, ctx) {
      const cache = state.cache;
      const hits = cache?.planned.hits ?? 0;
      if (cache?.resume && hits > 0) ctx.ui.say(`Resuming after step ${hits} (${opts.provisioners[hits - 1]?.type ?? ''}), the last cached step`);
      for (const [index, p] of opts.provisioners.entries()) {
        if (index < hits) {
          ctx.ui.say(`Using cached result of step ${index + 1} (${p.type})`);
          opts.lifecycle?.cached(index, p);
          continue;
        }
        if (opts.beforeEach && (await opts.beforeEach(index, p)) === 'abort') return halt(CANCELLED);
        if (ctx.signal.aborted) return halt(CANCELLED);
        opts.lifecycle?.started(index, p);
        const started = performance.now();
        const outcome = await runProvisioner(p, { ui: ctx.ui, signal: ctx.signal, build: opts.build, communicator: state.communicator, generated: state.generated }, opts.backoff);
        opts.lifecycle?.finished(index, p, outcome, performance.now() - started, ctx.signal.aborted);
        if (!outcome.ok) return halt(outcome.error);
        if (ctx.signal.aborted) return halt(CANCELLED);
        if (cache?.saves(index)) {
          ctx.ui.say(`Saving step ${index + 1} (${p.type}) to the build cache`);
          const saved = await cache.save(index, ctx.signal);
          // A cache that cannot be written costs the next build time, never this build its result.
          if (!saved.ok) ctx.ui.error(`Could not save step ${index + 1} to the build cache: ${saved.error}`);
          if (ctx.signal.aborted) return halt(CANCELLED);
        }
      }
      return CONTINUE;
    },
    async cleanup(state, ctx) {
      if (state.error === undefined) return;
      ctx.ui.say('Provisioning step had errors: Running the cleanup provisioner, if present...');
      if (!opts.cleanupProvisioner) return;
      const original = state.error;
      const outcome = await runProvisioner(
        opts.cleanupProvisioner,
        { ui: ctx.ui, signal: ctx.signal, build: opts.build, communicator: state.communicator, generated: state.generated },
        opts.backoff,
      );
      if (!outcome.ok) state.error = `Cleanup failed: ${outcome.error}. Original Provisioning error: ${original}`;
    },
  };
}

/** One provisioner with its retries; each attempt pauses first (pause_before) and is cut off after `timeout`. */
export async function runProvisioner(p: PreparedProvisioner, ctx: ProvisionContext, backoff: Backoff): Promise<Result> {
  let last = await attempt(p, ctx);
  for (let left = p.maxRetries; !last.ok && left > 0; left--) {
    if (ctx.signal.aborted) return last;
    ctx.ui.say(`Provisioner failed with ${JSON.stringify(last.error)}, retrying with ${left} trie(s) left`);
    if (!(await sleep(backoffDelay(backoff, p.maxRetries - left), ctx.signal))) return last;
    last = await attempt(p, ctx);
  }
  if (!last.ok && p.maxRetries > 0 && !ctx.signal.aborted) ctx.ui.say('retry limit reached.');
  return last;
}

async function attempt(p: PreparedProvisioner, ctx: ProvisionContext): Promise<Result> {
  if (p.pauseBeforeMs > 0) {
    ctx.ui.say(`Pausing ${p.pauseBefore ?? `${p.pauseBeforeMs}ms`} before the next provisioner...`);
    if (!(await sleep(p.pauseBeforeMs, ctx.signal))) return err(CANCELLED);
  }
  if (p.timeoutMs <= 0) return guarded(p.provisioner, ctx);
  const timeout = new AbortController();
  const timer = setTimeout(() => {
    ctx.ui.error('Cancelling provisioner after a timeout...');
    timeout.abort();
  }, p.timeoutMs);
  try {
    const outcome = await guarded(p.provisioner, { ...ctx, signal: AbortSignal.any([ctx.signal, timeout.signal]) });
    if (!outcome.ok && timeout.signal.aborted && !ctx.signal.aborted) {
      return err(`The ${p.type} provisioner timed out after ${p.timeout ?? `${p.timeoutMs}ms`}`);
    }
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

async function guarded(p: Provisioner, ctx: ProvisionContext): Promise<Result> {
  try {
    return await p.provision(ctx);
  } catch (e) {
    return err(errorText(e));
  }
}


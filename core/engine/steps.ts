/**
 * Packer's multistep runner: steps run in order until one halts; every step that started has its cleanup run
 * in reverse order afterwards — on success, failure, cancellation or a thrown exception.
 *
 * The pattern every builder follows (the docker builder is the example):
 * - State: the builder declares its state once, `interface DockerState extends BuildState { containerId?: string; … }`,
 *   every own field optional (each build starts from the engine's BuildState). The runner passes that one object to every
 *   step's run and cleanup; steps share nothing else (no objects closed over by several steps, no callbacks setting `let`s).
 *   A step used by several builders declares the part it fills (`DownloadState`), which their state types extend; what
 *   only one step uses (the HTTP server it closes) may stay private to that step, as in Packer's step structs.
 * - Cleanup: each thing a step creates has exactly one cleanup path, a tracked resource: `ctx.track({ remove })` before the
 *   create call, so a create that half-fails, a second cancel or -on-error=abort still finds it, and the runner reports what
 *   it could not remove. `release()` only says the thing no longer needs removing (renamed into place, handed over).
 *   A step's own `cleanup` is for work that leaves nothing outside this process: the error-cleanup-provisioner, closing a
 *   connection or server, powering off a machine whose removal is itself a tracked resource.
 */
import type { OnErrorPolicy } from '../common/on-error';
import { CANCELLED } from '../common/result';
import { err, ok, type Result } from '../common/result';
import type { RunResult } from '../common/run-result';
import { ASK_TEXT, skipsCleanup } from './on-error';
import type { LeftBehind, ResourcePhase, StepEnd } from './events';
import type { Ui } from './plugin';
import { untilAborted } from './retry';

/** Packer's multistep actions over the one result type: continue, or halt with why. */
export type StepResult = Result;

export const CONTINUE: StepResult = ok();
export const halt = (error: string): StepResult => err(error);

/** Something a step is about to create, registered first so cleanup (or the abort report) knows about it even if creation half-fails. */
export interface Resource {
  description: string;
  /** What the user can run to remove it by hand (shown when -on-error=abort leaves it behind). */
  howToRemove?: string;
  /**
   * The resource's one cleanup path; it may tell the user what it removes (Packer's "Killing the container: …"). It
   * answers `'kept'` when it left the resource in place as the build's output (an AMI after a successful build), which
   * the ledger records as released rather than removed.
   */
  remove(ctx: CleanupContext): Promise<void | 'kept'>;
}

export interface ResourceHandle {
  /** The resource no longer needs removing (it became the step's output, say): the runner forgets it. */
  release(): void;
  /** The create call answered: the ledger records the resource's id (an EC2 instance id, a container id). */
  created(id: string): void;
}

export interface StepContext {
  /** Aborted when the run is cancelled; a step must stop promptly and return. */
  signal: AbortSignal;
  ui: Ui;
  track(resource: Resource): ResourceHandle;
}

export interface CleanupContext {
  ui: Ui;
  /** Aborted only by a second cancel: cleanups run to the end otherwise. */
  signal: AbortSignal;
  halted: boolean;
  cancelled: boolean;
}

export interface Step<S> {
  name: string;
  run(state: S, ctx: StepContext): Promise<StepResult>;
  cleanup?(state: S, ctx: CleanupContext): Promise<void> | void;
  /** The provisioning step: its cleanup runs the error-cleanup-provisioner, even under -on-error=run-cleanup-provisioner. */
  runsCleanupProvisioner?: boolean;
}

export interface StepEvents {
  stepStarted(step: string): void;
  stepFinished(step: string, result: StepEnd, durationMs: number, error?: string): void;
  /** The ledger: a tracked resource is about to be created, was created, removed or released. */
  resource(change: ResourceChange): void;
}

export interface ResourceChange {
  phase: ResourcePhase;
  step: string;
  /** The resource's number within the build (1, 2, …), the same in all its changes. */
  resource: number;
  description: string;
  id?: string;
}

export interface RunStepsOptions<S extends { error?: string }> {
  steps: readonly Step<S>[];
  state: S;
  ui: Ui;
  /** First cancel: steps stop, cleanup runs. */
  signal: AbortSignal;
  /** Second cancel: abandon the cleanups still running and report what is left. */
  abandon: AbortSignal;
  onError: OnErrorPolicy;
  /** -debug: pause after each step runs and before each cleanup (Packer's DebugRunner). */
  debug?: boolean;
  events: StepEvents;
}

export interface StepsOutcome {
  result: RunResult;
  error?: string;
  leftBehind: LeftBehind[];
}

interface Tracked {
  resource: Resource;
  released: boolean;
  /** Its number in the ledger. */
  seq: number;
}

interface Ran<S> {
  step: Step<S>;
  resources: Tracked[];
}

const ABANDONED = Symbol('abandoned');

export async function runSteps<S extends { error?: string }>(opts: RunStepsOptions<S>): Promise<StepsOutcome> {
  const { steps, state, ui, signal, abandon, events } = opts;
  const ran: Ran<S>[] = [];
  let tracked = 0;
  let halted = false;
  let askedToAbort = false;

  for (const step of steps) {
    if (signal.aborted) break;
    const entry: Ran<S> = { step, resources: [] };
    ran.push(entry);
    const ctx: StepContext = {
      signal,
      ui,
      track(resource) {
        const t: Tracked = { resource, released: false, seq: ++tracked };
        entry.resources.push(t);
        const change = (phase: ResourcePhase, id?: string) =>
          events.resource({ phase, step: step.name, resource: t.seq, description: resource.description, ...(id !== undefined ? { id } : {}) });
        change('creating');
        return {
          release() {
            if (t.released) return;
            t.released = true;
            change('released');
          },
          created: (id) => change('created', id),
        };
      },
    };
    for (;;) {
      events.stepStarted(step.name);
      const started = Date.now();
      let result: StepResult | typeof ABANDONED;
      try {
        result = await untilAborted(step.run(state, ctx), abandon, ABANDONED);
      } catch (e) {
        result = halt(errorText(e));
      }
      const elapsed = Date.now() - started;
      if (result === ABANDONED || (signal.aborted && !result.ok)) {
        events.stepFinished(step.name, 'cancelled', elapsed);
        break;
      }
      if (result.ok) {
        events.stepFinished(step.name, 'continue', elapsed);
        if (opts.debug && !signal.aborted) await ui.ask('debug', `Pausing after run of step '${step.name}'. Press enter to continue.`, ['continue']);
        break;
      }
      events.stepFinished(step.name, 'halt', elapsed, result.error);
      state.error = result.error;
      if (opts.onError === 'ask') {
        ui.error(result.error);
        ui.say(`Step "${step.name}" failed`);
        const answer = await ui.ask('on-error', ASK_TEXT, ['cleanup', 'abort', 'retry']);
        if (answer === 'retry' && !signal.aborted) {
          state.error = undefined;
          continue;
        }
        askedToAbort = answer === 'abort';
      }
      halted = true;
      break;
    }
    if (halted || signal.aborted) break;
  }

  const cancelled = signal.aborted && !halted;
  const leftBehind = await cleanUp(ran, opts, { halted, cancelled, askedToAbort });
  const result = halted ? 'failed' : cancelled ? 'cancelled' : 'succeeded';
  return { result, error: halted ? state.error : cancelled ? CANCELLED : undefined, leftBehind };
}

async function cleanUp<S extends { error?: string }>(
  ran: Ran<S>[],
  opts: RunStepsOptions<S>,
  how: { halted: boolean; cancelled: boolean; askedToAbort: boolean },
): Promise<LeftBehind[]> {
  const { state, ui, abandon } = opts;
  const left: LeftBehind[] = [];
  const failedRun = how.halted || how.cancelled;
  let logged = false;
  const leave = (entry: Ran<S>) => {
    const open = entry.resources.filter((t) => !t.released);
    for (const t of open) left.push({ step: entry.step.name, description: t.resource.description, howToRemove: t.resource.howToRemove });
    // The provisioning step's cleanup only runs the error-cleanup-provisioner: skipping it leaves nothing behind.
    if (open.length === 0 && entry.step.cleanup && !entry.step.runsCleanupProvisioner) left.push({ step: entry.step.name, description: `cleanup of step "${entry.step.name}" did not run` });
  };

  for (const entry of [...ran].reverse()) {
    const { step } = entry;
    if (failedRun && skipsCleanup(opts.onError, how.askedToAbort, step)) {
      if (!logged) {
        if (state.error) ui.error(state.error);
        ui.error(how.cancelled ? 'Interrupted, aborting...' : `Step "${step.name}" failed, aborting...`);
        logged = true;
      } else {
        ui.error(`aborted: skipping cleanup of step "${step.name}"`);
      }
      leave(entry);
      continue;
    }
    if (abandon.aborted) {
      leave(entry);
      continue;
    }
    if (opts.debug && !opts.signal.aborted) await ui.ask('debug', `Pausing before cleanup of step '${step.name}'. Press enter to continue.`, ['continue']);
    const cctx: CleanupContext = { ui, signal: abandon, halted: how.halted, cancelled: how.cancelled };
    let abandoned = false;
    if (step.cleanup) {
      try {
        abandoned = (await untilAborted(Promise.resolve(step.cleanup(state, cctx)), abandon, ABANDONED)) === ABANDONED;
      } catch (e) {
        ui.error(`Cleanup of step "${step.name}" failed: ${errorText(e)}`);
      }
    }
    for (const t of [...entry.resources].reverse()) {
      if (t.released) continue;
      if (abandoned || abandon.aborted) {
        left.push({ step: step.name, description: t.resource.description, howToRemove: t.resource.howToRemove });
        continue;
      }
      try {
        const removed = await untilAborted(t.resource.remove(cctx), abandon, ABANDONED);
        abandoned = removed === ABANDONED;
        if (abandoned) left.push({ step: step.name, description: t.resource.description, howToRemove: t.resource.howToRemove });
        else {
          t.released = true;
          opts.events.resource({ phase: removed === 'kept' ? 'released' : 'removed', step: step.name, resource: t.seq, description: t.resource.description });
        }
      } catch (e) {
        ui.error(`Could not remove ${t.resource.description}: ${errorText(e)}`);
        left.push({ step: step.name, description: t.resource.description, howToRemove: t.resource.howToRemove });
      }
    }
    if (abandoned && entry.resources.length === 0) left.push({ step: step.name, description: `cleanup of step "${step.name}" was still running` });
  }
  return left;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

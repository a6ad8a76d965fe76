/**
 * The one event stream a run produces, declared here because it crosses the contract: the CLI renders it, the run log
 * stores it and the desktop app receives it over IPC, so every event is plain serialisable data (no functions, no class
 * instances). The engine emits exactly these (`core/engine/events.ts` names them for its own use).
 */
import type { PausePlace } from '../common/breakpoint';
import type { OutputStream } from '../common/output';
import type { PromptAnswer, PromptReason } from '../common/prompt';
import type { ResourcePhase } from '../common/resource';
import type { RunResult, StepEnd } from '../common/run-result';

export type { PausePlace, PromptAnswer, PromptReason, ResourcePhase };

/** What an artifact looks like outside the engine (the live object may also know how to destroy itself). */
export interface ArtifactSummary {
  id: string;
  builderId: string;
  files: string[];
  /** Packer's one-line description, shown after "Builds finished". */
  text: string;
  state: Record<string, unknown>;
}

/** Something a halted build left behind (with -on-error=abort) and how to remove it by hand. */
export interface LeftBehind {
  step: string;
  description: string;
  howToRemove?: string;
}

interface EventBase {
  /** Milliseconds since the Unix epoch. */
  time: number;
  /** The build's name (`null`, `docker.ubuntu`, `mybuild.docker.ubuntu`); empty for run-wide events. */
  build: string;
}

/** One event of a run, as the engine emits it, the run log stores it and the UI receives it. */
export type RunEvent =
  /** `pid` and `host`: the process running it, so a sweep can tell a killed run's leftovers from a live run's resources. */
  | (EventBase & { kind: 'run-started'; runId: string; builds: string[]; pid?: number; host?: string })
  | (EventBase & { kind: 'run-finished'; runId: string; durationMs: number; failed: string[]; cancelled: boolean })
  | (EventBase & { kind: 'build-started'; builderType: string })
  | (EventBase & { kind: 'build-finished'; result: RunResult; durationMs: number; error?: string; artifacts: ArtifactSummary[] })
  | (EventBase & { kind: 'step-started'; step: string })
  | (EventBase & { kind: 'step-finished'; step: string; result: StepEnd; durationMs: number; error?: string })
  /**
   * One provisioner of the build began or ended (retries and pause_before included). `index` is its place among the
   * build's provisioners, in the order they run; the error-cleanup-provisioner is not one of them and reports none.
   * `cached`: it did not run, its result came from the build cache (it started and finished at once).
   */
  | (EventBase & { kind: 'provisioner-started'; index: number; type: string; name?: string })
  | (EventBase & { kind: 'provisioner-finished'; index: number; type: string; name?: string; result: RunResult; durationMs: number; error?: string; cached?: true })
  /**
   * One post-processor began or ended. `chain` and `position` place it in its chain; `index` counts every post-processor
   * of the build in written order (chains one after another), as the graph lists them.
   */
  | (EventBase & { kind: 'post-processor-started'; index: number; chain: number; position: number; type: string; name?: string })
  | (EventBase & {
      kind: 'post-processor-finished';
      index: number;
      chain: number;
      position: number;
      type: string;
      name?: string;
      result: RunResult;
      durationMs: number;
      error?: string;
    })
  /** A line a command printed; `component` names the post-processor when one is running, as Packer's "name (type)" target. */
  | (EventBase & { kind: 'output'; stream: OutputStream; line: string; component?: string })
  /** `say` is Packer's `==>` line, `message` its indented detail line. */
  | (EventBase & { kind: 'message'; level: 'say' | 'message' | 'log'; text: string; component?: string })
  | (EventBase & { kind: 'error'; text: string; component?: string })
  /**
   * The engine waits for `answerPrompt(promptId, answer)`. `at`: the provisioner or post-processor a `step` prompt pauses
   * before. `terminal`: a shell can be opened on the build's machine while it waits (a Docker or SSH build, connected).
   */
  | (EventBase & { kind: 'prompt'; promptId: string; reason: PromptReason; text: string; choices: PromptAnswer[]; at?: PausePlace; terminal?: boolean })
  | (EventBase & { kind: 'prompt-answered'; promptId: string; answer: PromptAnswer })
  | (EventBase & { kind: 'artifact'; artifact: ArtifactSummary })
  | (EventBase & { kind: 'left-behind'; resources: LeftBehind[] })
  /**
   * The run's ledger of what it makes outside this process: each tracked resource (the step's `ctx.track`) is recorded
   * before its create call (`creating`), again once its id is known (`created`), and when it is removed or released.
   * `resource` numbers it within the build, so its events can be joined; the run log writes these at once, so a killed
   * run's log still says what it was creating.
   */
  | (EventBase & { kind: 'resource'; phase: ResourcePhase; step: string; resource: number; description: string; id?: string });

/**
 * Run events reach the UI in batches (about every 100 ms); `seq` numbers let the UI notice a gap and re-read it from the
 * run log with `builds.readLog`.
 */
export interface RunEventBatch {
  runId: string;
  /** Sequence number of the first event in this batch; events are numbered from 0 per run. */
  firstSeq: number;
  events: RunEvent[];
}

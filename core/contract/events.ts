/**
 * Run events as they cross the contract: the UI's view of the engine's event stream (`core/engine/events.ts`). Declared
 * here so the contract, and the renderer behind it, need nothing from the engine. The host (`core/app/builds.ts`) hands the
 * engine's events on as these, unchanged, and the compiler checks there that every engine event is one of them.
 */
import type { OutputStream } from '../common/output';
import type { PromptAnswer, PromptReason } from '../common/prompt';
import type { RunResult, StepEnd } from '../common/run-result';

/** What an artifact looks like outside the engine. */
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

type BuildResult = RunResult;
type ComponentResult = RunResult;
export type { PromptAnswer, PromptReason };

interface EventBase {
  /** Milliseconds since the Unix epoch. */
  time: number;
  /** The build's name (`null`, `docker.ubuntu`); empty for run-wide events. */
  build: string;
}

/** One event of a run; `core/engine/events.ts` says what each one means. */
export type RunEvent =
  | (EventBase & { kind: 'run-started'; runId: string; builds: string[] })
  | (EventBase & { kind: 'run-finished'; runId: string; durationMs: number; failed: string[]; cancelled: boolean })
  | (EventBase & { kind: 'build-started'; builderType: string })
  | (EventBase & { kind: 'build-finished'; result: BuildResult; durationMs: number; error?: string; artifacts: ArtifactSummary[] })
  | (EventBase & { kind: 'step-started'; step: string })
  | (EventBase & { kind: 'step-finished'; step: string; result: StepEnd; durationMs: number; error?: string })
  | (EventBase & { kind: 'provisioner-started'; index: number; type: string; name?: string })
  | (EventBase & { kind: 'provisioner-finished'; index: number; type: string; name?: string; result: ComponentResult; durationMs: number; error?: string })
  | (EventBase & { kind: 'post-processor-started'; index: number; chain: number; position: number; type: string; name?: string })
  | (EventBase & {
      kind: 'post-processor-finished';
      index: number;
      chain: number;
      position: number;
      type: string;
      name?: string;
      result: ComponentResult;
      durationMs: number;
      error?: string;
    })
  | (EventBase & { kind: 'output'; stream: OutputStream; line: string; component?: string })
  | (EventBase & { kind: 'message'; level: 'say' | 'message' | 'log'; text: string; component?: string })
  | (EventBase & { kind: 'error'; text: string; component?: string })
  | (EventBase & { kind: 'prompt'; promptId: string; reason: PromptReason; text: string; choices: PromptAnswer[] })
  | (EventBase & { kind: 'prompt-answered'; promptId: string; answer: PromptAnswer })
  | (EventBase & { kind: 'artifact'; artifact: ArtifactSummary })
  | (EventBase & { kind: 'left-behind'; resources: LeftBehind[] });

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

/** The run history's enums: who started a run, how a recorded run stands, and what a timeline bar is. */
import { RUN_RESULTS } from './run-result';

/** Who started a run: the desktop app (or `bakehouse serve`) or the `bakehouse` CLI. */
export const RUN_ORIGINS = ['app', 'cli'] as const;
export type RunOrigin = (typeof RUN_ORIGINS)[number];

/** A recorded run is `running` until its `run-finished` event, then how it ended. */
export const RUN_STATUSES = ['running', ...RUN_RESULTS] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What one bar of a build's timeline is: one of its builder's steps, a provisioner or a post-processor. */
export const TIMELINE_KINDS = ['step', 'provisioner', 'post-processor'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export function isRunStatus(text: unknown): text is RunStatus {
  return (RUN_STATUSES as readonly unknown[]).includes(text);
}

export function isRunOrigin(text: unknown): text is RunOrigin {
  return (RUN_ORIGINS as readonly unknown[]).includes(text);
}

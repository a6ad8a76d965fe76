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

/** How many runs of a template a run's duration trend shows. */
export const HISTORY_TREND_RUNS = 20;

export function isRunStatus(text: unknown): text is RunStatus {
  return (RUN_STATUSES as readonly unknown[]).includes(text);
}

export function isRunOrigin(text: unknown): text is RunOrigin {
  return (RUN_ORIGINS as readonly unknown[]).includes(text);
}

/** A duration as the history shows it in a column: `850ms`, `12.4s`, `3m05s`, `1h02m` (the CLI and the History page). */
export function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

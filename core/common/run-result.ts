/** How a run, a build or one of its components ended. */
export const RUN_RESULTS = ['succeeded', 'failed', 'cancelled'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/** How a step ended: the runner went on, the step halted the build, or the build was cancelled during it. */
export type StepEnd = 'continue' | 'halt' | 'cancelled';

/** How a whole run ended, from what its `run-finished` event says: cancelled wins over failed. */
export function runResultOf(run: { cancelled: boolean; failed: readonly string[] }): RunResult {
  return run.cancelled ? 'cancelled' : run.failed.length > 0 ? 'failed' : 'succeeded';
}

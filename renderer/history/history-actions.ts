/**
 * The History page's commands (registered in `app/actions.ts`): open the page, filter the list, read further windows of
 * it as it scrolls, open a run, run it again with the same inputs, and set the retention. The host filters (SQL over
 * the history database); an answer to a filter the user has since changed is dropped.
 */
import type { HistoryRun } from '../../core/contract/types';
import { getServices } from '../app/services';
import { useApp, type HistoryFilter } from '../app/store';
import { RunLog } from '../logs/run-log';

/** Rows read per call: a screenful many times over, small enough to arrive between two frames. */
export const HISTORY_WINDOW = 200;

let filterSeq = 0;
const pending = new Set<number>();

function query(f: HistoryFilter) {
  return { template: f.template, status: f.status, text: f.text.trim() || undefined };
}

export async function openHistory(): Promise<void> {
  useApp.getState().setView('history');
  await filterHistory(useApp.getState().historyFilter);
}

/** Lists the runs matching `filter` from the first row. */
export async function filterHistory(filter: HistoryFilter): Promise<void> {
  const s = useApp.getState();
  s.setHistoryFilter(filter);
  const seq = ++filterSeq;
  pending.clear();
  s.setHistoryLoading(true);
  const r = await getServices().api.history.list({ ...query(filter), limit: HISTORY_WINDOW, offset: 0 });
  if (seq !== filterSeq) return;
  useApp.getState().setHistoryLoading(false);
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setHistoryPage(0, r.value.runs, r.value.total, r.value.templates, true);
}

/** Reads the window holding `row` if it is not loaded yet (the list calls this for the rows coming into view). */
export async function loadHistoryRows(row: number): Promise<void> {
  const offset = Math.floor(row / HISTORY_WINDOW) * HISTORY_WINDOW;
  const s = useApp.getState();
  if (pending.has(offset) || s.historyRows[offset] !== undefined) return;
  pending.add(offset);
  const seq = filterSeq;
  const r = await getServices().api.history.list({ ...query(s.historyFilter), limit: HISTORY_WINDOW, offset });
  pending.delete(offset);
  if (seq !== filterSeq || !r.ok) return;
  useApp.getState().setHistoryPage(offset, r.value.runs, r.value.total, r.value.templates, false);
}

/** The run logs opened in the detail, by run id: read by window as they scroll, kept while the page lives (a few rows each). */
const logs = new Map<string, RunLog>();

export function historyLog(runId: string): RunLog {
  let log = logs.get(runId);
  if (!log) {
    const { api } = getServices();
    log = new RunLog(async (offset, count) => {
      const w = await api.builds.readLog({ runId, offset, count });
      return w.ok ? w.value : undefined;
    });
    logs.set(runId, log);
  }
  return log;
}

export async function showRun(runId: string | undefined): Promise<void> {
  const s = useApp.getState();
  if (runId === undefined) return s.setHistoryDetail(undefined);
  s.setHistoryDetail(runId, s.historyDetail?.runId === runId ? s.historyDetail : undefined);
  const r = await getServices().api.history.show({ runId });
  if (useApp.getState().historyRunId !== runId) return;
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  // A log first opened while its run was going on has grown since: its viewer learns the new end.
  if (r.value.logPath) await historyLog(runId).loadTotal();
  useApp.getState().setHistoryDetail(runId, r.value);
}

/**
 * Starts the run's template again with the inputs it was run with (builds, on-error, typed variables; sensitive values
 * come from the template's bindings or defaults, never from the history), then shows the new run in the history.
 */
export async function runAgain(run: Pick<HistoryRun, 'runId' | 'template'>): Promise<void> {
  await startAgain(run, false);
}

/**
 * Runs a failed run again with the same inputs, resuming each build after its last cached step (the CLI's -resume):
 * steps the failed run finished are served from the build cache instead of running again.
 */
export async function resumeRun(run: Pick<HistoryRun, 'runId' | 'template'>): Promise<void> {
  await startAgain(run, true);
}

async function startAgain(run: Pick<HistoryRun, 'runId' | 'template'>, resume: boolean): Promise<void> {
  const { api } = getServices();
  const detail = useApp.getState().historyDetail;
  if (!detail || detail.runId !== run.runId || !run.template) return;
  const { only, except, onError, vars } = detail.inputs;
  const r = await api.builds.start({
    path: run.template,
    only: only.length ? only : undefined,
    except: except.length ? except : undefined,
    onError,
    vars: vars.length ? vars : undefined,
    ...(resume ? { resume: true } : {}),
  });
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setStatus(`Build ${resume ? 'resumed' : 'started again'} (${r.value.runId})`);
  const runId = r.value.runId;
  // The run is in the history from its start; show it once it has ended, with its whole timeline.
  const stop = getServices().onRunEvents(runId, (batch) => {
    if (!batch.events.some((e) => e.kind === 'run-finished')) return;
    stop();
    // The recorder writes a run's last rows as its run-finished goes out: read them on the next turn.
    setTimeout(() => void filterHistory(useApp.getState().historyFilter).then(() => showRun(runId)), 0);
  });
  await filterHistory(useApp.getState().historyFilter);
  await showRun(runId);
}

/** The build cache's size cap in megabytes (0: none); the least recently used entries past it go after each build. */
export async function setCacheCap(cacheMaxMb: number): Promise<void> {
  const r = await getServices().api.workspace.setSettings({ cacheMaxMb });
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setSettings(r.value);
}

export async function setRetention(change: { historyKeepRuns?: number; historyKeepDays?: number }): Promise<void> {
  const r = await getServices().api.workspace.setSettings(change);
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setSettings(r.value);
  await filterHistory(useApp.getState().historyFilter);
}

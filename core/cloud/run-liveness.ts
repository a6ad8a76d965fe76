/**
 * What a cloud sweep (`bakehouse cleanup`) knows of the run that tagged a resource, from this data folder's run log:
 * whether it finished, succeeded, and whether it may still be going (the process and host its `run-started` names), as
 * the Docker sweep reads its records. Shared by the AWS and Azure sweeps.
 */
import { hostname } from 'node:os';
import type { RunEvent } from '../contract/events';
import { RunLogReader, runLogPath } from '../engine/runlog';
import { processAlive } from '../engine/process-alive';

/** What this data folder's run log says of a run. */
export interface RunRecord {
  pid?: number;
  host?: string;
  finished: boolean;
  /** Finished with no failed build and no cancel. */
  succeeded: boolean;
}

export function readRunRecord(dataDir: string, runId: string): RunRecord | undefined {
  const reader = new RunLogReader(runLogPath(dataDir, runId));
  const count = reader.count();
  if (count === 0) return undefined;
  const first = reader.read(0, 1)[0];
  const last = reader.read(count - 1, 1)[0];
  const started = first?.kind === 'run-started' ? first : undefined;
  const finished: Extract<RunEvent, { kind: 'run-finished' }> | undefined = last?.kind === 'run-finished' ? last : undefined;
  return {
    ...(started?.pid !== undefined ? { pid: started.pid } : {}),
    ...(started?.host !== undefined ? { host: started.host } : {}),
    finished: finished !== undefined,
    succeeded: finished !== undefined && !finished.cancelled && finished.failed.length === 0,
  };
}

/** Whether a run may still be going, and why, from its run log here. */
export function liveness(record: RunRecord | undefined): { maybeInUse: boolean; why: string } {
  if (!record) return { maybeInUse: true, why: 'there is no run log of its run here (another machine or data folder may be running it)' };
  if (record.finished) return { maybeInUse: false, why: 'its run finished' };
  if (record.host !== undefined && record.host !== hostname()) return { maybeInUse: true, why: `its run was started on another host (${record.host})` };
  if (record.pid !== undefined && processAlive(record.pid)) return { maybeInUse: true, why: `its run (process ${record.pid}) is still going` };
  return { maybeInUse: false, why: 'its run is gone' };
}

/** readRunRecord, read once per run. */
export function runRecords(dataDir: string): (runId: string) => RunRecord | undefined {
  const records = new Map<string, RunRecord | undefined>();
  return (runId) => {
    if (!records.has(runId)) records.set(runId, readRunRecord(dataDir, runId));
    return records.get(runId);
  };
}

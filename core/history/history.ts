/**
 * The build history of one data folder: every run the app or the CLI starts is recorded here, in SQLite
 * (`<data>/history.sqlite`), and listed, shown and pruned from here. Opening it migrates the schema and, the first
 * time, imports the run logs written before it existed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ok, type Result } from '../common/result';
import type { RunEvent } from '../contract/events';
import type { HistoryPage, HistoryRunDetail } from '../contract/types';
import { processAlive } from '../engine/process-alive';
import { runsDir } from '../engine/runlog';
import { historyPath, openHistoryDatabase, type HistoryDatabase } from './database';
import { importRunLogs } from './import-logs';
import { HistoryReader, type HistoryFilter } from './queries';
import { HistoryWriter, RunRecorder, type RunRecordStart } from './recorder';

/** What recording needs of a run: its id, where its log is, and its events. (`BuildRun` is one.) */
export interface RecordableRun {
  readonly runId: string;
  readonly runLogPath?: string;
  subscribe(listener: (e: RunEvent) => void): () => void;
}

/** How much history to keep: at most the last `keepRuns` runs, none older than `keepDays` days (either may be absent). */
export interface RetentionPolicy {
  keepRuns?: number;
  keepDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class History {
  private readonly writer: HistoryWriter;
  private readonly reader: HistoryReader;

  private constructor(
    private readonly db: HistoryDatabase,
    readonly dataDir: string,
  ) {
    this.writer = new HistoryWriter(db);
    this.reader = new HistoryReader(db);
  }

  /** The history of `dataDir`; an error names the database file and why it could not be opened. */
  static async open(dataDir: string): Promise<Result<History>> {
    const db = await openHistoryDatabase(historyPath(dataDir));
    if (!db.ok) return db;
    const history = new History(db.value, dataDir);
    importRunLogs(history.writer, dataDir);
    history.endOrphanedRuns();
    return ok(history);
  }

  /**
   * Records `run` from now on: its row is written at once (so a run that never starts is still listed), its events as
   * they come. Call before `run.start()`. `onFailure` is told once if a write fails; the run goes on unrecorded.
   */
  record(run: RecordableRun, start: Omit<RunRecordStart, 'runId' | 'logPath'>, onFailure?: (message: string) => void): void {
    let recorder: RunRecorder;
    try {
      const state = this.writer.begin({ ...start, runId: run.runId, logPath: run.runLogPath ?? '' });
      recorder = new RunRecorder(this.writer, state, onFailure);
    } catch (e) {
      onFailure?.(`Build history not recorded: ${(e as Error).message}`);
      return;
    }
    run.subscribe((e) => recorder.handle(e));
  }

  list(filter: HistoryFilter): HistoryPage {
    return this.reader.list(filter);
  }

  detail(runId: string): HistoryRunDetail | undefined {
    return this.reader.detail(runId);
  }

  /** A run id from a whole id or a unique prefix of one. */
  resolve(id: string): string | undefined {
    return this.reader.resolve(id);
  }

  /**
   * Forgets the runs the policy does not keep, and deletes their run logs; a run still running is always kept. Answers
   * the ids removed.
   */
  prune(policy: RetentionPolicy, now = Date.now()): string[] {
    const keepRuns = policy.keepRuns ?? Number.MAX_SAFE_INTEGER;
    const since = policy.keepDays === undefined ? 0 : now - policy.keepDays * DAY_MS;
    const doomed = this.db
      .prepare<[number, number], { run_id: string; log_path: string }>(
        `SELECT run_id, log_path FROM (
           SELECT run_id, log_path, status, started_at, row_number() OVER (ORDER BY started_at DESC, run_id DESC) AS n FROM runs
         ) WHERE status != 'running' AND (n > ? OR started_at < ?)`,
      )
      .all(keepRuns, since);
    if (doomed.length === 0) return [];
    const remove = this.db.prepare('DELETE FROM runs WHERE run_id = ?');
    this.db.transaction(() => {
      doomed.forEach((r) => remove.run(r.run_id));
      // A template text no run refers to any more goes with the last of its runs.
      this.db.prepare('DELETE FROM template_texts WHERE hash NOT IN (SELECT template_hash FROM runs)').run();
    })();
    for (const r of doomed) {
      // The files go after the rows: a log left by a failed delete is harmless, a row pointing at nothing is not.
      if (r.log_path) rmSync(r.log_path, { force: true });
      rmSync(join(runsDir(this.dataDir), `${r.run_id}.meta.json`), { force: true });
    }
    return doomed.map((r) => r.run_id);
  }

  /**
   * Runs still `running` whose recording process is gone (killed, crashed, the machine restarted) ended then, and not
   * well: they are marked failed, saying so, at the time of their last recorded step.
   */
  private endOrphanedRuns(): void {
    const running = this.db.prepare<[], { run_id: string; pid: number | null }>("SELECT run_id, pid FROM runs WHERE status = 'running'").all();
    const orphans = running.filter((r) => r.pid === null || !processAlive(r.pid));
    if (orphans.length === 0) return;
    const end = this.db.prepare(
      `UPDATE runs SET status = 'failed', error = coalesce(error, ?),
         finished_at = coalesce((SELECT max(coalesce(finished_at, started_at)) FROM steps WHERE steps.run_id = runs.run_id), started_at)
       WHERE run_id = ? AND status = 'running'`,
    );
    this.db.transaction(() => orphans.forEach((r) => end.run('The process running the build stopped before the run ended.', r.run_id)))();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Turns a run's event stream into rows of the history: the run, each build, each step, provisioner and post-processor
 * with its start and end, and the artifacts. Output lines are not recorded (the run log holds them); the few events
 * that are go through prepared statements, a batch of them in one transaction, so recording costs a build well under a
 * millisecond per step (bench/history.ts measures it).
 */
import type { RunEvent } from '../contract/events';
import { CACHED_RESULT, type HistoryInputs, type HistoryVariable } from '../contract/types';
import type { RunPlaces } from './run-inputs';
import type { RunOrigin } from '../common/history';
import { runResultOf } from '../common/run-result';
import type { HistoryDatabase } from './database';

/** What is known of a run before its first event: what the caller loaded and how it was asked. */
export interface RunRecordStart {
  runId: string;
  template: string;
  templateHash: string;
  startedBy: RunOrigin;
  startedAt: number;
  builds: string[];
  variables: HistoryVariable[];
  inputs: HistoryInputs;
  logPath: string;
  /** The template's files by name, kept once per templateHash (none for a run imported from its log). */
  templateFiles?: Record<string, string>;
  places?: RunPlaces;
}

/** Events recorded; the rest (output, messages, prompts) are left to the run log. */
const RECORDED = new Set<RunEvent['kind']>([
  'run-started',
  'run-finished',
  'build-started',
  'build-finished',
  'step-started',
  'step-finished',
  'provisioner-started',
  'provisioner-finished',
  'post-processor-started',
  'post-processor-finished',
  'error',
]);

export function isRecorded(kind: RunEvent['kind']): boolean {
  return RECORDED.has(kind);
}

/** The history's prepared statements, made once per database and shared by every run recorded through it. */
export class HistoryWriter {
  private readonly insertRun;
  private readonly insertTemplate;
  private readonly startRun;
  private readonly finishRun;
  private readonly setRunError;
  private readonly startBuild;
  private readonly finishBuild;
  private readonly insertStep;
  private readonly finishStep;
  private readonly insertArtifact;
  /** One batch of a run's events, in one transaction. */
  readonly applyBatch: (run: RunState, events: readonly RunEvent[]) => void;

  constructor(readonly db: HistoryDatabase) {
    this.insertRun = db.prepare(
      `INSERT INTO runs (run_id, template_path, template_hash, started_by, started_at, status, builds, variables, inputs, log_path, pid, places)
       VALUES (@runId, @template, @templateHash, @startedBy, @startedAt, 'running', @builds, @variables, @inputs, @logPath, @pid, @places)
       ON CONFLICT (run_id) DO NOTHING`,
    );
    this.insertTemplate = db.prepare('INSERT INTO template_texts (hash, files) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING');
    this.startRun = db.prepare('UPDATE runs SET started_at = ?, builds = ? WHERE run_id = ?');
    this.finishRun = db.prepare('UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?');
    this.setRunError = db.prepare('UPDATE runs SET error = ? WHERE run_id = ? AND error IS NULL');
    this.startBuild = db.prepare(
      `INSERT INTO builds (run_id, name, builder_type, started_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET builder_type = excluded.builder_type, started_at = excluded.started_at`,
    );
    this.finishBuild = db.prepare(
      `INSERT INTO builds (run_id, name, finished_at, result, error) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, name) DO UPDATE SET finished_at = excluded.finished_at, result = excluded.result, error = excluded.error`,
    );
    this.insertStep = db.prepare('INSERT INTO steps (run_id, build, kind, name, started_at, finished_at, result, error, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.finishStep = db.prepare('UPDATE steps SET finished_at = ?, result = ?, error = ? WHERE id = ?');
    this.insertArtifact = db.prepare('INSERT INTO artifacts (run_id, build, artifact_id, builder_id, files, text) VALUES (?, ?, ?, ?, ?, ?)');
    this.applyBatch = db.transaction((run: RunState, events: readonly RunEvent[]) => {
      for (const e of events) this.apply(run, e);
    });
  }

  /** The run's row as it stands before its first event; a run already recorded (an import racing a live run) is kept. */
  begin(start: RunRecordStart): RunState {
    const { templateFiles = {}, places = {}, ...row } = start;
    this.db.transaction(() => {
      if (start.templateHash && Object.keys(templateFiles).length > 0) this.insertTemplate.run(start.templateHash, JSON.stringify(Object.entries(templateFiles).map(([path, text]) => ({ path, text }))));
      this.insertRun.run({
        ...row,
        pid: process.pid,
        builds: JSON.stringify(start.builds),
        variables: JSON.stringify(start.variables),
        inputs: JSON.stringify(start.inputs),
        places: JSON.stringify(places),
      });
    })();
    return { runId: start.runId, open: new Map(), hasError: false };
  }

  private apply(run: RunState, e: RunEvent): void {
    const id = run.runId;
    switch (e.kind) {
      case 'run-started':
        this.startRun.run(e.time, JSON.stringify(e.builds), id);
        return;
      case 'run-finished':
        this.finishRun.run(e.time, runResultOf(e), id);
        return;
      case 'error':
        this.noteError(run, e.build ? `${e.build}: ${e.text}` : e.text);
        return;
      case 'build-started':
        this.startBuild.run(id, e.build, e.builderType, e.time);
        return;
      case 'build-finished':
        this.finishBuild.run(id, e.build, e.time, e.result, e.error ?? null);
        if (e.error) this.noteError(run, `${e.build}: ${e.error}`);
        for (const a of e.artifacts) this.insertArtifact.run(id, e.build, a.id, a.builderId, JSON.stringify(a.files), a.text);
        return;
      case 'step-started':
        this.open(run, `s\0${e.build}\0${e.step}`, e.build, 'step', e.step, e.time, null);
        return;
      case 'step-finished':
        this.close(run, `s\0${e.build}\0${e.step}`, e.build, 'step', e.step, e.time, e.durationMs, e.result, e.error, null);
        return;
      case 'provisioner-started':
        this.open(run, `p\0${e.build}\0${e.index}`, e.build, 'provisioner', componentLabel(e), e.time, e.index);
        return;
      case 'provisioner-finished':
        // A step served from the build cache keeps its bar, marked as such: the timeline shows it did not run.
        this.close(run, `p\0${e.build}\0${e.index}`, e.build, 'provisioner', componentLabel(e), e.time, e.durationMs, e.cached ? CACHED_RESULT : e.result, e.error, e.index);
        return;
      case 'post-processor-started':
        this.open(run, `pp\0${e.build}\0${e.index}`, e.build, 'post-processor', componentLabel(e), e.time, e.index);
        return;
      case 'post-processor-finished':
        this.close(run, `pp\0${e.build}\0${e.index}`, e.build, 'post-processor', componentLabel(e), e.time, e.durationMs, e.result, e.error, e.index);
        return;
      default:
        return;
    }
  }

  private noteError(run: RunState, text: string): void {
    if (run.hasError) return;
    run.hasError = true;
    this.setRunError.run(text, run.runId);
  }

  private open(run: RunState, key: string, build: string, kind: string, name: string, time: number, position: number | null): void {
    const row = this.insertStep.run(run.runId, build, kind, name, time, null, null, null, position);
    run.open.set(key, Number(row.lastInsertRowid));
  }

  private close(run: RunState, key: string, build: string, kind: string, name: string, time: number, durationMs: number, result: string, error: string | undefined, position: number | null): void {
    const row = run.open.get(key);
    run.open.delete(key);
    // An end without its start (a log cut at its head) still gets its bar, from the duration it reports.
    if (row === undefined) this.insertStep.run(run.runId, build, kind, name, time - Math.round(durationMs), time, result, error ?? null, position);
    else this.finishStep.run(time, result, error ?? null, row);
  }
}

/** What recording one run keeps in memory: the rows of steps begun and not yet ended. */
export interface RunState {
  runId: string;
  open: Map<string, number>;
  hasError: boolean;
}

/** Packer's label for a provisioner or post-processor: its name when it has one, with the type. */
function componentLabel(e: { type: string; name?: string }): string {
  return e.name && e.name !== e.type ? `${e.name} (${e.type})` : e.type;
}

/** How long events wait to be written together: a step's start and end usually share one transaction. */
const FLUSH_MS = 100;

/** Records one live run: events are queued as they come and written a batch at a time, the last one at run-finished. */
export class RunRecorder {
  private pending: RunEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failure: string | undefined;

  constructor(
    private readonly writer: HistoryWriter,
    private readonly state: RunState,
    /** Told once when a write fails; the build goes on without its record. */
    private readonly onFailure: (message: string) => void = () => undefined,
  ) {}

  handle(e: RunEvent): void {
    if (this.failure !== undefined || !RECORDED.has(e.kind)) return;
    this.pending.push(e);
    if (e.kind === 'run-finished') this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.failure !== undefined) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.writer.applyBatch(this.state, batch);
    } catch (e) {
      this.failure = (e as Error).message;
      this.onFailure(`Build history not recorded: ${this.failure}`);
    }
  }
}

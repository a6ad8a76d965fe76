/** Reading the history: a filtered page of runs, newest first, and one run's whole record. */
import { HISTORY_TREND_RUNS, isRunOrigin, isRunStatus, TIMELINE_KINDS, type RunStatus, type TimelineKind } from '../common/history';
import { RUN_RESULTS, type RunResult } from '../common/run-result';
import type {
  HistoryArtifact,
  HistoryBuild,
  HistoryErrorPlace,
  HistoryInputs,
  HistoryPage,
  HistoryRun,
  HistoryRunDetail,
  HistoryStep,
  HistoryTemplateFile,
  HistoryTrendPoint,
  HistoryVariable,
} from '../contract/types';
import type { HistoryDatabase } from './database';
import type { RunPlaces } from './run-inputs';

export interface HistoryFilter {
  /** Runs of this template path only. */
  template?: string;
  status?: RunStatus;
  /** Case-insensitive text in the template path, run id, build names or first error. */
  text?: string;
  limit: number;
  offset?: number;
}

interface RunRow {
  run_id: string;
  template_path: string;
  template_hash: string;
  started_by: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  builds: string;
  error: string | null;
}

interface DetailRow extends RunRow {
  variables: string;
  inputs: string;
  log_path: string;
  places: string;
}

interface BuildRow {
  name: string;
  builder_type: string;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  error: string | null;
}

interface StepRow {
  build: string;
  kind: string;
  name: string;
  started_at: number;
  finished_at: number | null;
  result: string | null;
  error: string | null;
  position: number | null;
}

interface ArtifactRow {
  build: string;
  artifact_id: string;
  builder_id: string;
  files: string;
  text: string;
}

const RUN_COLUMNS = 'run_id, template_path, template_hash, started_by, started_at, finished_at, status, builds, error';
/**
 * A filter left out is a NULL parameter, so one prepared statement serves every combination. The text is looked for in
 * the run's `search` column (its searched columns, lower-cased, one per line), as a plain substring.
 */
const WHERE = `WHERE (@template IS NULL OR template_path = @template)
  AND (@status IS NULL OR status = @status)
  AND (@text IS NULL OR instr(search, @text) > 0)`;

export class HistoryReader {
  private readonly page;
  private readonly searched;
  private readonly count;
  private readonly templates;
  private readonly run;
  private readonly builds;
  private readonly steps;
  private readonly artifacts;
  private readonly byPrefix;
  private readonly templateText;
  private readonly trendOf;

  constructor(db: HistoryDatabase) {
    this.page = db.prepare<FilterParams, RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ${WHERE} ORDER BY started_at DESC, run_id DESC LIMIT @limit OFFSET @offset`);
    // With a text filter every run is read anyway: the total comes in the same pass, over the (few) runs that match.
    this.searched = db.prepare<FilterParams, RunRow & { total: number }>(
      `SELECT ${RUN_COLUMNS}, count(*) OVER () AS total FROM runs ${WHERE} ORDER BY started_at DESC, run_id DESC LIMIT @limit OFFSET @offset`,
    );
    this.count = db.prepare<FilterParams, { n: number }>(`SELECT count(*) AS n FROM runs ${WHERE}`);
    this.templates = db.prepare<[], { template_path: string }>("SELECT DISTINCT template_path FROM runs WHERE template_path != '' ORDER BY template_path");
    this.run = db.prepare<[string], DetailRow>(`SELECT ${RUN_COLUMNS}, variables, inputs, log_path, places FROM runs WHERE run_id = ?`);
    this.templateText = db.prepare<[string], { files: string }>('SELECT files FROM template_texts WHERE hash = ?');
    this.trendOf = db.prepare<[string, number, number], { run_id: string; started_at: number; finished_at: number; status: string }>(
      `SELECT run_id, started_at, finished_at, status FROM runs
       WHERE template_path = ? AND finished_at IS NOT NULL AND started_at <= ? ORDER BY started_at DESC LIMIT ?`,
    );
    this.builds = db.prepare<[string], BuildRow>('SELECT name, builder_type, started_at, finished_at, result, error FROM builds WHERE run_id = ?');
    this.steps = db.prepare<[string], StepRow>('SELECT build, kind, name, started_at, finished_at, result, error, position FROM steps WHERE run_id = ? ORDER BY started_at, id');
    this.artifacts = db.prepare<[string], ArtifactRow>('SELECT build, artifact_id, builder_id, files, text FROM artifacts WHERE run_id = ? ORDER BY id');
    this.byPrefix = db.prepare<[string], { run_id: string }>("SELECT run_id FROM runs WHERE run_id LIKE ? ESCAPE '\\' LIMIT 2");
  }

  list(filter: HistoryFilter): HistoryPage {
    const params: FilterParams = {
      template: filter.template ?? null,
      status: filter.status ?? null,
      // SQLite's lower() folds ASCII only, so the text is folded the same way here.
      text: filter.text ? filter.text.replace(/[A-Z]+/g, (c) => c.toLowerCase()) : null,
      limit: filter.limit,
      offset: filter.offset ?? 0,
    };
    const searched = params.text === null ? undefined : this.searched.all(params);
    const rows = searched ?? this.page.all(params);
    // A page that is not full ends the list, so its total needs no second pass over the runs.
    const complete = rows.length < filter.limit && (rows.length > 0 || params.offset === 0);
    const total = searched?.[0]?.total ?? (complete ? params.offset + rows.length : (this.count.get(params)?.n ?? 0));
    return {
      runs: rows.map(runOf),
      total,
      templates: this.templates.all().map((r) => r.template_path),
    };
  }

  detail(runId: string): HistoryRunDetail | undefined {
    const row = this.run.get(runId);
    if (!row) return undefined;
    const steps = this.steps.all(runId);
    const artifacts = this.artifacts.all(runId);
    const builds = new Map<string, HistoryBuild>();
    const buildOf = (name: string): HistoryBuild => {
      let b = builds.get(name);
      if (!b) builds.set(name, (b = { name, builderType: '', steps: [], artifacts: [] }));
      return b;
    };
    // Planned order first, so the timeline lists builds as the template does, even one that never started.
    const planned = parseJson<string[]>(row.builds, []);
    for (const name of planned) buildOf(name);
    for (const b of this.builds.all(runId)) {
      const build = buildOf(b.name);
      build.builderType = b.builder_type;
      if (b.started_at !== null) build.startedAt = b.started_at;
      if (b.finished_at !== null) build.finishedAt = b.finished_at;
      if (isRunResult(b.result)) build.result = b.result;
      if (b.error !== null) build.error = b.error;
    }
    for (const s of steps) buildOf(s.build).steps.push(stepOf(s));
    for (const a of artifacts) buildOf(a.build).artifacts.push(artifactOf(a));
    const errorAt = errorPlace(steps, parseJson<RunPlaces>(row.places, {}));
    return {
      ...runOf(row),
      variables: parseJson<HistoryVariable[]>(row.variables, []),
      inputs: { only: [], except: [], vars: [], ...parseJson<Partial<HistoryInputs>>(row.inputs, {}) },
      logPath: row.log_path,
      buildDetails: [...builds.values()].filter((b) => b.name !== ''),
      templateFiles: row.template_hash ? parseJson<HistoryTemplateFile[]>(this.templateText.get(row.template_hash)?.files ?? '[]', []) : [],
      ...(errorAt ? { errorAt } : {}),
      trend: row.template_path ? this.trend(row.template_path, row.started_at) : [],
    };
  }

  /** The finished runs of a template up to `until`, oldest first. */
  private trend(template: string, until: number): HistoryTrendPoint[] {
    return this.trendOf
      .all(template, until, HISTORY_TREND_RUNS)
      .reverse()
      .map((r) => ({ runId: r.run_id, startedAt: r.started_at, durationMs: r.finished_at - r.started_at, status: isRunStatus(r.status) ? r.status : 'failed' }));
  }

  /** The run whose id is `id` or starts with it (as `git show` takes a short hash); undefined when none or several do. */
  resolve(id: string): string | undefined {
    if (this.run.get(id)) return id;
    const found = this.byPrefix.all(`${escapeLike(id)}%`);
    return found.length === 1 ? found[0].run_id : undefined;
  }
}

interface FilterParams {
  template: string | null;
  status: string | null;
  text: string | null;
  limit: number;
  offset: number;
}

function runOf(r: RunRow): HistoryRun {
  const run: HistoryRun = {
    runId: r.run_id,
    template: r.template_path,
    templateHash: r.template_hash,
    startedBy: isRunOrigin(r.started_by) ? r.started_by : 'cli',
    startedAt: r.started_at,
    status: isRunStatus(r.status) ? r.status : 'failed',
    builds: parseJson<string[]>(r.builds, []),
  };
  if (r.finished_at !== null) run.finishedAt = r.finished_at;
  if (r.error !== null) run.error = r.error;
  return run;
}

/**
 * Where the run failed in its template: the first provisioner or post-processor that failed (its block), else the
 * source of the first build whose builder step halted. Undefined for a run that did not fail there (or kept no places).
 */
function errorPlace(steps: readonly StepRow[], places: RunPlaces): HistoryErrorPlace | undefined {
  for (const s of steps) {
    if ((s.kind !== 'provisioner' && s.kind !== 'post-processor') || s.result !== 'failed' || s.position === null) continue;
    const list = s.kind === 'provisioner' ? places[s.build]?.provisioners : places[s.build]?.postProcessors;
    const at = list?.[s.position];
    if (at) return { ...at, what: `${s.kind} ${s.position + 1} (${s.name}) of ${s.build}` };
  }
  const halted = steps.find((s) => s.kind === 'step' && s.result === 'halt' && places[s.build]);
  const source = halted ? places[halted.build]?.source : undefined;
  return halted && source ? { ...source, what: `the source of ${halted.build} (${halted.name} failed)` } : undefined;
}

function stepOf(s: StepRow): HistoryStep {
  const step: HistoryStep = { kind: isTimelineKind(s.kind) ? s.kind : 'step', name: s.name, startedAt: s.started_at };
  if (s.finished_at !== null) step.finishedAt = s.finished_at;
  if (s.result !== null) step.result = s.result;
  if (s.error !== null) step.error = s.error;
  return step;
}

function artifactOf(a: ArtifactRow): HistoryArtifact {
  return { id: a.artifact_id, builderId: a.builder_id, files: parseJson<string[]>(a.files, []), text: a.text };
}

function isRunResult(text: string | null): text is RunResult {
  return (RUN_RESULTS as readonly unknown[]).includes(text);
}

function isTimelineKind(text: string): text is TimelineKind {
  return (TIMELINE_KINDS as readonly string[]).includes(text);
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The user's text matched literally by LIKE: its own % and _ are not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The builds service: starts runs of the engine, hands their events out in numbered batches, and pages through run logs.
 * Batching lives here, below every transport, so IPC and the WebSocket deliver the same batches.
 */
import type { z } from 'zod';
import type { inputs } from '../contract/inputs';
import { buildsUnableToResume } from '../engine/resume';
import { cacheDir } from '../cache/store';
import { eventLogLine } from '../contract/log-line';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunEventBatch } from '../contract/events';
import { ok } from '../common/result';
import { failure, type Result } from '../contract/result';
import type { Breakpoint } from '../common/breakpoint';
import type { OnErrorPolicy } from '../common/on-error';
import type { PromptAnswer } from '../common/prompt';
import { runResultOf, type RunResult } from '../common/run-result';
import type { LogLine, RunSummary } from '../contract/types';
import { builtinPlugins } from '../engine/builtin-plugins';
import { bridgeFor } from '../packer-bridge/install';
import { createRun, type BuildRun } from '../engine/engine';
import type { EngineEvent } from '../engine/events';
import { createMasker } from '../engine/mask';
import { planRun } from '../engine/plan';
import type { PluginRegistry } from '../engine/plugin';
import { listRuns, RunLogReader, runLogPath, runsDir } from '../engine/runlog';
import { writeFileAtomic } from '../files/atomic-write';
import { loadTemplateRunningDataSources, templateFiles } from '../template/load';
import type { AppDataDir } from './data-dir';
import { runCredentials, type RunCredentials } from '../credentials/for-build';
import type { PathResolver } from './paths';
import type { HistoryService } from './history';
import { recordedInputs, recordedPlaces, recordedTemplate, recordedVariables, templateHash } from '../history/run-inputs';

/**
 * Batches go out by time, about every 100 ms, whatever their size: per-message costs (a JSON envelope, a WebSocket frame,
 * an IPC hop, a store update in the UI) are paid ten times a second instead of once per few hundred lines, which had capped
 * a flood at ~6,500 lines/s. The count cap only bounds one message's size (~10 MB of output lines).
 */
export const BATCH_MS = 100;
export const BATCH_MAX = 100_000;
/**
 * Events kept in memory per run (at least this many, at most twice) so a subscriber that arrives late (the UI subscribes
 * after `start` returns) misses nothing.
 */
const REPLAY_LIMIT = 5000;

/** builds.start's request, as the contract defines it (core/contract/inputs.ts). */
export type StartRequest = z.infer<typeof inputs.builds.start>;

export type RunListener = (batch: RunEventBatch) => void;

interface LiveRun {
  run: BuildRun;
  summary: RunSummary;
  /** The sequence number the next event gets: its line number in the run log. */
  nextSeq: number;
  pending: EngineEvent[];
  pendingFirstSeq: number;
  timer?: NodeJS.Timeout;
  recent: EngineEvent[];
  recentFirstSeq: number;
  listeners: Set<RunListener>;
  done: Promise<void>;
}

export interface BuildServiceOptions {
  data: AppDataDir;
  env: Record<string, string | undefined>;
  registry?: PluginRegistry;
  defaultOnError: () => OnErrorPolicy;
  resolvePath: PathResolver;
  /** The template's credential bindings, read for a run (`builds`: those about to run, once they are known). */
  boundCredentials?: (template: string, builds?: readonly string[]) => Promise<Result<RunCredentials>>;
  /** Where every run is recorded (none: tests of the engine alone). */
  history?: HistoryService;
  /** Told when a run has ended and its last batch went out (the host applies the history's retention then). */
  onRunFinished?: (runId: string) => void;
  /** The template's breakpoints (set on the graph's nodes), read for a run. */
  breakpoints?: (template: string) => Breakpoint[];
}

export class BuildService {
  private readonly runs = new Map<string, LiveRun>();
  private readonly readers = new Map<string, RunLogReader>();

  constructor(private readonly opts: BuildServiceOptions) {}

  async start(req: StartRequest): Promise<Result<{ runId: string }>> {
    const path = this.opts.resolvePath(req.path);
    // Run again and Resume in History start a template from where it was then: say plainly that it has gone, rather
    // than "the template has errors" over a stat's ENOENT.
    if (!existsSync(path)) return failure('not-found', `The template ${path} is not there any more: it was moved or deleted since. Open it where it is now and build it from there.`);
    const credentials = await this.credentialsFor(path);
    if (!credentials.ok) return credentials;
    // As with `bakehouse build -credential`: bound secrets come before the typed values, and only to the loader.
    const vars = [...credentials.value.vars, ...(req.vars ?? [])];
    // The build runs in the template's folder, as the editor loads it: relative paths (a `file:./SHA256SUMS`) start there.
    const found = templateFiles(path);
    const cwd = found.ok ? found.value.root : dirname(path);
    const loaded = await loadTemplateRunningDataSources(path, { vars, env: this.opts.env, cwd, only: req.only, except: req.except, checksumFiles: 'fetch', completeBuilder: credentials.value.completeBuilder, completeDataSource: credentials.value.completeDataSource });
    const dataBound = credentials.value.checkDataSources(loaded.model?.dataSources ?? []);
    if (!dataBound.ok) return failure('engine', dataBound.error);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !loaded.model) {
      const lines = errors.slice(0, 5).map((d) => `${d.range ? `${d.range.filename}:${d.range.start.line},${d.range.start.column}: ` : ''}${d.summary}${d.detail ? `: ${d.detail}` : ''}`);
      return failure('template', createMasker([...(loaded.model?.sensitiveStrings ?? []), ...credentials.value.secrets]).text(`The template has errors; fix them before building.\n${lines.join('\n')}`));
    }
    const planned = planRun(
      loaded.model.builds.flatMap((b) => b.builds),
      { only: req.only ?? [], except: req.except ?? [] },
    );
    if (planned.length === 0) return failure('template', 'No build matched the selection: nothing to do.');
    // Bindings of builds left out of this run are dropped before injecting (the vault's key is at hand by now).
    const forRun = await this.credentialsFor(path, planned.map((b) => b.name));
    if (!forRun.ok) return forRun;
    const injected = forRun.value.inject(planned);
    if (!injected.ok) return failure('engine', injected.error);
    const builds = injected.value.builds;
    const sensitiveStrings = [...loaded.model.sensitiveStrings, ...injected.value.secrets, ...credentials.value.secrets];
    const registry = this.opts.registry ?? builtinPlugins();
    const cannotResume = req.resume ? buildsUnableToResume(builds, registry) : [];
    // In the app's words: Resume is a button there, and building again from the start is the other button.
    if (cannotResume.length > 0) return failure('engine', `Cannot resume ${cannotResume.join(', ')}: only docker and qemu builds keep a build cache to resume from. Build again from the start instead.`);
    const run = createRun({
      builds,
      registry,
      // A bridged Packer gets the bound secrets as build -credential gives them: environment or private var file, never argv.
      bridge: bridgeFor(builds, registry, { path, format: loaded.model.format, vars: req.vars }, this.opts.env, {
        secretVars: credentials.value.vars,
        credentialEnv: (plan) => forRun.value.bridgeEnv(plan),
      }),
      sensitiveStrings,
      onError: req.onError ?? this.opts.defaultOnError(),
      env: this.opts.env,
      // Packer resolves relative paths in commands from the working directory; the app has none, so the template's folder stands in.
      cwd: loaded.model.root || dirname(path),
      dataDir: this.opts.data.path,
      breakpoints: this.opts.breakpoints?.(path),
      // The app builds with the data folder's build cache, as the CLI does by default.
      cache: { dir: cacheDir(this.opts.data.path), resume: req.resume === true },
    });
    const summary: RunSummary = { runId: run.runId, template: path, startedAt: Date.now(), builds: builds.map((b) => b.name) };
    const live: LiveRun = { run, summary, nextSeq: 0, pending: [], pendingFirstSeq: 0, recent: [], recentFirstSeq: 0, listeners: new Set(), done: Promise.resolve() };
    run.subscribe((e) => this.onEvent(live, e));
    const history = await this.opts.history?.history();
    if (history?.ok) {
      const variables = recordedVariables(loaded, sensitiveStrings);
      history.value.record(
        run,
        {
          template: path,
          templateHash: templateHash(loaded.sources),
          templateFiles: recordedTemplate(loaded, sensitiveStrings),
          places: recordedPlaces(builds),
          startedBy: 'app',
          startedAt: summary.startedAt,
          builds: summary.builds,
          variables,
          inputs: recordedInputs({ only: req.only, except: req.except, onError: req.onError, vars: req.vars }, variables, sensitiveStrings),
        },
        // Not an event of the run: its events are numbered by their line in the run log, which this is not in.
        (message) => process.emitWarning(message),
      );
    }
    this.runs.set(run.runId, live);
    this.writeMeta(summary);
    live.done = run.start().then(
      (outcome) => this.finish(live, outcome.result),
      () => this.finish(live, 'failed'),
    );
    return ok({ runId: run.runId });
  }

  /** The credentials bound to the template's builds (none without a credentials service: tests of the engine alone). */
  private async credentialsFor(path: string, builds?: readonly string[]): Promise<Result<RunCredentials>> {
    if (this.opts.boundCredentials) return this.opts.boundCredentials(path, builds);
    const none = await runCredentials([], this.opts.env);
    return none.ok ? none : failure('engine', none.error);
  }

  cancel(runId: string): Result<{ cancelled: boolean }> {
    const live = this.runs.get(runId);
    if (!live) return failure('not-found', `No run ${runId} is known in this session.`);
    if (live.summary.finishedAt !== undefined) return ok({ cancelled: false });
    live.run.cancel();
    return ok({ cancelled: true });
  }

  answerPrompt(runId: string, promptId: string, answer: PromptAnswer): Result<{ answered: boolean }> {
    const live = this.runs.get(runId);
    if (!live) return failure('not-found', `No run ${runId} is known in this session.`);
    return ok({ answered: live.run.answerPrompt(promptId, answer) });
  }

  /** A run of this session, for the stepping service (terminals into its paused builds). */
  run(runId: string): BuildRun | undefined {
    return this.runs.get(runId)?.run;
  }

  /** The runs of a template still going, whose breakpoints follow the graph's. */
  runsOf(template: string): BuildRun[] {
    return [...this.runs.values()].filter((l) => l.summary.template === template && l.summary.finishedAt === undefined).map((l) => l.run);
  }

  /** Runs of this session and those whose logs are in the data folder, newest first. */
  listRuns(): Result<RunSummary[]> {
    const out = new Map<string, RunSummary>();
    for (const live of this.runs.values()) out.set(live.summary.runId, { ...live.summary });
    for (const file of listRuns(this.opts.data.path)) {
      if (out.has(file.runId)) continue;
      out.set(file.runId, this.readMeta(file.runId) ?? this.summaryFromLog(file.runId, file.modified));
    }
    return ok([...out.values()].sort((a, b) => b.startedAt - a.startedAt));
  }

  readLog(runId: string, offset: number, count: number): Result<{ lines: LogLine[]; total: number }> {
    const path = runLogPath(this.opts.data.path, runId);
    if (!isRunId(runId) || !existsSync(path)) return failure('not-found', `No log for run ${runId}.`);
    let reader = this.readers.get(runId);
    if (!reader) this.readers.set(runId, (reader = new RunLogReader(path)));
    const events = reader.read(offset, count);
    return ok({ lines: events.map((e, i) => eventLogLine(offset + i, e)), total: reader.count() });
  }

  /** Receives the run's events in batches; events still in memory are replayed first. */
  subscribe(runId: string, listener: RunListener): () => void {
    const live = this.runs.get(runId);
    if (!live) return () => undefined;
    // Events still pending go out with the next batch; replay only those already sent to others.
    const sent = live.recent.slice(0, live.recent.length - live.pending.length);
    if (sent.length > 0) listener({ runId, firstSeq: live.recentFirstSeq, events: sent });
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  /** Resolves when the run has ended and its last batch went out (tests, shutdown). */
  whenDone(runId: string): Promise<void> {
    return this.runs.get(runId)?.done ?? Promise.resolve();
  }

  dispose(): Promise<void> {
    for (const live of this.runs.values()) if (live.summary.finishedAt === undefined) live.run.cancel();
    return Promise.all([...this.runs.values()].map((l) => l.done)).then(() => undefined);
  }

  private onEvent(live: LiveRun, e: EngineEvent): void {
    if (live.pending.length === 0) live.pendingFirstSeq = live.nextSeq;
    live.nextSeq++;
    live.pending.push(e);
    live.recent.push(e);
    // Trimmed in steps of REPLAY_LIMIT, not one event at a time: shifting a 5,000-element array on every line of a flood
    // cost more than everything else the host does with it.
    if (live.recent.length >= 2 * REPLAY_LIMIT) {
      const drop = live.recent.length - REPLAY_LIMIT;
      live.recent = live.recent.slice(drop);
      live.recentFirstSeq += drop;
    }
    if (live.pending.length >= BATCH_MAX) this.flush(live);
    else if (!live.timer) live.timer = setTimeout(() => this.flush(live), BATCH_MS);
  }

  private flush(live: LiveRun): void {
    if (live.timer) clearTimeout(live.timer);
    live.timer = undefined;
    if (live.pending.length === 0) return;
    const batch: RunEventBatch = { runId: live.summary.runId, firstSeq: live.pendingFirstSeq, events: live.pending };
    live.pending = [];
    for (const l of live.listeners) {
      try {
        l(batch);
      } catch {
        // One broken subscriber (a closed window) must not stop the others.
      }
    }
  }

  private finish(live: LiveRun, result: RunResult): void {
    live.summary.finishedAt = Date.now();
    live.summary.result = result;
    this.flush(live);
    this.writeMeta(live.summary);
    this.opts.onRunFinished?.(live.summary.runId);
  }

  private metaPath(runId: string): string {
    return join(runsDir(this.opts.data.path), `${runId}.meta.json`);
  }

  private writeMeta(summary: RunSummary): void {
    try {
      writeFileAtomic(this.metaPath(summary.runId), JSON.stringify(summary));
    } catch {
      // The summary is a convenience: the run log itself is the record.
    }
  }

  private readMeta(runId: string): RunSummary | undefined {
    try {
      return JSON.parse(readFileSync(this.metaPath(runId), 'utf8')) as RunSummary;
    } catch {
      return undefined;
    }
  }

  /** For logs without a summary file: the first and last events say what ran and how it ended. */
  private summaryFromLog(runId: string, modified: number): RunSummary {
    const reader = new RunLogReader(runLogPath(this.opts.data.path, runId));
    const total = reader.count();
    const first = reader.read(0, 1)[0];
    const last = total > 0 ? reader.read(total - 1, 1)[0] : undefined;
    const summary: RunSummary = { runId, template: '', startedAt: first?.time ?? modified, builds: first?.kind === 'run-started' ? first.builds : [] };
    if (last?.kind === 'run-finished') {
      summary.finishedAt = last.time;
      summary.result = runResultOf(last);
    }
    return summary;
  }
}

/** Run ids name files: nothing that could climb out of the runs folder. */
function isRunId(id: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(id);
}

/**
 * A run: the selected builds, prepared, then run side by side (at most -parallel-builds at once), each emitting its own
 * ordered events. Every event is masked before anyone sees it — listeners, the run log, the app.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Breakpoint, PausePlace } from '../common/breakpoint';
import type { OutputStream } from '../common/output';
import { CANCELLED, err, ok, type Result } from '../common/result';
import { CacheStore } from '../cache/store';
import type { PlannedBuild } from '../template/model';
import { runBuild, type BuildOutcome, type BuildRunContext } from './build';
import type { OnErrorPolicy } from '../common/on-error';
import type { PromptAnswer, PromptReason } from '../common/prompt';
import { runResultOf, type RunResult } from '../common/run-result';
import type { EngineEvent, EventBody, EventListener } from './events';
import { createMasker, type Masker } from './mask';
import type { BuildInfo, Communicator, PluginRegistry, Ui } from './plugin';
import { prepareBuild, type PreparedBuild } from './prepare';
import { DEFAULT_BACKOFF, type Backoff } from './retry';
import { dataDir as defaultDataDir, runLogPath, RunLogWriter } from './runlog';
import { sensitiveStringsOf } from './secrets';
import type { Terminal, TerminalSize } from './terminal';
import { runBridgedBuild, type BridgeOptions } from '../packer-bridge/run';

export interface RunOptions {
  builds: PlannedBuild[];
  registry: PluginRegistry;
  /** Values to mask (the template's sensitive variables and locals). */
  sensitiveStrings?: string[];
  /** At most this many builds at once; 0 means all at once. */
  parallelBuilds?: number;
  onError?: OnErrorPolicy;
  /** -force: overwrite existing outputs (`BuildInfo.force`). */
  force?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where run logs go; `false` keeps no log. Default: `dataDir(env)`. */
  dataDir?: string | false;
  runId?: string;
  /** -debug: pause after each step and before each cleanup until the user continues; builds run one at a time. */
  debug?: boolean;
  /** Waits between provisioner retries. */
  backoff?: Backoff;
  /** Builds using a type no registered plugin builds run through the user's Packer (core/packer-bridge); without this they fail to prepare. */
  bridge?: Omit<BridgeOptions, 'env' | 'cwd'>;
  /** Pause before the provisioners and post-processors these name (`setBreakpoints` changes them while the run goes on). */
  breakpoints?: Breakpoint[];
  /**
   * The build cache (core/cache): steps whose inputs did not change are served from it. Absent: no cache (`-cache=false`).
   * `resume` (-resume) only says so in the log: with the cache, a failed build resumes after its last cached step.
   */
  cache?: { dir: string; resume?: boolean };
}

/** A build ready to start: prepared for Bakehouse's own plugins, or handed whole to Packer. */
type StartableBuild = { native: PreparedBuild } | { bridged: PlannedBuild; info: BuildInfo; bridge: Omit<BridgeOptions, 'env' | 'cwd'> };

/** What `start()` resolves with: every build's outcome. (The app's run history lists runs as the contract's `RunSummary`.) */
export interface RunOutcome {
  runId: string;
  result: RunResult;
  builds: BuildOutcome[];
  /** Problems found before any build started; when present no build ran. */
  prepareErrors: Array<{ build: string; error: string }>;
  cancelled: boolean;
  durationMs: number;
  runLogPath?: string;
}

interface PendingPrompt {
  build: string;
  resolve(answer: PromptAnswer): void;
  /** Terminals opened while the build waits here; they close when the prompt is answered. */
  terminals: Set<Terminal>;
}

export class BuildRun {
  readonly runId: string;
  readonly runLogPath?: string;
  private readonly listeners = new Set<EventListener>();
  private readonly masker: Masker;
  private readonly cancelCtl = new AbortController();
  private readonly abandonCtl = new AbortController();
  private readonly prompts = new Map<string, PendingPrompt>();
  private log?: RunLogWriter;
  private promptSeq = 0;
  private started = false;
  private breakpoints: readonly Breakpoint[];
  /** Each native build's machine, as its state has it now (none before the builder connects, none for a bridged build). */
  private readonly machines = new Map<string, () => Communicator | undefined>();
  private readonly cacheStore?: CacheStore;

  constructor(private readonly opts: RunOptions) {
    if (opts.cache) this.cacheStore = new CacheStore(opts.cache.dir);
    this.runId = opts.runId ?? randomUUID();
    this.masker = createMasker([...(opts.sensitiveStrings ?? []), ...sensitiveStringsOf(opts.builds)]);
    const base = opts.dataDir === undefined ? defaultDataDir(opts.env ?? process.env) : opts.dataDir;
    if (base !== false) this.runLogPath = runLogPath(base, this.runId);
    this.breakpoints = [...(opts.breakpoints ?? [])];
  }

  /** Replaces the breakpoints; a build pauses at the new ones from its next provisioner or post-processor on. */
  setBreakpoints(breakpoints: readonly Breakpoint[]): void {
    this.breakpoints = [...breakpoints];
  }

  /**
   * Opens a shell on the machine of the build waiting on `promptId` (its prompt event says `terminal: true` when it can);
   * the terminal closes when the prompt is answered.
   */
  async openTerminal(promptId: string, size: TerminalSize): Promise<Result<Terminal>> {
    const p = this.prompts.get(promptId);
    if (!p) return err('The build is no longer paused there: its question was already answered.');
    const machine = this.machines.get(p.build)?.();
    if (!machine?.openTerminal) return err(`The build ${p.build} has no machine to open a terminal on (only Docker and SSH builds have one, once they are connected).`);
    const opened = await machine.openTerminal(size, this.cancelCtl.signal);
    if (!opened.ok) return opened;
    const terminal = opened.value;
    if (!this.prompts.has(promptId)) {
      await terminal.close();
      return err('The build is no longer paused there: its question was already answered.');
    }
    p.terminals.add(terminal);
    void terminal.ended.then(() => p.terminals.delete(terminal));
    return ok(terminal);
  }

  /** Receives every event (or one build's, plus run-wide ones), in order per build; returns a function that unsubscribes. */
  subscribe(listener: EventListener, build?: string): () => void {
    const l: EventListener = build === undefined ? listener : (e) => (e.build === build || e.build === '') && listener(e);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** First call: builds stop and clean up. Second call: stop waiting for cleanups and report what is left. */
  cancel(): void {
    if (!this.cancelCtl.signal.aborted) this.cancelCtl.abort();
    else this.abandonCtl.abort();
    for (const [id, p] of this.prompts) this.settlePrompt(id, p, 'cleanup');
  }

  get cancelled(): boolean {
    return this.cancelCtl.signal.aborted;
  }

  /** Answers a `prompt` event; false if the prompt is unknown or already answered. */
  answerPrompt(promptId: string, answer: PromptAnswer): boolean {
    const p = this.prompts.get(promptId);
    if (!p) return false;
    this.settlePrompt(promptId, p, answer);
    return true;
  }

  async start(): Promise<RunOutcome> {
    if (this.started) throw new Error(`run ${this.runId} was already started`);
    this.started = true;
    const started = performance.now();
    const env = { ...(this.opts.env ?? process.env), PACKER_RUN_UUID: this.runId };
    if (this.runLogPath) this.log = new RunLogWriter(this.runLogPath);
    try {
      this.emit('', { kind: 'run-started', runId: this.runId, builds: this.opts.builds.map((b) => b.name), pid: process.pid, host: hostname() });
      const prepared: StartableBuild[] = [];
      const prepareErrors: RunOutcome['prepareErrors'] = [];
      for (const plan of this.opts.builds) {
        const info: BuildInfo = { name: plan.sourceName, displayName: plan.name, hcl2: plan.name !== plan.sourceName, builderType: plan.type, runId: this.runId, env, cwd: this.opts.cwd ?? process.cwd(), force: this.opts.force ?? false };
        if (this.opts.bridge && !this.opts.registry.buildsAll(plan)) {
          prepared.push({ bridged: plan, info, bridge: this.opts.bridge });
          continue;
        }
        const r = prepareBuild(plan, info, this.opts.registry);
        if (r.ok) prepared.push({ native: r.value });
        else
          for (const error of r.error) {
            prepareErrors.push({ build: plan.name, error: this.masker.text(error) });
            this.emit(plan.name, { kind: 'error', text: error });
          }
      }
      const builds = prepareErrors.length > 0 ? [] : await this.runAll(prepared);
      const failed = [...prepareErrors.map((e) => e.build), ...builds.filter((b) => b.result !== 'succeeded').map((b) => b.name)];
      const outcome: RunOutcome = {
        runId: this.runId,
        result: runResultOf({ cancelled: this.cancelled, failed }),
        builds,
        prepareErrors,
        cancelled: this.cancelled,
        durationMs: performance.now() - started,
        runLogPath: this.runLogPath,
      };
      this.emit('', { kind: 'run-finished', runId: this.runId, durationMs: outcome.durationMs, failed, cancelled: outcome.cancelled });
      return outcome;
    } finally {
      try {
        this.log?.close();
      } catch {
        // Already reported when the write failed.
      }
      this.log = undefined;
    }
  }

  private async runAll(builds: StartableBuild[]): Promise<BuildOutcome[]> {
    const limit = this.opts.debug ? 1 : this.opts.parallelBuilds && this.opts.parallelBuilds > 0 ? this.opts.parallelBuilds : builds.length;
    const results: BuildOutcome[] = new Array(builds.length);
    let next = 0;
    const worker = async () => {
      while (next < builds.length) {
        const i = next++;
        results[i] = await this.runOne(builds[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, builds.length) }, worker));
    return results;
  }

  private runOne(build: StartableBuild): Promise<BuildOutcome> {
    const info = 'native' in build ? build.native.info : build.info;
    const name = info.displayName;
    if (this.cancelled) {
      const outcome: BuildOutcome = { name, builderType: info.builderType, result: 'cancelled', error: CANCELLED, artifacts: [], durationMs: 0, leftBehind: [] };
      this.emit(name, { kind: 'build-finished', result: 'cancelled', durationMs: 0, error: outcome.error, artifacts: [] });
      return Promise.resolve(outcome);
    }
    const ctx: BuildRunContext = {
      emit: (body) => this.emit(name, body),
      uiFor: (component) => this.ui(name, component),
      mask: (t) => this.masker.text(t),
      signal: this.cancelCtl.signal,
      abandon: this.abandonCtl.signal,
      onError: this.opts.onError ?? 'cleanup',
      debug: this.opts.debug ?? false,
      backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
      breakpoints: () => this.breakpoints,
      exposeMachine: (communicator) => this.machines.set(name, communicator),
      cache: this.cacheStore ? { store: this.cacheStore, resume: this.opts.cache?.resume ?? false } : undefined,
    };
    if ('native' in build) return runBuild(build.native, ctx);
    return runBridgedBuild(build.bridged, { ...build.bridge, env: info.env, cwd: info.cwd }, { ...ctx, force: info.force });
  }

  private ui(build: string, component?: string): Ui {
    return {
      say: (text) => this.emit(build, { kind: 'message', level: 'say', text, component }),
      message: (text) => this.emit(build, { kind: 'message', level: 'message', text, component }),
      log: (text) => this.emit(build, { kind: 'message', level: 'log', text, component }),
      error: (text) => this.emit(build, { kind: 'error', text, component }),
      output: (stream, line) => this.emitOutput(build, stream, line, component),
      ask: (reason, text, choices, at) => this.ask(build, reason, text, choices, at),
    };
  }

  private ask(build: string, reason: PromptReason, text: string, choices: PromptAnswer[], at?: PausePlace): Promise<PromptAnswer> {
    if (this.cancelled) return Promise.resolve(reason === 'on-error' ? 'cleanup' : 'continue');
    const promptId = `${this.runId}:${++this.promptSeq}`;
    const terminal = this.machines.get(build)?.()?.openTerminal !== undefined;
    return new Promise((resolve) => {
      this.prompts.set(promptId, { build, resolve, terminals: new Set() });
      this.emit(build, { kind: 'prompt', promptId, reason, text, choices, at, terminal });
    });
  }

  private settlePrompt(id: string, p: PendingPrompt, answer: PromptAnswer): void {
    this.prompts.delete(id);
    // "Closes on Continue": the machine is the build's again once it goes on.
    for (const t of p.terminals) void t.close();
    this.emit(p.build, { kind: 'prompt-answered', promptId: id, answer });
    p.resolve(answer);
  }

  private emit(build: string, body: EventBody): void {
    const raw: Record<string, unknown> = { time: Date.now(), build };
    // Optional fields left undefined would not survive JSON; leave them out so listeners see what the log and IPC see.
    for (const [k, v] of Object.entries(body)) if (v !== undefined) raw[k] = v;
    const event = raw as unknown as EngineEvent;
    this.deliver(this.masker.empty ? event : this.masker.deep(event));
  }

  /** The hot path (a build may print millions of lines): a fixed-shape object, only the line masked. */
  private emitOutput(build: string, stream: OutputStream, line: string, component: string | undefined): void {
    const text = this.masker.empty ? line : this.masker.text(line);
    const event: EngineEvent =
      component === undefined
        ? { kind: 'output', time: Date.now(), build, stream, line: text }
        : { kind: 'output', time: Date.now(), build, stream, line: text, component };
    this.deliver(event);
  }

  private deliver(event: EngineEvent): void {
    if (this.log) {
      try {
        this.log.append(event);
      } catch (e) {
        // A full disk must not kill the build: stop logging and say so once.
        this.log = undefined;
        this.deliver({ kind: 'error', time: Date.now(), build: event.build, text: `Run log disabled: ${(e as Error).message}` });
      }
    }
    for (const l of this.listeners) l(event);
  }
}

export function createRun(opts: RunOptions): BuildRun {
  return new BuildRun(opts);
}

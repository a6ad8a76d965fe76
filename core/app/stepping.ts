/**
 * The stepping service: the breakpoints the graph sets (kept by BreakpointStore, handed to each run of the template and
 * to its runs still going), and terminals into paused builds — opened on a prompt, fed keys and sizes by contract calls,
 * their output pushed to subscribers (`Host.subscribeTerminal`), closed by the UI or when the build goes on.
 * Continue, Step and Abort are answers to the pause's prompt (`builds.answerPrompt`).
 */
import { randomUUID } from 'node:crypto';
import type { BlockPlace } from '../common/breakpoint';
import { ok } from '../common/result';
import { failure, type Result } from '../contract/result';
import type { TerminalOutput } from '../contract/terminal';
import type { BuildRun } from '../engine/engine';
import type { Terminal, TerminalSize } from '../engine/terminal';
import { BreakpointStore } from './breakpoints';
import type { PathResolver } from './paths';

export type TerminalListener = (output: TerminalOutput) => void;

/** What the service needs of the builds service: a run of this session by id, and the runs of a template still going. */
export interface LiveRuns {
  run(runId: string): BuildRun | undefined;
  runsOf(template: string): BuildRun[];
}

interface OpenTerminal {
  terminal: Terminal;
  listeners: Set<TerminalListener>;
  /** Output before the UI subscribed (the shell's first prompt), handed to the first subscriber. */
  early: TerminalOutput[];
  ended: boolean;
}

export class SteppingService {
  private readonly store: BreakpointStore;
  private readonly terminals = new Map<string, OpenTerminal>();

  constructor(
    dataDir: string,
    private readonly resolvePath: PathResolver,
    private readonly runs: LiveRuns,
  ) {
    this.store = new BreakpointStore(dataDir);
  }

  /** The breakpoints of a template, for a run about to start. */
  breakpointsFor(template: string): BlockPlace[] {
    return this.store.get(this.resolvePath(template));
  }

  breakpoints(template: string): Result<BlockPlace[]> {
    return ok(this.breakpointsFor(template));
  }

  setBreakpoints(template: string, breakpoints: readonly BlockPlace[]): Result<BlockPlace[]> {
    const path = this.resolvePath(template);
    const saved = this.store.set(path, breakpoints);
    if (!saved.ok) return failure('io', saved.error);
    for (const run of this.runs.runsOf(path)) run.setBreakpoints(saved.value.map((at) => ({ at })));
    return ok(saved.value);
  }

  async openTerminal(runId: string, promptId: string, size: TerminalSize): Promise<Result<{ terminalId: string }>> {
    const run = this.runs.run(runId);
    if (!run) return failure('not-found', `No run ${runId} is known in this session.`);
    const opened = await run.openTerminal(promptId, size);
    if (!opened.ok) return failure('engine', opened.error);
    const terminalId = randomUUID();
    const entry: OpenTerminal = { terminal: opened.value, listeners: new Set(), early: [], ended: false };
    this.terminals.set(terminalId, entry);
    const send = (output: TerminalOutput) => {
      if (entry.listeners.size === 0) entry.early.push(output);
      for (const l of entry.listeners) {
        try {
          l(output);
        } catch {
          // A closed window must not stop the others.
        }
      }
    };
    opened.value.onData((chunk) => send({ terminalId, data: chunk.toString('base64') }));
    void opened.value.ended.then(() => {
      entry.ended = true;
      send({ terminalId, ended: true });
      this.terminals.delete(terminalId);
    });
    return ok({ terminalId });
  }

  input(terminalId: string, data: string): Result<{ written: boolean }> {
    const t = this.terminals.get(terminalId);
    if (!t) return ok({ written: false });
    t.terminal.write(data);
    return ok({ written: true });
  }

  resize(terminalId: string, size: TerminalSize): Result<{ resized: boolean }> {
    const t = this.terminals.get(terminalId);
    if (!t) return ok({ resized: false });
    t.terminal.resize(size);
    return ok({ resized: true });
  }

  async close(terminalId: string): Promise<Result<{ closed: boolean }>> {
    const t = this.terminals.get(terminalId);
    if (!t) return ok({ closed: false });
    await t.terminal.close();
    return ok({ closed: true });
  }

  /** Receives a terminal's output (what came before the first subscriber first); an unknown or ended one answers `ended` at once. */
  subscribe(terminalId: string, listener: TerminalListener): () => void {
    const t = this.terminals.get(terminalId);
    if (!t) {
      listener({ terminalId, ended: true });
      return () => undefined;
    }
    const early = t.early.splice(0);
    t.listeners.add(listener);
    for (const o of early) listener(o);
    return () => t.listeners.delete(listener);
  }

  /** Closes every terminal (the host is going away). */
  async dispose(): Promise<void> {
    await Promise.all([...this.terminals.values()].map((t) => t.terminal.close()));
  }
}

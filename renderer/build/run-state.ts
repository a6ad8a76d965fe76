/**
 * Node states of the pipeline graph during a run, derived from run events: queued, running, done, failed, skipped, with
 * durations. The engine says when each provisioner and post-processor starts and ends, by its place in the build's list;
 * the graph lists a build's provisioners and post-processors in the same (written) order.
 */
import { runResultOf, type RunResult } from '../../core/common/run-result';
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import type { RunEvent } from '../../core/contract/events';
import type { StepEnd } from '../../core/common/run-result';

export type NodeState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

export interface NodeRun {
  state: NodeState;
  startedAt?: number;
  durationMs?: number;
  /** Why it failed, when it did. */
  error?: string;
  /** Its result came from the build cache: it did not run. */
  cached?: boolean;
  /** A source node's builder step running now (StepRunSourceInstance…), as the engine names it. */
  step?: string;
  /** A source node's builder steps so far, in order, with how each ended. */
  steps?: StepRun[];
}

export interface StepRun {
  name: string;
  startedAt: number;
  result?: StepEnd;
  durationMs?: number;
}

/** A step's name for people: `StepRunSourceInstance` → "Run source instance". */
export function stepLabel(name: string): string {
  const words = name.replace(/^Step/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (i === 0 || /^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase())).join(' ');
}

interface BuildTrack {
  source?: GraphNode;
  provisioners: GraphNode[];
  postProcessors: GraphNode[];
}

export class RunState {
  private runs = new Map<string, NodeRun>(); // key: `${build}\u0000${nodeId}`
  private tracks = new Map<string, BuildTrack>();
  finished = false;
  result?: RunResult;
  artifacts: Array<{ build: string; id: string; text: string }> = [];

  constructor(private readonly graph: PipelineGraph) {}

  apply(e: RunEvent): void {
    const t = e.build ? this.track(e.build) : undefined;
    switch (e.kind) {
      case 'build-started':
        if (!t) return;
        for (const n of [t.source, ...t.provisioners, ...t.postProcessors]) if (n) this.set(e.build, n, { state: 'queued' });
        if (t.source) this.set(e.build, t.source, { state: 'running', startedAt: e.time });
        return;
      case 'step-started': {
        if (!t?.source) return;
        const run = this.get(e.build, t.source);
        const steps = [...(run?.steps ?? []), { name: e.step, startedAt: e.time }];
        // The source's own work is done once provisioning begins; the builder's steps after it (stop, capture, export)
        // are the source's again.
        if (e.step === 'StepProvision') {
          this.finishNode(e.build, t.source, 'done', e.time);
          const done = this.get(e.build, t.source);
          if (done) this.set(e.build, t.source, { ...done, steps });
        } else {
          this.set(e.build, t.source, { ...run, state: 'running', startedAt: run?.startedAt ?? e.time, durationMs: undefined, step: e.step, steps });
        }
        return;
      }
      case 'provisioner-started':
      case 'post-processor-started': {
        const n = t && (e.kind === 'provisioner-started' ? t.provisioners : t.postProcessors)[e.index];
        if (t?.source) this.finishNode(e.build, t.source, 'done', e.time);
        if (n) this.set(e.build, n, { state: 'running', startedAt: e.time });
        return;
      }
      case 'provisioner-finished':
      case 'post-processor-finished': {
        const n = t && (e.kind === 'provisioner-finished' ? t.provisioners : t.postProcessors)[e.index];
        if (!n) return;
        const run = this.get(e.build, n);
        this.set(e.build, n, { state: e.result === 'succeeded' ? 'done' : 'failed', startedAt: run?.startedAt, durationMs: Math.round(e.durationMs), error: e.error, ...(e.kind === 'provisioner-finished' && e.cached ? { cached: true } : {}) });
        return;
      }
      case 'step-finished': {
        if (t && e.step === 'StepProvision' && e.result !== 'continue') this.skipQueued(e.build, t.provisioners);
        const run = t?.source && this.get(e.build, t.source);
        if (!t?.source || !run?.steps) return;
        const steps = run.steps.map((x, i) => (i === run.steps!.length - 1 && x.name === e.step ? { ...x, result: e.result, durationMs: Math.round(e.durationMs) } : x));
        const { step: _running, ...rest } = run;
        this.set(e.build, t.source, run.step === e.step ? { ...rest, steps } : { ...run, steps });
        return;
      }
      case 'build-finished': {
        if (!t) return;
        const ok = e.result === 'succeeded';
        for (const n of [t.source, ...t.provisioners, ...t.postProcessors]) {
          if (n && this.get(e.build, n)?.state === 'running') this.finishNode(e.build, n, ok ? 'done' : 'failed', e.time);
        }
        this.skipQueued(e.build, [...t.provisioners, ...t.postProcessors]);
        return;
      }
      case 'artifact':
        this.artifacts.push({ build: e.build, id: e.artifact.id, text: e.artifact.text });
        return;
      case 'run-finished':
        this.finished = true;
        this.result = runResultOf(e);
        return;
    }
  }

  /** A node's state over every build it belongs to: the most pressing one wins. */
  nodeRun(nodeId: string): NodeRun | undefined {
    const order: NodeState[] = ['running', 'failed', 'queued', 'done', 'skipped'];
    let best: NodeRun | undefined;
    for (const [key, run] of this.runs) {
      if (!key.endsWith(`\u0000${nodeId}`)) continue;
      if (!best || order.indexOf(run.state) < order.indexOf(best.state)) best = run;
    }
    return best;
  }

  private finishNode(build: string, n: GraphNode, state: NodeState, time: number): void {
    const run = this.get(build, n);
    if (!run || run.state === 'done' || run.state === 'failed' || run.state === 'skipped') return;
    const { step: _running, ...rest } = run;
    this.runs.set(`${build}\u0000${n.id}`, { ...rest, state, durationMs: run.startedAt !== undefined ? time - run.startedAt : undefined });
  }

  private skipQueued(build: string, list: GraphNode[]): void {
    for (const n of list) if (this.get(build, n)?.state === 'queued') this.set(build, n, { state: 'skipped' });
  }

  private get(build: string, n: GraphNode): NodeRun | undefined {
    return this.runs.get(`${build}\u0000${n.id}`);
  }

  private set(build: string, n: GraphNode, run: NodeRun): void {
    this.runs.set(`${build}\u0000${n.id}`, run);
  }

  private track(build: string): BuildTrack {
    let t = this.tracks.get(build);
    if (t) return t;
    const nodes = this.graph.nodes;
    // HCL2 builds are named `build.type.name` (or `type.name`); a legacy JSON build by its builder's name, its node `type.name`.
    const source = nodes.find((n) => n.kind === 'source' && (build === n.label || build.endsWith(`.${n.label}`) || n.label === `${n.type}.${build}`));
    t = {
      source,
      provisioners: nodes.filter((n) => n.kind === 'provisioner' && n.appliesTo?.includes(build)),
      postProcessors: nodes.filter((n) => n.kind === 'post-processor' && n.appliesTo?.includes(build)),
    };
    this.tracks.set(build, t);
    return t;
  }
}

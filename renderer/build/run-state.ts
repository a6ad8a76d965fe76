/**
 * Node states of the pipeline graph during a run, derived from run events: queued, running, done, failed, skipped, with
 * durations. The engine says when each provisioner and post-processor starts and ends, by its place in the build's list;
 * the graph lists a build's provisioners and post-processors in the same (written) order.
 */
import { runResultOf, type RunResult } from '../../core/common/run-result';
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import type { RunEvent } from '../../core/contract/events';

export type NodeState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

export interface NodeRun {
  state: NodeState;
  startedAt?: number;
  durationMs?: number;
  /** Why it failed, when it did. */
  error?: string;
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
      case 'step-started':
        // The source's own work is done once provisioning begins.
        if (t?.source && e.step === 'StepProvision') this.finishNode(e.build, t.source, 'done', e.time);
        return;
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
        this.set(e.build, n, { state: e.result === 'succeeded' ? 'done' : 'failed', startedAt: run?.startedAt, durationMs: Math.round(e.durationMs), error: e.error });
        return;
      }
      case 'step-finished':
        if (t && e.step === 'StepProvision' && e.result !== 'continue') this.skipQueued(e.build, t.provisioners);
        return;
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
    this.runs.set(`${build}\u0000${n.id}`, { state, startedAt: run.startedAt, durationMs: run.startedAt !== undefined ? time - run.startedAt : undefined });
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
    const source = nodes.find((n) => n.kind === 'source' && (build === n.label || build.endsWith(`.${n.label}`)));
    t = {
      source,
      provisioners: nodes.filter((n) => n.kind === 'provisioner' && n.appliesTo?.includes(build)),
      postProcessors: nodes.filter((n) => n.kind === 'post-processor' && n.appliesTo?.includes(build)),
    };
    this.tracks.set(build, t);
    return t;
  }
}

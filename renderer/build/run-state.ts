/**
 * Node states of the pipeline graph during a run, derived from run events: queued, running, done, failed, skipped, with
 * durations. The engine reports builds and builder steps; which provisioner or post-processor is running is read from
 * the line each one says when it starts.
 */
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import type { EngineEvent } from '../logs/event-line';

export type NodeState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

export interface NodeRun {
  state: NodeState;
  startedAt?: number;
  durationMs?: number;
}

/** What each provisioner type says first; a say line matching the next provisioner's pattern means it has started. */
const STARTS: Record<string, RegExp> = {
  shell: /^Provisioning with shell script/,
  file: /^(Uploading|Downloading) /,
  'shell-local': /^Running local shell script/,
  breakpoint: /^(Pausing at breakpoint|Breakpoint provisioner disabled)/,
};

interface BuildTrack {
  source?: GraphNode;
  provisioners: GraphNode[];
  postProcessors: GraphNode[];
  /** Index of the running provisioner or post-processor; -1 before the first. */
  prov: number;
  pp: number;
}

export class RunState {
  private runs = new Map<string, NodeRun>(); // key: `${build}\u0000${nodeId}`
  private tracks = new Map<string, BuildTrack>();
  finished = false;
  result?: 'succeeded' | 'failed' | 'cancelled';
  artifacts: Array<{ build: string; id: string; text: string }> = [];

  constructor(private readonly graph: PipelineGraph) {}

  apply(e: EngineEvent): void {
    const t = e.build ? this.track(e.build) : undefined;
    switch (e.kind) {
      case 'build-started':
        if (!t) return;
        for (const n of [t.source, ...t.provisioners, ...t.postProcessors]) if (n) this.set(e.build, n, 'queued', e.time);
        if (t.source) this.set(e.build, t.source, 'running', e.time);
        return;
      case 'step-started':
        if (t && e.step === 'StepProvision') {
          if (t.source) this.finishNode(e.build, t.source, 'done', e.time);
          if (t.provisioners.length > 0 && t.prov < 0) this.advance(e.build, t, 'prov', e.time);
        }
        return;
      case 'message':
        if (!t || e.level !== 'say') return;
        if (e.text.startsWith('Running post-processor')) {
          if (t.prov >= 0) this.finishCurrent(e.build, t, 'prov', 'done', e.time);
          this.advance(e.build, t, 'pp', e.time);
        } else {
          const next = t.provisioners[t.prov + 1];
          // Known gap: a shell provisioner with several scripts says its line per script, which reads as the next one starting.
          if (next && STARTS[next.type]?.test(e.text)) this.advance(e.build, t, 'prov', e.time);
        }
        return;
      case 'step-finished':
        if (t && e.step === 'StepProvision') {
          if (e.result === 'continue') for (let i = Math.max(t.prov, 0); i < t.provisioners.length; i++) this.finishNode(e.build, t.provisioners[i], 'done', e.time);
          else {
            this.finishCurrent(e.build, t, 'prov', 'failed', e.time);
            this.skipRest(e.build, t.provisioners, t.prov + 1);
          }
        }
        return;
      case 'build-finished': {
        if (!t) return;
        const ok = e.result === 'succeeded';
        if (t.source && this.get(e.build, t.source)?.state === 'running') this.finishNode(e.build, t.source, ok ? 'done' : 'failed', e.time);
        for (const [list, key] of [[t.provisioners, 'prov'], [t.postProcessors, 'pp']] as const) {
          const i = t[key];
          if (i >= 0 && i < list.length) this.finishNode(e.build, list[i], ok ? 'done' : 'failed', e.time);
          this.skipRest(e.build, list, i + 1);
        }
        return;
      }
      case 'artifact':
        this.artifacts.push({ build: e.build, id: e.artifact.id, text: e.artifact.text });
        return;
      case 'run-finished':
        this.finished = true;
        this.result = e.cancelled ? 'cancelled' : e.failed.length > 0 ? 'failed' : 'succeeded';
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

  private advance(build: string, t: BuildTrack, key: 'prov' | 'pp', time: number): void {
    const list = key === 'prov' ? t.provisioners : t.postProcessors;
    if (t[key] >= 0) this.finishCurrent(build, t, key, 'done', time);
    t[key]++;
    const n = list[t[key]];
    if (n) this.set(build, n, 'running', time);
  }

  private finishCurrent(build: string, t: BuildTrack, key: 'prov' | 'pp', state: NodeState, time: number): void {
    const list = key === 'prov' ? t.provisioners : t.postProcessors;
    const n = list[t[key]];
    if (n) this.finishNode(build, n, state, time);
  }

  private finishNode(build: string, n: GraphNode, state: NodeState, time: number): void {
    const run = this.get(build, n);
    if (!run || run.state === 'done' || run.state === 'failed' || run.state === 'skipped') return;
    this.runs.set(`${build}\u0000${n.id}`, { state, startedAt: run.startedAt, durationMs: run.startedAt !== undefined ? time - run.startedAt : undefined });
  }

  private skipRest(build: string, list: GraphNode[], from: number): void {
    for (let i = Math.max(from, 0); i < list.length; i++) if (this.get(build, list[i])?.state === 'queued') this.set(build, list[i], 'skipped', 0);
  }

  private get(build: string, n: GraphNode): NodeRun | undefined {
    return this.runs.get(`${build}\u0000${n.id}`);
  }

  private set(build: string, n: GraphNode, state: NodeState, time: number): void {
    this.runs.set(`${build}\u0000${n.id}`, state === 'running' ? { state, startedAt: time } : { state });
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
      prov: -1,
      pp: -1,
    };
    this.tracks.set(build, t);
    return t;
  }
}

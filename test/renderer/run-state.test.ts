import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import { RunState } from '../../renderer/build/run-state';
import { layoutGraph } from '../../renderer/graph/layout';
import type { EngineEvent } from '../../renderer/logs/event-line';

const node = (id: string, kind: GraphNode['kind'], type: string, label = type): GraphNode => ({ id, kind, type, label, appliesTo: kind === 'source' ? undefined : ['example.docker.debian'], diagnostics: [] });
const graph: PipelineGraph = {
  nodes: [node('s', 'source', 'docker', 'docker.debian'), node('p1', 'provisioner', 'shell'), node('p2', 'provisioner', 'file'), node('pp', 'post-processor', 'docker-tag')],
  edges: [],
};
const b = 'example.docker.debian';
const ev = (time: number, e: Record<string, unknown>): EngineEvent => ({ time, build: b, ...e }) as EngineEvent;

test('node states follow the build: source, provisioners in order, post-processors', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  assert.equal(s.nodeRun('s')?.state, 'running');
  assert.equal(s.nodeRun('p1')?.state, 'queued');
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  assert.deepEqual(s.nodeRun('s'), { state: 'done', startedAt: 0, durationMs: 10 });
  assert.equal(s.nodeRun('p1')?.state, 'running');
  s.apply(ev(30, { kind: 'message', level: 'say', text: 'Uploading content => /x' }));
  assert.deepEqual(s.nodeRun('p1'), { state: 'done', startedAt: 10, durationMs: 20 });
  assert.equal(s.nodeRun('p2')?.state, 'running');
  s.apply(ev(40, { kind: 'step-finished', step: 'StepProvision', result: 'continue', durationMs: 30 }));
  assert.equal(s.nodeRun('p2')?.state, 'done');
  s.apply(ev(50, { kind: 'message', level: 'say', text: 'Running post-processor:  (type docker-tag)' }));
  assert.equal(s.nodeRun('pp')?.state, 'running');
  s.apply(ev(70, { kind: 'build-finished', result: 'succeeded', durationMs: 70, artifacts: [] }));
  assert.deepEqual(s.nodeRun('pp'), { state: 'done', startedAt: 50, durationMs: 20 });
});

test('a failing provisioner fails and the rest are skipped', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  s.apply(ev(20, { kind: 'step-finished', step: 'StepProvision', result: 'halt', durationMs: 10, error: 'exit 1' }));
  s.apply(ev(30, { kind: 'build-finished', result: 'failed', durationMs: 30, artifacts: [] }));
  assert.equal(s.nodeRun('p1')?.state, 'failed');
  assert.equal(s.nodeRun('p2')?.state, 'skipped');
  assert.equal(s.nodeRun('pp')?.state, 'skipped');
});

test('the graph layout is reused when only line numbers moved', () => {
  const g = (shift: number): PipelineGraph => ({
    nodes: [node(`s${shift}`, 'source', 'docker', 'docker.debian'), node(`p${shift}`, 'provisioner', 'shell')],
    edges: [{ from: `s${shift}`, to: `p${shift}` }],
  });
  const a = layoutGraph(g(1));
  const b = layoutGraph(g(2));
  assert.deepEqual(b.get('p2'), a.get('p1'));
  assert.ok(a.get('p1')!.y > a.get('s1')!.y, 'provisioners come below their source');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../core/contract/types';
import { RunState, stepLabel } from '../../renderer/build/run-state';
import { layoutGraph } from '../../renderer/graph/layout';
import type { RunEvent } from '../../core/contract/events';

const node = (id: string, kind: GraphNode['kind'], type: string, label = type): GraphNode => ({ id, kind, type, label, appliesTo: kind === 'source' ? undefined : ['example.docker.debian'], diagnostics: [] });
const graph: PipelineGraph = {
  nodes: [node('s', 'source', 'docker', 'docker.debian'), node('p1', 'provisioner', 'shell'), node('p2', 'provisioner', 'file'), node('pp', 'post-processor', 'docker-tag')],
  edges: [],
};
const b = 'example.docker.debian';
const ev = (time: number, e: Record<string, unknown>): RunEvent => ({ time, build: b, ...e }) as RunEvent;

test('node states follow the engine\'s provisioner and post-processor events, with their durations', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  assert.equal(s.nodeRun('s')?.state, 'running');
  assert.equal(s.nodeRun('p1')?.state, 'queued');
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  assert.deepEqual(s.nodeRun('s'), { state: 'done', startedAt: 0, durationMs: 10, steps: [{ name: 'StepProvision', startedAt: 10 }] });
  assert.equal(s.nodeRun('p1')?.state, 'queued');
  s.apply(ev(11, { kind: 'provisioner-started', index: 0, type: 'shell' }));
  assert.equal(s.nodeRun('p1')?.state, 'running');
  // A shell provisioner with several scripts says "Provisioning with shell script" per script: that is not the next node.
  s.apply(ev(20, { kind: 'message', level: 'say', text: 'Uploading content => /x' }));
  assert.equal(s.nodeRun('p2')?.state, 'queued');
  s.apply(ev(30, { kind: 'provisioner-finished', index: 0, type: 'shell', result: 'succeeded', durationMs: 19.4 }));
  assert.deepEqual(s.nodeRun('p1'), { state: 'done', startedAt: 11, durationMs: 19, error: undefined });
  s.apply(ev(31, { kind: 'provisioner-started', index: 1, type: 'file' }));
  s.apply(ev(40, { kind: 'provisioner-finished', index: 1, type: 'file', result: 'succeeded', durationMs: 9 }));
  s.apply(ev(41, { kind: 'step-finished', step: 'StepProvision', result: 'continue', durationMs: 31 }));
  assert.equal(s.nodeRun('p2')?.state, 'done');
  s.apply(ev(50, { kind: 'post-processor-started', index: 0, chain: 0, position: 0, type: 'docker-tag' }));
  assert.equal(s.nodeRun('pp')?.state, 'running');
  s.apply(ev(70, { kind: 'post-processor-finished', index: 0, chain: 0, position: 0, type: 'docker-tag', result: 'succeeded', durationMs: 20 }));
  s.apply(ev(71, { kind: 'build-finished', result: 'succeeded', durationMs: 71, artifacts: [] }));
  assert.deepEqual(s.nodeRun('pp'), { state: 'done', startedAt: 50, durationMs: 20, error: undefined });
});

test('a failing provisioner fails with its error and the rest are skipped', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  s.apply(ev(11, { kind: 'provisioner-started', index: 0, type: 'shell' }));
  s.apply(ev(20, { kind: 'provisioner-finished', index: 0, type: 'shell', result: 'failed', durationMs: 9, error: 'exit 1' }));
  s.apply(ev(20, { kind: 'step-finished', step: 'StepProvision', result: 'halt', durationMs: 10, error: 'exit 1' }));
  s.apply(ev(30, { kind: 'build-finished', result: 'failed', durationMs: 30, artifacts: [] }));
  assert.deepEqual(s.nodeRun('p1'), { state: 'failed', startedAt: 11, durationMs: 9, error: 'exit 1' });
  assert.equal(s.nodeRun('p2')?.state, 'skipped');
  assert.equal(s.nodeRun('pp')?.state, 'skipped');
});

test('a build that fails before provisioning fails its source and skips everything after it', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  s.apply(ev(5, { kind: 'build-finished', result: 'failed', durationMs: 5, artifacts: [] }));
  assert.deepEqual(s.nodeRun('s'), { state: 'failed', startedAt: 0, durationMs: 5 });
  assert.deepEqual(['p1', 'p2', 'pp'].map((id) => s.nodeRun(id)?.state), ['skipped', 'skipped', 'skipped']);
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

test('a source node shows its builder\'s steps live, those after provisioning too (amazon-ebs: stop, create the AMI)', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'amazon-ebs' }));
  s.apply(ev(1, { kind: 'step-started', step: 'StepKeyPair' }));
  assert.equal(s.nodeRun('s')?.step, 'StepKeyPair');
  s.apply(ev(5, { kind: 'step-finished', step: 'StepKeyPair', result: 'continue', durationMs: 4 }));
  s.apply(ev(6, { kind: 'step-started', step: 'StepRunSourceInstance' }));
  assert.deepEqual(s.nodeRun('s'), {
    state: 'running',
    startedAt: 0,
    durationMs: undefined,
    step: 'StepRunSourceInstance',
    steps: [{ name: 'StepKeyPair', startedAt: 1, result: 'continue', durationMs: 4 }, { name: 'StepRunSourceInstance', startedAt: 6 }],
  });
  s.apply(ev(9, { kind: 'step-finished', step: 'StepRunSourceInstance', result: 'continue', durationMs: 3 }));
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  assert.equal(s.nodeRun('s')?.state, 'done');
  assert.equal(s.nodeRun('s')?.step, undefined);
  s.apply(ev(20, { kind: 'step-finished', step: 'StepProvision', result: 'continue', durationMs: 10 }));
  s.apply(ev(21, { kind: 'step-started', step: 'StepCreateAMI' }));
  assert.equal(s.nodeRun('s')?.state, 'running');
  assert.equal(s.nodeRun('s')?.step, 'StepCreateAMI');
  s.apply(ev(30, { kind: 'step-finished', step: 'StepCreateAMI', result: 'halt', durationMs: 9, error: 'no' }));
  s.apply(ev(31, { kind: 'build-finished', result: 'failed', durationMs: 31, artifacts: [] }));
  const end = s.nodeRun('s');
  assert.equal(end?.state, 'failed');
  assert.equal(end?.durationMs, 31);
  assert.deepEqual(end?.steps?.map((x) => [x.name, x.result]), [['StepKeyPair', 'continue'], ['StepRunSourceInstance', 'continue'], ['StepProvision', 'continue'], ['StepCreateAMI', 'halt']]);
  assert.deepEqual(['StepRunSourceInstance', 'StepCreateAMI', 'StepAMIRegionCopy', 'StepPreValidate'].map(stepLabel), ['Run source instance', 'Create AMI', 'AMI region copy', 'Pre validate']);
});

test('a provisioner served from the build cache is done and marked cached', () => {
  const s = new RunState(graph);
  s.apply(ev(0, { kind: 'build-started', builderType: 'docker' }));
  s.apply(ev(10, { kind: 'step-started', step: 'StepProvision' }));
  s.apply(ev(11, { kind: 'provisioner-started', index: 0, type: 'shell' }));
  s.apply(ev(11, { kind: 'provisioner-finished', index: 0, type: 'shell', result: 'succeeded', durationMs: 0, cached: true }));
  assert.deepEqual(s.nodeRun('p1'), { state: 'done', startedAt: 11, durationMs: 0, error: undefined, cached: true });
  s.apply(ev(12, { kind: 'provisioner-started', index: 1, type: 'file' }));
  s.apply(ev(20, { kind: 'provisioner-finished', index: 1, type: 'file', result: 'succeeded', durationMs: 8 }));
  assert.equal(s.nodeRun('p2')?.cached, undefined, 'a step that ran is not marked');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunEventBatch } from '../../core/contract/events';
import { decodeRunEvents, encodeRunEvents } from '../../core/contract/wire';

test('run events cross the WebSocket compactly and arrive as the engine sent them', () => {
  const batch: RunEventBatch = {
    runId: 'r1',
    firstSeq: 40,
    events: [
      { kind: 'step-started', time: 1000, build: 'docker.a', step: 'StepProvision' },
      { kind: 'output', time: 1000, build: 'docker.a', stream: 'stdout', line: 'hello' },
      { kind: 'output', time: 1003, build: 'docker.b', stream: 'stderr', line: '' },
      { kind: 'output', time: 1002, build: 'docker.a', stream: 'stdout', line: 'x'.repeat(300), component: 'manifest (manifest)' },
      { kind: 'output', time: 1010, build: '', stream: 'stdout', line: 'run-wide' },
    ],
  };
  const wire = encodeRunEvents(batch);
  // Plain output lines are arrays; an event with more to say (a component's name) stays an object.
  assert.deepEqual(wire.events.map((e) => Array.isArray(e)), [false, true, true, false, true]);
  assert.ok(JSON.stringify(wire).length < JSON.stringify(batch).length);
  assert.deepEqual(decodeRunEvents(JSON.parse(JSON.stringify(wire))), batch);
  assert.deepEqual(decodeRunEvents(encodeRunEvents({ runId: 'r1', firstSeq: 0, events: [] })), { runId: 'r1', firstSeq: 0, events: [] });
});

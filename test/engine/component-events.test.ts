/** The events that say which provisioner or post-processor is running, for the app's graph; the CLI prints none of them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import type { EngineEvent } from '../../core/engine/events';
import { build, collect, postProcessor, provisioner, texts } from './helpers';

const shell = (inline: string[], extra = {}) => provisioner('shell-local', { inline }, extra);
const lifecycle = (events: EngineEvent[]) =>
  events.flatMap((e) =>
    e.kind === 'provisioner-started' || e.kind === 'post-processor-started'
      ? [`${e.kind} ${e.index} ${e.type}`]
      : e.kind === 'provisioner-finished' || e.kind === 'post-processor-finished'
        ? [`${e.kind} ${e.index} ${e.type} ${e.result}`]
        : [],
  );

test('each provisioner reports its start and end in order, with its duration; after a failure the rest never start', async () => {
  const { events } = await collect({
    builds: [build('null', { provisioners: [shell(['sleep 0.3']), shell(['echo second; exit 4'], { name: 'breaks' }), shell(['echo never'])] })],
    registry: builtinPlugins(),
  });
  assert.deepEqual(lifecycle(events), [
    'provisioner-started 0 shell-local',
    'provisioner-finished 0 shell-local succeeded',
    'provisioner-started 1 shell-local',
    'provisioner-finished 1 shell-local failed',
  ]);
  const first = events.find((e) => e.kind === 'provisioner-finished' && e.index === 0);
  assert.ok(first?.kind === 'provisioner-finished' && first.durationMs >= 300 && first.durationMs < 5000, `took ${JSON.stringify(first)}`);
  const failed = events.find((e) => e.kind === 'provisioner-finished' && e.index === 1);
  assert.ok(failed?.kind === 'provisioner-finished');
  assert.equal(failed.name, 'breaks');
  assert.equal(failed.error, 'Script exited with non-zero exit status: 4.Allowed exit codes are: [0]');
  assert.equal(failed.build, 'null');
  // The start event comes before the provisioner's own output, the end after it.
  const order = events.map((e) => (e.kind === 'output' ? e.line : e.kind));
  assert.ok(order.indexOf('provisioner-started') < order.indexOf('second') && order.indexOf('second') < order.lastIndexOf('provisioner-finished'));
  assert.ok(!texts(events).includes('never'));
});

test('post-processors report their place over all chains, even when an earlier chain stops part way', async () => {
  const pp = (cmd: string) => postProcessor('shell-local', { inline: [cmd] });
  const { events, summary } = await collect({
    builds: [build('null', { postProcessors: [[pp('exit 2'), pp('echo skipped')], [pp('echo second chain')]] })],
    registry: builtinPlugins(),
  });
  assert.equal(summary.builds[0].result, 'failed');
  assert.deepEqual(lifecycle(events), [
    'post-processor-started 0 shell-local',
    'post-processor-finished 0 shell-local failed',
    'post-processor-started 2 shell-local',
    'post-processor-finished 2 shell-local succeeded',
  ]);
  const second = events.find((e) => e.kind === 'post-processor-started' && e.index === 2);
  assert.ok(second?.kind === 'post-processor-started');
  assert.deepEqual([second.chain, second.position], [1, 0]);
});

test('a cancelled provisioner ends as cancelled, not failed', async () => {
  const { events } = await collect(
    { builds: [build('null', { provisioners: [shell(['sleep 20'])] })], registry: builtinPlugins() },
    (e, run) => {
      if (e.kind === 'provisioner-started') setTimeout(() => run.cancel(), 200);
    },
  );
  assert.deepEqual(lifecycle(events), ['provisioner-started 0 shell-local', 'provisioner-finished 0 shell-local cancelled']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { builtinPlugins } from '../../core/engine/builtin-plugins';
import { dataDir, listRuns, RunLogReader, RunLogWriter, runLogPath } from '../../core/engine/runlog';
import { build, collect, provisioner, tempDir } from './helpers';

test('the data folder comes from BAKEHOUSE_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share', () => {
  assert.equal(dataDir({ BAKEHOUSE_DATA_DIR: '/d', XDG_DATA_HOME: '/x' }), '/d');
  assert.equal(dataDir({ XDG_DATA_HOME: '/x' }), '/x/bakehouse');
  assert.match(dataDir({}), /\.local\/share\/bakehouse$/);
  assert.equal(runLogPath('/d', 'abc'), '/d/runs/abc.jsonl');
});

test('the reader returns any window of lines, including ones after the first 1024', () => {
  const dir = tempDir();
  const path = join(dir, 'runs', 'r.jsonl');
  const w = new RunLogWriter(path);
  for (let i = 0; i < 5000; i++) w.append({ kind: 'output', stream: 'stdout', line: `line ${i} ✓`, time: i, build: 'b' });
  w.close();
  const r = new RunLogReader(path);
  assert.equal(r.count(), 5000);
  const lines = (offset: number, count: number) => r.read(offset, count).map((e) => (e.kind === 'output' ? e.line : ''));
  assert.deepEqual(lines(0, 2), ['line 0 ✓', 'line 1 ✓']);
  assert.deepEqual(lines(1023, 3), ['line 1023 ✓', 'line 1024 ✓', 'line 1025 ✓']);
  assert.deepEqual(lines(4998, 10), ['line 4998 ✓', 'line 4999 ✓']);
  assert.deepEqual(lines(6000, 10), []);
});

test('a run appends its events to <data>/runs/<run id>.jsonl and the reader sees the file grow', async () => {
  const dir = tempDir();
  const { summary, events } = await collect({
    builds: [build('null', { provisioners: [provisioner('shell-local', { inline: ['seq 1 3000'] })] })],
    registry: builtinPlugins(),
    dataDir: dir,
  });
  assert.equal(summary.runLogPath, join(dir, 'runs', `${summary.runId}.jsonl`));
  const r = new RunLogReader(summary.runLogPath!);
  assert.equal(r.count(), events.length);
  assert.deepEqual(r.read(0, events.length), events);
  assert.deepEqual(listRuns(dir).map((x) => x.runId), [summary.runId]);
  const w = new RunLogWriter(summary.runLogPath!);
  w.append({ kind: 'message', level: 'say', text: 'later', time: 1, build: 'null' });
  w.close();
  assert.equal(r.count(), events.length + 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogLine } from '../../core/contract/types';
import { RunLog } from '../../renderer/logs/run-log';
import { parseAnsi, stripAnsi } from '../../renderer/logs/ansi';

const line = (seq: number, text: string, stream: LogLine['stream'] = 'stdout', extra: Partial<LogLine> = {}): LogLine => ({ seq, time: 1000 + seq, build: 'b', stream, text, ...extra });

test('lines append by sequence number and read back', () => {
  const log = new RunLog();
  log.append(0, [line(0, 'a'), line(1, 'b', 'error')]);
  assert.equal(log.total, 2);
  assert.equal(log.line(1)?.text, 'b');
  assert.equal(log.line(1)?.stream, 'error');
  assert.equal(log.firstErrorRow(), 1);
});

test('a gap is read back from the host by window', async () => {
  const asked: Array<[number, number]> = [];
  const log = new RunLog(async (offset, count) => {
    asked.push([offset, count]);
    return { lines: Array.from({ length: Math.min(count, 5 - offset) }, (_, i) => line(offset + i, `old ${offset + i}`)), total: 7 };
  });
  log.append(5, [line(5, 'new 5'), line(6, 'new 6')]);
  assert.equal(log.isLoaded(2), false);
  log.ensure(0, 7);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(asked, [[0, 1000]]);
  assert.equal(log.line(2)?.text, 'old 2');
  assert.equal(log.line(6)?.text, 'new 6');
});

test('filters by stream and step keep growing as lines arrive; search finds rows', () => {
  const log = new RunLog();
  log.append(0, [line(0, 'Step StepRun started', 'message', { step: 'StepRun' }), line(1, 'hello'), line(2, 'Step StepRun: continue', 'message', { step: 'StepRun' }), line(3, 'outside')]);
  log.setFilter({ step: 'StepRun' });
  assert.deepEqual([0, 1, 2].map((r) => log.seqAt(r)), [0, 1, 2]);
  assert.equal(log.rowCount, 3);
  log.setFilter({ streams: new Set(['stdout']) });
  assert.equal(log.rowCount, 2);
  log.append(4, [line(4, 'more'), line(5, 'x', 'say')]);
  assert.equal(log.rowCount, 3);
  assert.deepEqual(log.search('MORE'), [2]);
  assert.equal(log.plainText(), 'b: hello\nb: outside\nb: more\n');
});

test('ANSI colours become styled runs; stripping leaves the text', () => {
  assert.deepEqual(parseAnsi('a\x1b[31mred\x1b[0m b'), [{ text: 'a', fg: undefined, bold: false }, { text: 'red', fg: '#f14c4c', bold: false }, { text: ' b', fg: undefined, bold: false }]);
  assert.equal(stripAnsi('\x1b[1;32mok\x1b[0m'), 'ok');
});

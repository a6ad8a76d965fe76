import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../core/components/durations';

test('Go duration strings parse to nanoseconds', () => {
  const ok = (s: string): number => {
    const r = parseDuration(s);
    assert.ok(r.ok, s);
    return r.value;
  };
  assert.equal(ok('5m'), 300e9);
  assert.equal(ok('1h30m'), 5400e9);
  assert.equal(ok('1.5s'), 1.5e9);
  assert.equal(ok('300ms'), 300e6);
  assert.equal(ok('0'), 0);
  assert.equal(ok('-1s'), -1e9);
  assert.equal(ok('2µs'), 2000);
  assert.equal(ok('.5h'), 1800e9);
});

test('bad durations fail with Go\'s messages', () => {
  const err = (s: string): string => {
    const r = parseDuration(s);
    assert.ok(!r.ok, s);
    return r.error;
  };
  assert.equal(err('5x'), 'time: unknown unit "x" in duration "5x"');
  assert.equal(err('10'), 'time: missing unit in duration "10"');
  assert.equal(err(''), 'time: invalid duration ""');
  assert.equal(err('abc'), 'time: invalid duration "abc"');
  assert.equal(err('1h 30m'), 'time: unknown unit "h " in duration "1h 30m"');
  assert.equal(err('.s'), 'time: invalid duration ".s"');
});

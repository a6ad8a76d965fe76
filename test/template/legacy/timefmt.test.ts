import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoTime, formatStrftime } from '../../../core/template/legacy/timefmt';

// Outputs checked against `packer console` 1.6.6 at the same layouts.
const when = new Date(Date.UTC(2026, 10, 6, 15, 4, 9, 230));

test('isotime layouts follow Go\'s reference time', () => {
  assert.equal(formatGoTime(when, '2006-01-02T15:04:05Z07:00'), '2026-11-06T15:04:09Z');
  assert.equal(formatGoTime(when, 'Mon Jan _2 15:04:05 MST 2006'), 'Fri Nov  6 15:04:09 UTC 2026');
  assert.equal(formatGoTime(when, '2006-01-02T15:04:05.000Z07:00'), '2026-11-06T15:04:09.230Z');
  assert.equal(formatGoTime(when, 'January 2, 06 3:04PM -0700 .999'), 'November 6, 26 3:04PM +0000 .23');
  assert.equal(formatGoTime(when, '20060102150405'), '20261106150409');
  assert.equal(formatGoTime(when, 'Monday 002 pm'), 'Friday 310 pm');
});

test('strftime knows the codes Packer\'s library knows and leaves the rest', () => {
  assert.equal(formatStrftime(when, '%Y-%m-%d %H:%M:%S %a %b %p %y %Z %z %%'), '2026-11-06 15:04:09 Fri Nov PM 26 UTC +0000 %');
  assert.equal(formatStrftime(when, '%j %c %L'), '%j %c .230');
});

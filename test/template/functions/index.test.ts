// index() as Packer 1.14 has it (hcl2template/function/index.go): the position of a value in a list. Each row was run
// through `packer console` 1.14.3; Packer 1.6.6's index() was the [] operator (its rows in console-1.6.6.json are skipped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callFunction } from '../../../core/template/functions';
import { formatValue } from '../../../core/template/values/format';
import { literal } from './literal';

const ROWS: Array<{ args: unknown[]; output?: string; error?: string }> = [
  { args: [['a', 'b', 'c'], 'b'], output: '1' },
  { args: [[1, 2], 2], output: '1' },
  { args: [['a', 'b', 'c'], 1], error: 'item not found' },
  { args: [['a', 'b'], '1'], error: 'item not found' },
  { args: [{ a: 1 }, 'a'], error: 'argument must be a list or tuple' },
  { args: [[], 'x'], error: 'cannot search an empty list' },
];

for (const row of ROWS) {
  test(`index(${row.args.map((a) => JSON.stringify(a)).join(', ')})`, () => {
    const r = callFunction('index', row.args.map(literal), { baseDir: '.' });
    if (row.output !== undefined) {
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.equal(formatValue(r.value), row.output);
    } else {
      assert.ok(!r.ok, 'expected an error');
      assert.equal(r.error.detail, `Call to function "index" failed: ${row.error}.`);
    }
  });
}

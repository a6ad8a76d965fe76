// Functions Packer 1.6.6 lacks but users expect from newer Packer and Terraform, checked against their documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callFunction, FUNCTIONS } from '../../../core/template/functions';
import { formatValue } from '../../../core/template/values/format';
import { literal } from './literal';

interface Row {
  fn: string;
  args: unknown[];
  output?: string;
  error?: string;
  doc: string;
}

const fixtures = join(__dirname, '../../fixtures/functions');
const table = JSON.parse(readFileSync(join(fixtures, 'newer-than-1.6.6.json'), 'utf8')) as { rows: Row[] };
const ctx = { baseDir: join(fixtures, 'files'), now: new Date('2020-01-02T03:04:05Z') };

for (const row of table.rows) {
  test(`${row.fn}(${row.args.map((a) => JSON.stringify(a)).join(', ')})`, () => {
    assert.ok(FUNCTIONS.get(row.fn)?.since, `${row.fn} should be marked as newer than 1.6.6`);
    const r = callFunction(row.fn, row.args.map(literal), ctx);
    if (row.output !== undefined) {
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.equal(formatValue(r.value), row.output, row.doc);
    } else {
      assert.ok(!r.ok, 'expected an error');
      assert.equal(r.error.detail, row.error, row.doc);
    }
  });
}

// Every function call in the table was run once through the real `packer console` 1.6.6
// (test/fixtures/functions/regenerate.sh); our library must print the same bytes and the same errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callFunction } from '../../../core/template/functions';
import { formatValue } from '../../../core/template/values/format';
import { literal } from './literal';

interface Row {
  expr: string;
  fn?: string;
  args?: unknown[];
  output?: string;
  error?: { summary: string; detail: string };
  /** Why Bakehouse deliberately differs from Packer 1.6.6 on this row. */
  skip?: string;
  /** The same verdict as Packer (an error, its summary, the function named) in other words: why, in a sentence. */
  wordingDiffers?: string;
}

const fixtures = join(__dirname, '../../fixtures/functions');
const table = JSON.parse(readFileSync(join(fixtures, 'console-1.6.6.json'), 'utf8')) as { rows: Row[] };

// pathexpand() rows were recorded with HOME=/home/bakehouse.
process.env.HOME = '/home/bakehouse';
const ctx = { baseDir: join(fixtures, 'files'), now: new Date('2020-01-02T03:04:05Z') };

for (const row of table.rows) {
  if (!row.fn || !row.args) continue;
  const { fn, args } = row;
  test(row.expr, { skip: row.skip }, () => {
    const r = callFunction(fn, args.map(literal), ctx);
    if (row.output !== undefined) {
      assert.ok(r.ok, r.ok ? '' : `expected ${JSON.stringify(row.output)}, got error ${r.error.detail}`);
      assert.equal(formatValue(r.value), row.output);
    } else if (row.error) {
      assert.ok(!r.ok, r.ok ? `expected error ${row.error.detail}, got ${JSON.stringify(formatValue(r.value))}` : '');
      if (row.wordingDiffers) assert.ok(r.error.detail.startsWith(`Call to function "${fn}" failed: `), r.error.detail);
      else assert.equal(r.error.detail, row.error.detail);
      assert.equal(r.error.summary, row.error.summary);
    }
  });
}

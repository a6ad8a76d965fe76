// The whole console path on the Packer 1.6.6 table: parse each expression as typed, evaluate it with the function
// library, print it; output and error detail must match `packer console` byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../../../core/template/eval/evaluate';
import { functionTable } from '../../../core/template/eval/functions';
import { FUNCTIONS } from '../../../core/template/functions';
import { parseHclExpression } from '../../../core/template/hcl/parser';
import { formatValue } from '../../../core/template/values/format';

interface Row {
  expr: string;
  output?: string;
  error?: { summary: string; detail: string };
  skip?: string;
  /** The same verdict as Packer (an error, its summary, the function named) in other words: why, in a sentence. */
  wordingDiffers?: string;
}

/** Rows where Bakehouse knowingly differs outside the function library. */
const KNOWN: Record<string, string> = {
  '0.1 + 0.2': 'numbers are JavaScript doubles; cty computes with 512-bit floats',
  'strrev("e\u0301x")': "HCL's parser normalises string literals to NFC; ours keeps them as written",
};

const fixtures = join(__dirname, '../../fixtures/functions');
const table = JSON.parse(readFileSync(join(fixtures, 'console-1.6.6.json'), 'utf8')) as { rows: Row[] };
const functions = functionTable(FUNCTIONS.values(), { now: new Date('2020-01-02T03:04:05Z') });
process.env.HOME = '/home/bakehouse';

for (const row of table.rows) {
  test(row.expr, { skip: row.skip ?? KNOWN[row.expr] }, () => {
    const parsed = parseHclExpression(row.expr, '<console-input>');
    assert.deepEqual(parsed.diagnostics, []);
    const result = evaluate(parsed.expr, { variables: {}, functions, baseDir: join(fixtures, 'files') });
    const err = result.diagnostics.find((d) => d.severity === 'error');
    if (row.output !== undefined) {
      assert.equal(err, undefined);
      assert.equal(formatValue(result.value), row.output);
    } else if (row.error) {
      assert.ok(err, 'expected an error');
      if (row.wordingDiffers) assert.ok(err.detail?.startsWith(row.error.detail.slice(0, row.error.detail.indexOf(' failed: ') + 9)), err.detail);
      else assert.equal(err.detail, row.error.detail);
      assert.equal(err.summary, row.error.summary);
    }
  });
}

/**
 * The invalid corpus: broken templates and the first error a user sees, where Packer would report it.
 *
 * Each case under test/fixtures/templates/invalid/ is a single template file (`<case>.pkr.hcl`, `<case>.json`)
 * or a directory `<case>/` (an HCL2 template directory plus its var files). `invalid/expect.json` maps case → {
 *   "description"?: string,
 *   "inputs"?: { "vars"?: [name, value][], "varFiles"?: string[] (relative to the case dir), "env"?: {…} },
 *   "summary": string,   // the FIRST error diagnostic's summary, exactly
 *   "detail"?: string,   // a piece its detail must contain
 *   "file"?: string,     // for directory cases: the file the error is in (default: the case file itself)
 *   "line": number, "column": number,  // where its range starts (1-based, columns in characters); null: no range
 *                                      // (the mistake is in no file, e.g. a -var for an undeclared variable)
 *   "packer166"?: string,// how Packer 1.6.6 reports it when that differs (no position, a poorer message, a crash)
 *   "todo"?: string      // a known gap in Bakehouse: the case runs and reports, but does not fail the suite
 * }
 * For an error in a -var or PKR_VAR_ value, "file" names the pseudo-file the value is shown as.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadTemplate } from '../../core/template/load';
import type { Diagnostic } from '../../core/template/source';

interface InvalidCase {
  description?: string;
  inputs?: { vars?: Array<[string, string]>; varFiles?: string[]; env?: Record<string, string> };
  summary: string;
  detail?: string;
  file?: string;
  line: number | null;
  column: number | null;
  packer166?: string;
  todo?: string;
}

const INVALID = join(__dirname, '..', 'fixtures', 'templates', 'invalid');
const cases = JSON.parse(readFileSync(join(INVALID, 'expect.json'), 'utf8')) as Record<string, InvalidCase>;

function show(d: Diagnostic | undefined): string {
  if (!d) return 'no error';
  const at = d.range ? `${basename(d.range.filename)}:${d.range.start.line}:${d.range.start.column}` : 'no range';
  return `${d.summary} @ ${at}${d.detail ? ` — ${d.detail}` : ''}`;
}

test('the invalid corpus has at least 65 cases, each with its file', () => {
  const names = Object.keys(cases);
  assert.ok(names.length >= 65, `only ${names.length} cases`);
  for (const n of names) assert.ok(existsSync(join(INVALID, n)), `missing fixture ${n}`);
});

for (const [name, exp] of Object.entries(cases)) {
  test(`invalid/${name}: ${exp.summary}`, { todo: exp.todo }, () => {
    const path = join(INVALID, name);
    const dir = statSync(path).isDirectory() ? path : INVALID;
    const inputs = exp.inputs ?? {};
    const result = loadTemplate(path, {
      vars: inputs.vars,
      varFiles: inputs.varFiles?.map((f) => join(dir, f)),
      env: inputs.env ?? {},
      cwd: dir,
    });
    const first = result.diagnostics.find((d) => d.severity === 'error');
    const got = show(first);
    assert.ok(first, `expected "${exp.summary}", got no error`);
    assert.equal(first.summary, exp.summary, `summary (got ${got})`);
    if (exp.detail) assert.ok(first.detail?.includes(exp.detail), `detail should contain ${JSON.stringify(exp.detail)} (got ${got})`);
    if (exp.line === null) {
      assert.equal(first.range, undefined, `expected no position (got ${got})`);
      return;
    }
    assert.ok(first.range, `expected a position (got ${got})`);
    assert.equal(basename(first.range.filename), exp.file ?? name, `file (got ${got})`);
    assert.deepEqual([first.range.start.line, first.range.start.column], [exp.line, exp.column], `line, column (got ${got})`);
  });
}

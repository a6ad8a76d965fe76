/**
 * A legacy variable's value that Go cannot parse as a template stops Packer 1.14 where it renders the variables: it says
 * "error interpolating default value for 'NAME': template: root:LINE: …" for the first such variable by name and nothing
 * else (after the required-variable check, which stops it first). Bakehouse says the same, at the place in the value;
 * where the reference runs, each case is also given to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLegacyTemplateText } from '../../../core/template/legacy/load';
import { PACKER_1_14, runReferencePacker } from '../../support/reference-packer';

const B = '"builders": [{"type": "null", "communicator": "none"}]';

interface Case {
  name: string;
  text: string;
  vars?: Array<[string, string]>;
  /** Every error Packer 1.14 reports, in its words. */
  errors: string[];
  /** Where Bakehouse places the first one (line, column), when it is in the file. */
  at?: [number, number];
}

const CASES: Case[] = [
  {
    name: 'an unknown function (Go checks names as it parses): the first variable by name, alone',
    text: `{\n  "variables": {\n    "z": "{{nope}}",\n    "a": "{{upper \`x\`}} {{bad}}"\n  },\n  ${B}\n}`,
    errors: [`error interpolating default value for 'a': template: root:1: function "bad" not defined`],
    at: [4, 27],
  },
  {
    name: 'the line is counted within the value',
    text: `{"variables": {"b": "x\\ny {{ foo \`a\` }}"}, ${B}}`,
    errors: [`error interpolating default value for 'b': template: root:2: function "foo" not defined`],
  },
  {
    name: 'a template syntax error',
    text: `{"variables": {"b": "x\\n{{user \`a\`"}, ${B}}`,
    errors: [`error interpolating default value for 'b': template: root:2: unclosed action`],
  },
  {
    name: 'a -var value is rendered with the defaults',
    text: `{"variables": {"b": "ok"}, ${B}}`,
    vars: [['a', '{{nope}}']],
    errors: [`error interpolating default value for 'a': template: root:1: function "nope" not defined`],
  },
  {
    name: 'an unset required variable stops Packer before it renders any',
    text: `{"variables": {"b": null, "a": "{{nope}}"}, ${B}}`,
    errors: ['required variable not set: b'],
  },
];

for (const c of CASES) {
  test(`legacy variables: ${c.name}`, () => {
    const r = loadLegacyTemplateText(c.text, 'bad.json', { env: {}, vars: c.vars ?? [] });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.summary), c.errors);
    if (c.at) assert.deepEqual([errors[0].range?.start.line, errors[0].range?.start.column], c.at);
    if (c.vars) assert.equal(errors[0].range, undefined, 'a -var value is in no file');
  });
}

test('live: Packer 1.14 reports the same errors', { skip: PACKER_1_14.skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-variable-parse-'));
  for (const [i, c] of CASES.entries()) {
    writeFileSync(join(dir, `case-${i}.json`), c.text);
    const r = runReferencePacker(PACKER_1_14.packer!, ['validate', ...(c.vars ?? []).map(([k, v]) => `-var=${k}=${v}`), `case-${i}.json`], { cwd: dir });
    // Packer wraps its error text at 80 columns.
    const out = `${r.stdout}${r.stderr}`.replace(/\n(?!\n)/g, ' ');
    assert.equal(r.status, 1, `${c.name}: ${out}`);
    for (const e of c.errors) assert.ok(out.includes(e), `${c.name}: Packer said ${out}`);
  }
});

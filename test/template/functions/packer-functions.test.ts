// Templates are offered exactly the functions Packer 1.14 offers (test/fixtures/functions/packer-1.14-functions.json,
// read from hcl2template/functions.go at v1.14.3): a Terraform function Packer lacks is an unknown function, as there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateFunctions } from '../../../core/template/packer/function-set';
import { loadHclTemplateFiles } from '../../../core/template/packer/load';

const packer = (JSON.parse(readFileSync(join(__dirname, '../../fixtures/functions/packer-1.14-functions.json'), 'utf8')) as { functions: string[] }).functions;
/** Packer 1.14 functions Bakehouse does not have yet: a gzip byte-identical to Go's, and a data-source-like AWS lookup. */
const NOT_YET = ['aws_secretsmanager_raw', 'base64gzip'];

test("a template may call Packer 1.14's functions and no others", () => {
  assert.deepEqual(
    templateFunctions().map((f) => f.name).sort(),
    packer.filter((n) => !NOT_YET.includes(n)),
  );
});

test('a Terraform function Packer 1.14 lacks is an unknown function in a template', () => {
  const r = loadHclTemplateFiles([{ filename: '/tmp/fn/t.pkr.hcl', text: 'locals {\n  a = tostring(1)\n}\n' }], { root: '/tmp/fn', cwd: '/tmp/fn', env: {} });
  const e = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(e[0]?.summary, 'Call to unknown function');
  assert.match(e[0]?.detail ?? '', /There is no function named "tostring"/);
});

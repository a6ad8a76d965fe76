import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../../core/template/eval/evaluate';
import { parseHclExpression } from '../../../core/template/hcl/parser';
import { consoleContext, loadHclTemplateFiles } from '../../../core/template/packer/load';
import { toPlain } from '../../../core/template/values/value';
import { DOCKER, load, modelOf, noErrors } from './helpers';

test('dynamic blocks expand inside component bodies', () => {
  const r = load({
    'a.pkr.hcl': `locals {
  tags = { Name = "web", Env = "prod" }
}
source "amazon-ebs" "x" {
  dynamic "tag" {
    for_each = local.tags
    content {
      key   = tag.key
      value = tag.value
    }
  }
}
build {
  sources = ["amazon-ebs.x"]
}
`,
  });
  const b = modelOf(r).builds[0].builds[0];
  assert.deepEqual(
    b.builder.blocks.tag.map((t) => [toPlain(t.values.key), toPlain(t.values.value)]),
    [
      ['Env', 'prod'],
      ['Name', 'web'],
    ],
  );
  assert.ok(!r.diagnostics.some((d) => /dynamic|tag/.test(`${d.summary} ${d.detail ?? ''}`)));
});

test('templatefile renders a file relative to the template with the given variables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bh-'));
  writeFileSync(join(dir, 'user-data.tpl'), 'hello ${name}%{ for p in pkgs } ${p}%{ endfor }');
  const r = loadHclTemplateFiles(
    [{ filename: join(dir, 'a.pkr.hcl'), text: 'locals {\n  ud = templatefile("user-data.tpl", { name = "web", pkgs = ["a", "b"] })\n}\n' }],
    { root: dir, env: {} },
  );
  const m = noErrors(r);
  assert.equal(toPlain(m.locals[0].value), 'hello web a b');
});

test('JSON var files set values after HCL ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bh-'));
  const json = join(dir, 'vals.pkrvars.json');
  const hcl = join(dir, 'vals.pkrvars.hcl');
  writeFileSync(json, '{"region": "from-json"}');
  writeFileSync(hcl, 'region = "from-hcl"\n');
  const m = noErrors(load({ 'a.pkr.hcl': 'variable "region" {\n  default = "d"\n}\n' }, { varFiles: [json, hcl] }));
  assert.equal(toPlain(m.variables[0].value), 'from-json');
});

test('a missing -var-file is an error without a range', () => {
  const r = load({ 'a.pkr.hcl': DOCKER }, { varFiles: ['/nonexistent/x.pkrvars.hcl'] });
  const e = r.diagnostics.find((d) => d.severity === 'error');
  assert.equal(e?.summary, 'Failed to read file');
  assert.equal(e?.range, undefined);
});

test('syntax errors still give a model; syntaxOnly stops after parsing', () => {
  const r = load({ 'a.pkr.hcl': 'source "docker" "x" {\n  image = \n}\nsource "docker" "y" {\n  image = "ok"\n}\n' });
  assert.deepEqual(
    modelOf(r).sources.map((s) => s.name),
    ['x', 'y'],
  );
  assert.ok(r.diagnostics.length > 0 && r.diagnostics.every((d) => !/source|argument/i.test(d.summary)));
  const s = load({ 'a.pkr.hcl': `${DOCKER}\nvariable "x" {}\n` }, { syntaxOnly: true });
  assert.deepEqual(s.diagnostics, []);
});

test('console context sees variables, locals, path and packer', () => {
  const m = noErrors(load({ 'a.pkr.hcl': 'variable "a" {\n  default = "x"\n}\nlocals {\n  b = "${var.a}y"\n}\n' }));
  const r = evaluate(parseHclExpression('upper("${var.a}-${local.b}-${packer.version}")', '<console-input>').expr, consoleContext(m));
  assert.deepEqual(r.diagnostics, []);
  assert.equal(toPlain(r.value), 'X-XY-1.14.3');
});

test('JSON syntax: a variable type is written as a string', () => {
  const m = noErrors(load({ 'a.pkr.json': JSON.stringify({ variable: { l: { type: 'list(string)', default: ['a'] } } }) }, { env: { PKR_VAR_l: '["x"]' } }));
  assert.deepEqual(toPlain(m.variables[0].value), ['x']);
});

test('a block inside locals is refused with HCL JustAttributes wording', () => {
  const r = load({ 'a.pkr.hcl': 'locals {\n  a = 1\n  nested {\n  }\n}\n' });
  assert.equal(r.diagnostics[0].summary, 'Unexpected "nested" block');
});

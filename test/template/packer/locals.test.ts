import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPlain } from '../../../core/template/values/value';
import { errors, load, noErrors, where } from './helpers';

test('locals are evaluated in dependency order across blocks and files', () => {
  const m = noErrors(
    load({
      'a.pkr.hcl': 'locals {\n  full = "${local.base}-${var.env}"\n}\nvariable "env" {\n  default = "prod"\n}\n',
      'b.pkr.hcl': 'locals {\n  base = upper(local.name)\n}\nlocal "name" {\n  expression = "web"\n}\n',
    }),
  );
  const full = m.locals.find((l) => l.name === 'full');
  assert.equal(full && toPlain(full.value), 'WEB-prod');
});

test('a cycle is one diagnostic naming the cycle, as Packer 1.14 reports its execution graph', () => {
  const r = errors(load({ 'a.pkr.hcl': 'locals {\n  a = local.b\n  b = local.c\n  c = local.a\n  d = local.a\n}\n' }));
  assert.equal(r.length, 1);
  assert.equal(where(r[0]), 'failed to prepare execution graph @ a.pkr.hcl:2:3');
  assert.equal(r[0].detail, 'An error occurred while building the graph for datasources/locals: 1 error occurred:\n\t* Cycle: local.a, local.b, local.c');
  const self = errors(load({ 'a.pkr.hcl': 'locals {\n  a = local.a\n}\n' }));
  assert.match(self[0].detail ?? '', /\* Self reference: local\.a$/);
});

test('references to undeclared locals and duplicates', () => {
  const r = errors(load({ 'a.pkr.hcl': 'locals {\n  a = local.nmae\n  b = local.a\n  name = 1\n}\n' }));
  assert.deepEqual(r.map(where), ['failed to prepare execution graph @ a.pkr.hcl:2:7']);
  assert.match(r[0].detail ?? '', /could not get dependency "local\.nmae" for "local\.a", "local\.nmae" missing in template/);
  // Outside locals, a missing local is an unsupported attribute, with a suggestion.
  const src = errors(load({ 'a.pkr.hcl': 'locals {\n  name = 1\n}\nsource "docker" "x" {\n  image = local.nmae\n  commit = true\n}\nbuild {\n  sources = ["docker.x"]\n}\n' }));
  assert.equal(where(src[0]), 'Unsupported attribute @ a.pkr.hcl:5:16');
  assert.match(src[0].detail ?? '', /Did you mean "name"\?/);
  const d = errors(load({ 'a.pkr.hcl': 'locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n' }));
  assert.equal(where(d[0]), 'Duplicate local definition @ a.pkr.hcl:5:3');
  assert.equal(d[0].detail, 'Local variable "a" is defined twice in your templates. Other definition found at "/tmp/bakehouse-test/a.pkr.hcl:2,7-8"');
});

test('contextual values: path, packer.version', () => {
  const m = noErrors(load({ 'a.pkr.hcl': 'locals {\n  r = path.root\n  c = path.cwd\n  v = packer.version\n}\n' }));
  const get = (n: string): unknown => toPlain(m.locals.find((l) => l.name === n)!.value);
  assert.equal(get('r'), '/tmp/bakehouse-test');
  assert.equal(get('v'), '1.14.3');
});

test('env() is only for variable defaults, as in Packer 1.6.6', () => {
  const r = errors(load({ 'a.pkr.hcl': 'locals {\n  home = env("HOME")\n}\n' }, { env: { HOME: '/h' } }));
  assert.equal(where(r[0]), 'Call to unknown function @ a.pkr.hcl:2:10');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPlain } from '../../../core/template/values/value';
import { errors, load, noErrors, where } from './helpers';

const VARS = `
variable "region" {
  type    = string
  default = "eu"
}
variable "sizes" {
  type    = list(number)
  default = [1]
}
`;

function valueOf(m: ReturnType<typeof noErrors>, name: string): unknown {
  const v = m.variables.find((x) => x.name === name);
  return v ? toPlain(v.value) : undefined;
}

test('value precedence: default < env < auto var file < -var-file < -var', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bh-'));
  const vf1 = join(dir, 'one.pkrvars.hcl');
  const vf2 = join(dir, 'two.pkrvars.hcl');
  writeFileSync(vf1, 'region = "file1"\n');
  writeFileSync(vf2, 'region = "file2"\n');
  const files = { 'a.pkr.hcl': VARS, 'x.auto.pkrvars.hcl': 'region = "auto"\n' };
  assert.equal(valueOf(noErrors(load({ 'a.pkr.hcl': VARS })), 'region'), 'eu');
  assert.equal(valueOf(noErrors(load({ 'a.pkr.hcl': VARS }, { env: { PKR_VAR_region: 'env' } })), 'region'), 'env');
  assert.equal(valueOf(noErrors(load(files, { env: { PKR_VAR_region: 'env' } })), 'region'), 'auto');
  const m = noErrors(load(files, { env: { PKR_VAR_region: 'env' }, varFiles: [vf1, vf2] }));
  assert.equal(valueOf(m, 'region'), 'file2');
  assert.equal(m.variables.find((v) => v.name === 'region')?.valueSource, 'var-file');
  const cli = noErrors(load(files, { varFiles: [vf1], vars: [['region', 'cli1'], ['region', 'cli2']] }));
  assert.equal(valueOf(cli, 'region'), 'cli2');
  assert.equal(cli.variables.find((v) => v.name === 'region')?.valueSource, 'cli');
});

test('env and -var values are parsed per the variable type', () => {
  const m = noErrors(load({ 'a.pkr.hcl': VARS }, { env: { PKR_VAR_sizes: '[2, "3"]' }, vars: [['region', '[not, parsed]']] }));
  assert.deepEqual(valueOf(m, 'sizes'), [2, 3]);
  assert.equal(valueOf(m, 'region'), '[not, parsed]');
  const bad = load({ 'a.pkr.hcl': VARS }, { vars: [['sizes', '["x"]']] });
  assert.equal(errors(bad)[0].summary, 'Invalid argument value for -var variable');
});

test('unset variable', () => {
  const r = load({ 'a.pkr.hcl': 'variable "foo" {\n  type = string\n}\n' });
  const e = errors(r);
  assert.equal(e.length, 1);
  assert.equal(where(e[0]), 'Unset variable "foo" @ a.pkr.hcl:1:1');
  assert.match(e[0].detail ?? '', /A used variable must be set or have a default value/);
});

test('undeclared variables: a warning in var files, an error for -var', () => {
  const r = load({ 'a.pkr.hcl': VARS, 'x.auto.pkrvars.hcl': 'zone = "a"\n' }, { vars: [['nope', '1']] });
  const w = r.diagnostics.find((d) => d.summary === 'Undefined variable');
  assert.equal(w?.severity, 'warning');
  assert.equal(errors(r)[0].summary, 'Undefined -var variable');
});

test('a variable block in a var file is called out', () => {
  const r = load({ 'a.pkr.hcl': VARS, 'x.auto.pkrvars.hcl': 'variable "x" {}\n' });
  assert.equal(errors(r)[0].summary, 'Variable declaration in a .pkrvar file');
});

test('defaults may call env() but nothing else, and reference no variables', () => {
  const ok = noErrors(load({ 'a.pkr.hcl': 'variable "home" {\n  default = env("HOME")\n}\n' }, { env: { HOME: '/home/me' } }));
  assert.equal(valueOf(ok, 'home'), '/home/me');
  const fn = errors(load({ 'a.pkr.hcl': 'variable "x" {\n  default = upper("a")\n}\n' }));
  assert.equal(fn[0].summary, 'Call to unknown function');
  assert.equal(fn[0].detail, 'There is no function named "upper".');
  const v = errors(load({ 'a.pkr.hcl': 'variable "a" {\n  default = "x"\n}\nvariable "b" {\n  default = var.a\n}\n' }));
  assert.equal(where(v[0]), 'Variables not allowed @ a.pkr.hcl:5:13');
});

test('type conversion of defaults', () => {
  const r = errors(load({ 'a.pkr.hcl': 'variable "n" {\n  type = number\n  default = "abc"\n}\n' }));
  assert.equal(r[0].summary, 'Invalid default value for variable');
  assert.match(r[0].detail ?? '', /not compatible with the variable's type constraint/);
});

test('validation rules', () => {
  const tpl = `variable "image" {
  type = string
  default = "ubuntu"
  validation {
    condition     = length(var.image) > 6
    error_message = "The image name must be long."
  }
}
`;
  const r = errors(load({ 'a.pkr.hcl': tpl }));
  assert.equal(r.length, 1);
  assert.equal(where(r[0]), 'Invalid value for default variable @ a.pkr.hcl:3:13');
  assert.equal(r[0].detail, `The image name must be long.\n\nThis was checked by the validation rule at ${'/tmp/bakehouse-test/a.pkr.hcl'}:4,3-13.`);
  noErrors(load({ 'a.pkr.hcl': tpl }, { vars: [['image', 'debian-bullseye']] }));
  const cli = errors(load({ 'a.pkr.hcl': tpl }, { vars: [['image', 'x']] }));
  assert.equal(cli[0].summary, 'Invalid value for cmd variable');
});

test('validation conditions may only reference their own variable', () => {
  const tpl = `variable "a" {
  default = "x"
  validation {
    condition     = var.b == "y"
    error_message = "Nope."
  }
}
`;
  const r = errors(load({ 'a.pkr.hcl': tpl }));
  assert.deepEqual(
    r.map((d) => d.summary),
    ['Invalid reference in variable validation', 'Invalid variable validation condition'],
  );
  const msg = errors(load({ 'a.pkr.hcl': tpl.replace('var.b == "y"', 'var.a != ""').replace('Nope.', 'lowercase') }));
  assert.equal(msg[0].summary, 'Invalid validation error message');
});

test('sensitive variables mark their values and fill sensitiveStrings', () => {
  const tpl = `variable "password" {
  type      = string
  default   = "s3cr3t"
  sensitive = true
}
variable "tokens" {
  default   = { a = "tok-a", b = ["tok-b"] }
  sensitive = true
}
locals {
  url = "https://u:\${var.password}@host"
}
local "key" {
  expression = "k3y"
  sensitive  = true
}
`;
  const m = noErrors(load({ 'a.pkr.hcl': tpl }));
  assert.deepEqual([...m.sensitiveStrings].sort(), ['https://u:s3cr3t@host', 'k3y', 's3cr3t', 'tok-a', 'tok-b']);
  assert.equal(m.variables.find((v) => v.name === 'password')?.value.sensitive, true);
});

test('legacy variables block', () => {
  const m = noErrors(load({ 'a.pkr.hcl': 'variables {\n  a = "x"\n  n = 2\n}\n' }));
  assert.equal(valueOf(m, 'a'), 'x');
  assert.equal(valueOf(m, 'n'), 2);
});

test('duplicate variables', () => {
  const r = errors(load({ 'a.pkr.hcl': 'variable "a" {\n  default = 1\n}\nvariable "a" {\n  default = 2\n}\n' }));
  assert.equal(r[0].summary, 'Duplicate variable');
});

test('errors in declarations or values stop before unset-variable and validation checks, as in Packer', () => {
  const tpl = 'variable "x" {\n  type = list(string)\n}\nvariable "y" {\n  type = string\n}\n';
  const r = errors(load({ 'a.pkr.hcl': tpl }, { vars: [['x', '["a"']] }));
  assert.ok(r.length >= 1);
  assert.ok(!r.some((d) => d.summary.startsWith('Unset variable')));
  const v = errors(load({ 'a.pkr.hcl': tpl }, { vars: [['x', 'a']] }));
  assert.deepEqual(v.map((d) => d.summary), ['Variables not allowed']);
});

test("a variable's type is an exact type, as Packer reads it: no `any`, no optional attributes", () => {
  const typeError = (type: string) => errors(load({ 'a.pkr.hcl': `variable "x" {\n  type = ${type}\n}\n` })).map((d) => `${where(d)}: ${d.detail ?? ''}`);
  assert.deepEqual(typeError('any'), ['Invalid type specification @ a.pkr.hcl:2:10: The keyword "any" cannot be used in this type specification: an exact type is required.']);
  assert.deepEqual(typeError('list(any)'), ['Invalid type specification @ a.pkr.hcl:2:15: The keyword "any" cannot be used in this type specification: an exact type is required.']);
  assert.deepEqual(typeError('object({ a = optional(string) })'), [
    'Invalid type specification @ a.pkr.hcl:2:23: Optional attribute modifier is only for type constraints, not for exact types.',
  ]);
  assert.deepEqual(errors(load({ 'a.pkr.hcl': 'variable "x" {\n  type    = map(list(string))\n  default = {}\n}\n' })), []);
});

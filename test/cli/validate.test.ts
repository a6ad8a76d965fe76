import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBakehouse } from './run-cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-validate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const VALID = `variable "image" {
  type    = string
  default = "debian"
}

source "docker" "x" {
  image  = var.image
  commit = true
}

build {
  sources = ["source.docker.x"]
}
`;

test('validate: a valid template exits 0', () => {
  const dir = workspace({ 't.pkr.hcl': VALID });
  const r = runBakehouse(['validate', 't.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'The configuration is valid.\n');
});

test('validate: an error is shown in HCL style with the offending line, exit 1', () => {
  const dir = workspace({ 't.pkr.hcl': VALID.replace('image  = var.image', 'imgae  = var.image') });
  const r = runBakehouse(['validate', 't.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: Unsupported argument\n\n {2}on t\.pkr\.hcl line 7:\n {3}7: {3}imgae {2}= var\.image\n\nAn argument named "imgae" is not expected here\. Did you mean "image"\?/);
});

test('validate --json prints the terraform validate -json shape', () => {
  const dir = workspace({ 't.pkr.hcl': VALID.replace('commit = true', 'commit = true\n  discard = true') });
  const r = runBakehouse(['validate', '--json', 't.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics: Array<{ severity: string; summary: string; range?: { filename: string; start: { line: number } } }> };
  assert.equal(report.valid, false);
  assert.equal(report.error_count, 1);
  assert.equal(report.warning_count, 0);
  assert.equal(report.diagnostics[0].severity, 'error');
  assert.equal(report.diagnostics[0].range?.filename, 't.pkr.hcl');
});

test('validate: -var and -var-file in Packer single-dash form reach the template', () => {
  const tmpl = VALID.replace('default = "debian"\n', '').replace('type    = string', 'type = string\n  validation {\n    condition     = var.image == "ubuntu"\n    error_message = "Must be ubuntu."\n  }');
  const dir = workspace({ 't.pkr.hcl': tmpl, 'v.pkrvars.hcl': 'image = "ubuntu"\n' });
  assert.equal(runBakehouse(['validate', '-var', 'image=ubuntu', 't.pkr.hcl'], { cwd: dir }).code, 0);
  assert.equal(runBakehouse(['validate', '-var=image=ubuntu', 't.pkr.hcl'], { cwd: dir }).code, 0);
  assert.equal(runBakehouse(['validate', '--var-file', 'v.pkrvars.hcl', 't.pkr.hcl'], { cwd: dir }).code, 0);
  const bad = runBakehouse(['validate', '-var', 'image=debian', 't.pkr.hcl'], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Must be ubuntu\./);
  const unset = runBakehouse(['validate', 't.pkr.hcl'], { cwd: dir });
  assert.equal(unset.code, 1);
  assert.match(unset.stderr, /Unset variable "image"/);
});

test('validate -syntax-only ignores configuration errors', () => {
  const dir = workspace({ 't.pkr.hcl': VALID.replace('image  = var.image', 'imgae  = var.image') });
  const r = runBakehouse(['validate', '-syntax-only', 't.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Syntax-only check passed. Everything looks okay.\n');
});

test('validate: command-line mistakes are one clear line and exit 1', () => {
  for (const args of [['validate'], ['validate', 'missing.pkr.hcl'], ['validate', '-bogus', 'x'], ['validate', '-var', 'novalue', 'x'], ['validate', '-var-file']]) {
    const r = runBakehouse(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
  }
});

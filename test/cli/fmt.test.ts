import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBakehouse } from './run-cli';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-fmt-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const UGLY = 'a   =  1\nbb = 2\n';
const PRETTY = 'a  = 1\nbb = 2\n';

test('fmt rewrites HCL files in place and lists them', () => {
  const dir = workspace({ 'x.pkr.hcl': UGLY, 'vars.pkrvars.hcl': UGLY, 'ok.pkr.hcl': 'z = 1\n', 'legacy.json': '{ "builders":[] }' });
  const r = runBakehouse(['fmt', '.'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['vars.pkrvars.hcl', 'x.pkr.hcl']);
  assert.equal(readFileSync(join(dir, 'x.pkr.hcl'), 'utf8'), PRETTY);
  assert.equal(readFileSync(join(dir, 'legacy.json'), 'utf8'), '{ "builders":[] }', 'JSON files are left alone');
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary files left');
});

test('fmt -check exits 3 and writes nothing', () => {
  const dir = workspace({ 'x.pkr.hcl': UGLY });
  const r = runBakehouse(['fmt', '-check', 'x.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'x.pkr.hcl\n');
  assert.equal(readFileSync(join(dir, 'x.pkr.hcl'), 'utf8'), UGLY);
  assert.equal(runBakehouse(['fmt', '-check', 'x.pkr.hcl'], { cwd: workspace({ 'x.pkr.hcl': PRETTY }) }).code, 0);
});

test('fmt -diff -write=false shows a unified diff like packer fmt', () => {
  const dir = workspace({ 'x.pkr.hcl': UGLY });
  const r = runBakehouse(['fmt', '-diff', '-write=false', 'x.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'x.pkr.hcl\n--- old/x.pkr.hcl\n+++ new/x.pkr.hcl\n@@ -1,2 +1,2 @@\n-a   =  1\n+a  = 1\n bb = 2\n');
  assert.equal(readFileSync(join(dir, 'x.pkr.hcl'), 'utf8'), UGLY);
});

test('fmt -recursive descends into subdirectories; without it, it does not', () => {
  const dir = workspace({ 'top.pkr.hcl': PRETTY, 'sub/deep.pkr.hcl': UGLY });
  assert.equal(runBakehouse(['fmt', '-check', '.'], { cwd: dir }).code, 0);
  const r = runBakehouse(['fmt', '-check', '-recursive', '.'], { cwd: dir });
  assert.equal(r.code, 3);
  assert.equal(r.stdout.trim(), join('sub', 'deep.pkr.hcl'));
});

test('fmt refuses a file with a syntax error, names line and column, and leaves it untouched', () => {
  const broken = 'a = {\n  b = \n';
  const dir = workspace({ 'bad.pkr.hcl': broken });
  const r = runBakehouse(['fmt', 'bad.pkr.hcl'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error: .+\n\n {2}on bad\.pkr\.hcl line \d+/);
  assert.equal(readFileSync(join(dir, 'bad.pkr.hcl'), 'utf8'), broken);
});

test('fmt - formats standard input to standard output', () => {
  const r = runBakehouse(['fmt', '-'], { input: UGLY });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, PRETTY);
});

test('fmt: a missing path or an unknown flag is one clear line and exit 1', () => {
  const a = runBakehouse(['fmt', 'nope.pkr.hcl']);
  assert.equal(a.code, 1);
  assert.equal(a.stderr, 'bakehouse fmt: nope.pkr.hcl: no such file or directory\n');
  const b = runBakehouse(['fmt', '-bogus']);
  assert.equal(b.code, 1);
  assert.equal(b.stderr.split('\n').length, 2);
  assert.match(b.stderr, /flag provided but not defined: -bogus/);
});

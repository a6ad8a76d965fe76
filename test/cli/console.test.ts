import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKER_1_14_CACHE } from '../support/reference-packer';
import { runBakehouse } from './run-cli';

const PACKER = process.env.BAKEHOUSE_REFERENCE_PACKER ?? join(PACKER_1_14_CACHE, 'packer');
/** Today's Packer with a private config folder, so nothing of this machine's Packer setup reaches the comparison. */
const packerEnv = (): NodeJS.ProcessEnv => {
  const config = mkdtempSync(join(tmpdir(), 'bakehouse-console-packer-'));
  return { PATH: process.env.PATH, HOME: config, PACKER_CONFIG_DIR: config, CHECKPOINT_DISABLE: '1' };
};

const TEMPLATE = `variable "region" {
  default = "eu-west-1"
}
variable "sizes" {
  type    = list(number)
  default = [10, 20]
}
variable "token" {
  default   = "s3cr3t"
  sensitive = true
}
locals {
  name   = "img-\${var.region}"
  tags   = { env = "prod", team = "core" }
  double = [for s in var.sizes : s * 2]
}
`;

const EXPRESSIONS = ['var.region', 'local.name', 'local.tags', 'local.double', 'var.sizes', 'upper(local.name)', 'length(var.sizes) + 1', 'var.token', '"${var.region}-${local.tags.env}"', 'path.root'];

test('console prints each value as packer console 1.14 does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-console-'));
  writeFileSync(join(dir, 't.pkr.hcl'), TEMPLATE);
  const env = packerEnv();
  for (const expr of EXPRESSIONS) {
    const theirs = spawnSync(PACKER, ['console', 't.pkr.hcl'], { cwd: dir, input: `${expr}\n`, encoding: 'utf8', env });
    assert.ok(!theirs.error, `Packer 1.14 is needed as the reference (bash .ci/reference-packer.sh): ${theirs.error?.message}`);
    const ours = runBakehouse(['console', 't.pkr.hcl'], { cwd: dir, input: `${expr}\n` });
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, theirs.stdout, expr);
  }
});

test('console reads many lines, reports errors with their cause and goes on, exit 1 at the end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-console-'));
  writeFileSync(join(dir, 't.pkr.hcl'), TEMPLATE);
  const r = runBakehouse(['console', '-var', 'region=us-east-2', 't.pkr.hcl'], { cwd: dir, input: 'var.region\nvar.regoin\n1 + 1\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'us-east-2\n2\n');
  // Packer 1.14 says "Unsupported attribute"; Bakehouse adds the suggestion.
  assert.match(r.stderr, /This object does not have an attribute named "regoin"\.\s+Did you mean\s+"region"\?/);
});

test('console without a template still evaluates functions', () => {
  const r = runBakehouse(['console'], { input: 'join("-", ["a", "b"])\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'a-b\n');
});

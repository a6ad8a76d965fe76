/**
 * `bakehouse inspect` prints what `packer inspect` 1.14 prints, byte for byte, with the same exit code. Packer 1.14 runs
 * live (test/support/reference-packer.ts): where it is not built the tests skip with the reason, and in CI, which
 * builds it, they fail instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKER_1_14, runReferencePacker } from '../support/reference-packer';
import { runBakehouse } from './run-cli';

const skip = !process.env.CI && PACKER_1_14.skip;

/** Both programs see the same home folder, for templates that read env("HOME"). */
const home = mkdtempSync(join(tmpdir(), 'bakehouse-inspect-home-'));

interface Both {
  ours: { code: number; stdout: string; stderr: string };
  theirs: { code: number | null; stdout: string; stderr: string };
}

function inspectWithBoth(args: string[], cwd: string): Both {
  const packer = PACKER_1_14.packer;
  assert.ok(packer, PACKER_1_14.skip || '');
  const theirs = runReferencePacker(packer, ['inspect', ...args], { cwd, env: { HOME: home } });
  assert.ok(!theirs.error, `${packer.bin}: ${theirs.error?.message}`);
  const ours = runBakehouse(['inspect', ...args], { cwd, env: { HOME: home } });
  return { ours, theirs: { code: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr } };
}

const HCL = `variable "region" {
  type    = string
  default = "us-east-1"
}
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
variable "unset" {
  type = string
}
variable "tags" {
  type    = map(string)
  default = { team = "a\\"b", tier = "2" }
}
locals {
  name   = "img-\${var.region}"
  header = "Bearer \${var.secret}"
}
source "docker" "x" {
  image  = "debian"
  commit = true
}
source "docker" "y" {
  image  = "ubuntu"
  commit = true
}
build {
  name    = "b1"
  sources = ["source.docker.x", "source.docker.y"]
  provisioner "shell" {
    name   = "first"
    only   = ["docker.x"]
    inline = ["echo hi"]
  }
  provisioner "file" {
    source      = "a"
    destination = "/tmp/a"
  }
  post-processor "docker-tag" {
    repository = "foo"
  }
  post-processors {
    post-processor "docker-tag" {
      name       = "again"
      repository = "bar"
    }
    post-processor "manifest" {}
  }
}
`;

test('inspect of an HCL2 template prints what packer inspect 1.14 prints', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-inspect-'));
  writeFileSync(join(dir, 't.pkr.hcl'), HCL);
  const { ours, theirs } = inspectWithBoth(['t.pkr.hcl'], dir);
  assert.equal(ours.stdout, theirs.stdout);
  assert.equal(ours.code, theirs.code, ours.stderr);
  // Values Go-quoted, an unset variable unknown rather than an error, the secret masked wherever it appears.
  assert.match(ours.stdout, /var\.tags: "\{\\n {2}\\"team\\" = \\"a\\\\\\"b\\"/);
  assert.match(ours.stdout, /var\.unset: "<unknown>"\n/);
  assert.match(ours.stdout, /local\.header: "Bearer <sensitive>"\n/);
  assert.match(ours.stdout, / {6}shell\.first\n {6}file\n/);
  assert.doesNotMatch(ours.stdout, /hunter2/);
});

test('inspect of a legacy JSON template prints what packer inspect 1.14 prints', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-inspect-'));
  const json = {
    description: 'A test image.',
    variables: { a: '1', s: 'x', req: null, home: '{{env `HOME`}}' },
    'sensitive-variables': ['s'],
    builders: [
      { type: 'docker', image: 'x', commit: true },
      { type: 'docker', name: 'd2', image: 'x', commit: true },
    ],
    provisioners: [{ type: 'shell', inline: ['ls'] }],
    'post-processors': ['compress', [{ type: 'docker-tag', repository: 'x' }, 'docker-push']],
  };
  writeFileSync(join(dir, 't.json'), JSON.stringify(json));
  const { ours, theirs } = inspectWithBoth(['-var', 'req=1', 't.json'], dir);
  assert.equal(ours.stdout, theirs.stdout);
  assert.equal(ours.code, theirs.code, ours.stderr);
  // Defaults as written, the secret masked, and no post-processors section (Packer 1.14 leaves it out).
  assert.match(ours.stdout, /Optional variables and their defaults:\n\n {2}a {4}= 1\n {2}home = \{\{env `HOME`\}\}\n {2}s {4}= <sensitive>\n/);
  assert.doesNotMatch(ours.stdout, /Post-processors/);
});

const corpus = join(__dirname, '..', 'fixtures', 'templates', 'valid');

/**
 * Corpus cases where the two outputs may still differ, each with why and what is compared instead. This list may only
 * shrink: a case leaves it once Bakehouse matches Packer byte for byte.
 */
const KNOWN_DIFFERENCES: Record<string, { reason: string; normalise: (out: string) => string }> = {
  'hcl-amazon-ebs': {
    reason: 'a local formats timestamp(): the two runs may straddle a second, so the clock digits are compared as a shape',
    normalise: (out) => out.replace(/"\d{14}"/g, '"<timestamp>"'),
  },
  'json-classic-amazon-ebs': {
    reason:
      'Packer also masks a variable whose default equals a sensitive variable\'s default, but only when Go\'s map order ' +
      'visits it first, so its line changes from run to run; that line is left out',
    normalise: (out) => out.replace(/^ {2}aws_access_key = .*\n/m, ''),
  },
};

/** The case's template as its expect.json names it: the folder for HCL2, its .json file for a legacy JSON template. */
function target(name: string): string {
  const expect = JSON.parse(readFileSync(join(corpus, name, 'expect.json'), 'utf8')) as { template?: string };
  return expect.template ?? '.';
}

test('inspect prints what packer inspect 1.14 prints for every valid corpus case, with the same exit code', { skip }, () => {
  const cases = readdirSync(corpus).filter((n) => existsSync(join(corpus, n, 'expect.json'))).sort();
  for (const name of Object.keys(KNOWN_DIFFERENCES)) assert.ok(cases.includes(name), `${name} is listed as a known difference but is no corpus case`);
  const differing: string[] = [];
  for (const name of cases) {
    const { ours, theirs } = inspectWithBoth([target(name)], join(corpus, name));
    const normalise = KNOWN_DIFFERENCES[name]?.normalise ?? ((out: string) => out);
    if (ours.code !== theirs.code || normalise(ours.stdout) !== normalise(theirs.stdout)) {
      differing.push(`${name}: Packer rc=${theirs.code}, Bakehouse rc=${ours.code}\n--- Packer\n${theirs.stdout}${theirs.stderr}--- Bakehouse\n${ours.stdout}${ours.stderr}`);
    }
  }
  assert.deepEqual(differing, []);
});

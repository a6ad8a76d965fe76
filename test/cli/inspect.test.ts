import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBakehouse } from './run-cli';

const PACKER = process.env.BAKEHOUSE_REFERENCE_PACKER ?? '/usr/bin/packer';

const HCL = `variable "region" {
  type    = string
  default = "us-east-1"
}
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
locals {
  name = "img-\${var.region}"
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
      repository = "bar"
    }
    post-processor "manifest" {}
  }
}
`;

test('inspect of an HCL2 template prints what packer inspect 1.6.6 prints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-inspect-'));
  writeFileSync(join(dir, 't.pkr.hcl'), HCL);
  const ours = runBakehouse(['inspect', 't.pkr.hcl'], { cwd: dir });
  assert.equal(ours.code, 0, ours.stderr);
  const theirs = spawnSync(PACKER, ['inspect', 't.pkr.hcl'], { cwd: dir, encoding: 'utf8' });
  assert.ok(!theirs.error, `Packer 1.6.6 is needed as the reference (apt-get install packer): ${theirs.error?.message}`);
  assert.equal(ours.stdout, theirs.stdout);
  assert.doesNotMatch(ours.stdout, /hunter2/);
});

test('inspect of a legacy JSON template lists variables, builders, provisioners and post-processors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-inspect-'));
  const json = {
    variables: { a: '1', s: 'x', req: null },
    'sensitive-variables': ['s'],
    builders: [
      { type: 'docker', image: 'x', commit: true },
      { type: 'docker', name: 'd2', image: 'x', commit: true },
    ],
    provisioners: [{ type: 'shell', inline: ['ls'] }],
    'post-processors': ['compress', [{ type: 'docker-tag', repository: 'x' }, 'docker-push']],
  };
  writeFileSync(join(dir, 't.json'), JSON.stringify(json));
  const r = runBakehouse(['inspect', '-var', 'req=1', 't.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Optional variables and their defaults:\n\n {2}a = 1\n {2}s = <sensitive>\n/);
  assert.match(r.stdout, /Builders:\n\n {2}d2 {5}\(docker\)\n {2}docker\n/);
  assert.match(r.stdout, /Provisioners:\n\n {2}shell\n/);
  assert.match(r.stdout, /Post-processors:\n\n {2}0: compress\n {2}1: docker-tag -> docker-push\n/);
});

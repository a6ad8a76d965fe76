/**
 * Packer's own googlecompute examples (packer-plugin-googlecompute v1.2.7: example/build.pkr.hcl and the snippets of
 * docs/builders/googlecompute.mdx) validate through the real load path with no unknown field; Prepare's rules answer in
 * the plugin's words; the settings Bakehouse cannot honour (OS Login, WinRM) are refused by field when the build
 * is prepared, saying so; and wrap_startup_script takes the plugin's default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { googlecomputeBuilder } from '../../../core/builders/googlecompute/builder';
import { readGooglecomputeConfig } from '../../../core/builders/googlecompute/read-config';
import { wrapStartupScript } from '../../../core/builders/googlecompute/startup-script';
import { loadTemplate } from '../../../core/template/load';
import type { Diagnostic } from '../../../core/template/source';

const EXAMPLE = `
packer {
  required_plugins {
    googlecompute = {
      version = "~> v1.0"
      source  = "github.com/hashicorp/googlecompute"
    }
  }
}

variable "zone" {
  default = "europe-west4-a"
}

variable "project_id" {
  type    = string
  default = "my-project"
}

source "googlecompute" "ex" {
  image_name              = "test-packer-example"
  machine_type            = "e2-small"
  source_image            = "debian-10-buster-v20210316"
  ssh_username            = "packer"
  temporary_key_pair_type = "rsa"
  temporary_key_pair_bits = 2048
  zone                    = var.zone
  project_id              = var.project_id
}

build {
  sources = ["source.googlecompute.ex"]
  provisioner "shell" {
    inline = [
      "echo Hello From \${source.type} \${source.name}"
    ]
  }
}
`;

/** The docs' disk_attachment and Windows metadata snippets, inside the smallest source the rules accept. */
const DOCS_SNIPPETS = `
source "googlecompute" "example" {
  project_id          = "my-project"
  zone                = "us-central1-a"
  source_image_family = "debian-12"
  ssh_username        = "packer"
  metadata = {
    sysprep-specialize-script-cmd = "..."
  }

  disk_attachment {
    volume_type     = "scratch"
    volume_size     = 375
  }

  disk_attachment {
    volume_type     = "pd-standard"
    volume_size     = 25
    interface_type  = "SCSI"
  }
}

build {
  sources = ["source.googlecompute.example"]
}
`;

function load(text: string): Diagnostic[] {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-gce-validate-'));
  writeFileSync(join(dir, 'template.pkr.hcl'), text);
  return loadTemplate(dir, { cwd: dir, env: {} }).diagnostics;
}

const describe = (ds: readonly Diagnostic[]): string => ds.map((d) => `${d.severity}: ${d.summary} ${d.detail ?? ''}`).join('\n');

test('the plugin\'s example and the docs\' snippets validate with no error and no unknown field', () => {
  for (const text of [EXAMPLE, DOCS_SNIPPETS]) {
    const ds = load(text);
    assert.deepEqual(ds.filter((d) => d.severity === 'error'), [], describe(ds));
    assert.ok(!ds.some((d) => /unsupported argument|not expected|unknown/i.test(`${d.summary} ${d.detail ?? ''}`)), describe(ds));
  }
});

test('Prepare\'s rules answer in the plugin\'s words', () => {
  const errors = describe(
    load(`
source "googlecompute" "bad" {
  zone             = "us-central1-a"
  ssh_username     = "packer"
  image_name       = "Bad_Name"
  omit_external_ip = true
  access_token     = "t"
  credentials_json = "{}"
  image_storage_locations = ["us", "eu"]
}
build { sources = ["source.googlecompute.bad"] }
`).filter((d) => d.severity === 'error'),
  );
  for (const want of [
    'a project_id must be specified',
    'a source_image or source_image_family must be specified',
    'Invalid image name "Bad_Name": The first character must be a lowercase letter',
    "'use_internal_ip' must be true if 'omit_external_ip' is true",
    'too many authentication methods specified (access_token, credentials_json), choose only one',
    'Invalid image storage locations: Must not have more than 1 region',
  ]) {
    assert.ok(errors.includes(want), `${want}\n---\n${errors}`);
  }
});

test('image labels are checked as the plugin checks them: its regexes, after Packer renders {{ }}, not the instance\'s labels', () => {
  const errorsOf = (labels: string): string[] =>
    load(`
source "googlecompute" "l" {
  project_id   = "p"
  zone         = "us-central1-a"
  source_image = "debian-12"
  ssh_username = "packer"
  ${labels}
}
build { sources = ["source.googlecompute.l"] }
`).filter((d) => d.severity === 'error').map((d) => d.summary);
  assert.deepEqual(errorsOf('image_labels = { Team = "Ops", created = "{{ timestamp }}", ok = "été" }'), [
    'key "Team" must match regex "^\\\\p{Ll}[\\\\p{Ll}0-9_-]{0,62}$"',
    'value "Ops" for key "Team" must match regex "^[\\\\p{Ll}0-9_-]{0,63}$"',
  ]);
  assert.deepEqual(errorsOf('labels = { Team = "Ops" }'), []);
});

test('OS Login and WinRM are refused by field when the build is prepared', () => {
  const ds = load(`
source "googlecompute" "oslogin" {
  project_id          = "p"
  zone                = "us-central1-a"
  source_image_family = "debian-12"
  ssh_username        = "packer"
  use_os_login        = true
}
source "googlecompute" "win" {
  project_id          = "p"
  zone                = "us-central1-a"
  source_image_family = "windows-2022"
  communicator        = "winrm"
  winrm_username      = "packer"
}
build { sources = ["source.googlecompute.oslogin", "source.googlecompute.win"] }
`);
  assert.deepEqual(ds.filter((d) => d.severity === 'error'), [], describe(ds));
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-gce-prepare-'));
  const info = { name: 'x', displayName: 'x', hcl2: true, builderType: 'googlecompute', runId: 'r', env: {}, cwd: dir, force: false };
  const cfg = (values: Record<string, unknown>) => ({ values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'boolean' ? { kind: 'bool' as const, value: v } : { kind: 'string' as const, value: String(v) }])), blocks: {} });
  const base = { project_id: 'p', zone: 'us-central1-a', source_image_family: 'debian-12', ssh_username: 'packer' };
  const oslogin = googlecomputeBuilder.prepare(cfg({ ...base, use_os_login: true }) as never, info);
  assert.ok(!oslogin.ok && oslogin.error.some((e) => e.startsWith('use_os_login: OS Login is not supported')), JSON.stringify(oslogin));
  const winrm = googlecomputeBuilder.prepare(cfg({ ...base, communicator: 'winrm' }) as never, info);
  assert.ok(!winrm.ok && winrm.error.some((e) => e.startsWith('communicator: "winrm" is not supported')), JSON.stringify(winrm));
});

test('wrap_startup_script as the plugin defaults it: on with startup_script_file, off with metadata\'s startup-script alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-gce-startup-'));
  writeFileSync(join(dir, 'startup.sh'), '#!/bin/bash\necho hi\n');
  const base = { project_id: 'p', zone: 'us-central1-a', source_image_family: 'debian-12', ssh_username: 'packer' };
  const read = (values: Record<string, unknown>) => {
    const config = { values: Object.fromEntries(Object.entries({ ...base, ...values }).map(([k, v]) => [k, typeof v === 'boolean' ? { kind: 'bool' as const, value: v } : typeof v === 'object' ? { kind: 'object' as const, attrs: Object.fromEntries(Object.entries(v as Record<string, string>).map(([a, s]) => [a, { kind: 'string' as const, value: s }])) } : { kind: 'string' as const, value: String(v) }])), blocks: {} };
    const r = readGooglecomputeConfig(config as never, dir);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };
  const fromFile = read({ startup_script_file: 'startup.sh' });
  assert.equal(fromFile.wrapStartupScript, true);
  const wrapped = wrapStartupScript(fromFile.metadata);
  assert.equal(wrapped['packer-wrapped-startup-script'], '#!/bin/bash\necho hi\n');
  assert.equal(wrapped['startup-script-status'], 'notdone');
  assert.match(wrapped['startup-script'] ?? '', /^#!\/usr\/bin\/env bash\n/);
  assert.equal(read({ startup_script_file: 'startup.sh', wrap_startup_script: false }).wrapStartupScript, false);
  assert.equal(read({ metadata: { 'startup-script': 'echo hi' } }).wrapStartupScript, false);
  assert.equal(read({ metadata: { 'startup-script': 'echo hi' }, wrap_startup_script: true }).wrapStartupScript, true);
  assert.equal(read({ wrap_startup_script: true }).wrapStartupScript, false, 'nothing to wrap, nothing to wait for');
});

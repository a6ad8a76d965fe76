/** With a working directory, files a config names must exist, as Packer's Prepare checks; without one, the disk is never read. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { getSchema } from '../../core/components/registry';
import { loadTemplate } from '../../core/template/load';
import { validateComponent } from '../../core/components/validate';
import type { ComponentKind } from '../../core/components/schema';
import type { ComponentConfig } from '../../core/template/model';
import type { Diagnostic } from '../../core/template/source';
import { BLOCK, config } from './build-config';

let cwd = '';
before(() => {
  cwd = mkdtempSync(join(tmpdir(), 'bakehouse-components-'));
  writeFileSync(join(cwd, 'setup.sh'), 'echo hi\n');
  writeFileSync(join(cwd, 'site.yml'), '- hosts: all\n');
  mkdirSync(join(cwd, 'roles'));
});
after(() => rmSync(cwd, { recursive: true, force: true }));

function validate(kind: ComponentKind, type: string, c: ComponentConfig, withDisk = true): Diagnostic[] {
  const schema = getSchema(kind, type);
  assert.ok(schema);
  return validateComponent(schema, c, BLOCK, withDisk ? { cwd } : {});
}

const summaries = (d: Diagnostic[]): string[] => d.map((x) => x.summary);

test('shell: a missing script is a "Bad script" error at the field', () => {
  const diags = validate('provisioner', 'shell', config({ scripts: ['setup.sh', 'missing.sh'] }));
  assert.deepEqual(summaries(diags), ["Bad script 'missing.sh': stat missing.sh: no such file or directory"]);
  assert.deepEqual([diags[0].range?.start.line, diags[0].range?.start.column], [2, 3]);
  assert.deepEqual(validate('provisioner', 'shell', config({ script: 'setup.sh' })), []);
});

test('without a working directory, nothing is looked up', () => {
  assert.deepEqual(validate('provisioner', 'shell', config({ script: 'missing.sh' }), false), []);
});

test('file provisioner: a missing upload source, unless generated or downloading', () => {
  assert.deepEqual(summaries(validate('provisioner', 'file', config({ source: 'nope.txt', destination: '/tmp/x' }))), [
    "Bad source 'nope.txt': stat nope.txt: no such file or directory",
  ]);
  assert.deepEqual(validate('provisioner', 'file', config({ source: 'nope.txt', destination: '/tmp/x', generated: true })), []);
  assert.deepEqual(validate('provisioner', 'file', config({ source: '/remote', destination: 'x', direction: 'download' })), []);
});

test('ansible: playbook_file must be a file', () => {
  assert.deepEqual(summaries(validate('provisioner', 'ansible', config({ playbook_file: 'roles' }))), ['playbook_file: roles must point to a file']);
  assert.deepEqual(summaries(validate('provisioner', 'ansible-local', config({ playbook_file: 'site.yml', role_paths: ['roles', 'nope'] }))), [
    'role_paths: nope is invalid: stat nope: no such file or directory',
  ]);
});

test('qemu: floppy files must exist, globs are left to Packer', () => {
  const c = config({ iso_url: 'a.iso', iso_checksum: 'md5:d41d8cd98f00b204e9800998ecf8427e', ssh_username: 'u', floppy_files: ['ks.cfg', '*.cfg'] });
  assert.deepEqual(summaries(validate('builder', 'qemu', c)), ["Bad Floppy disk file 'ks.cfg': stat ks.cfg: no such file or directory"]);
});

test('docker: export_path must not be a folder', () => {
  assert.deepEqual(summaries(validate('builder', 'docker', config({ image: 'x', export_path: 'roles' }))), [
    'export_path must be a file, not a directory',
  ]);
});

test('legacy JSON paths still holding {{ }} are left alone', () => {
  assert.deepEqual(validate('provisioner', 'shell', config({ script: '{{user `dir`}}/setup.sh' })), []);
});

test('ssh_private_key_file: "~" is the home of the user running, from the password database as Packer reads it', () => {
  const c = config({ image: 'x', commit: true, communicator: 'ssh', ssh_username: 'u', ssh_private_key_file: '~/.ssh/bakehouse-no-such-key.pem' });
  assert.deepEqual(summaries(validate('builder', 'docker', c)), [
    `ssh_private_key_file is invalid: stat ${join(userInfo().homedir, '.ssh/bakehouse-no-such-key.pem')}: no such file or directory`,
  ]);
  const nobody = config({ image: 'x', commit: true, communicator: 'ssh', ssh_username: 'u', ssh_private_key_file: '~bakehouse-no-such-user/key' });
  assert.deepEqual(summaries(validate('builder', 'docker', nobody)), ['ssh_private_key_file is invalid: user: unknown user bakehouse-no-such-user']);
  assert.deepEqual(validate('builder', 'docker', c, false), []);
});

test('a template loaded from a folder has its files checked, in HCL2 and legacy JSON alike', () => {
  writeFileSync(join(cwd, 't.pkr.hcl'), [
    'source "docker" "x" {',
    '  image  = "x"',
    '  commit = true',
    '}',
    'build {',
    '  sources = ["source.docker.x"]',
    '  provisioner "shell" { script = "missing.sh" }',
    '}',
    '',
  ].join('\n'));
  writeFileSync(join(cwd, 't.json'), JSON.stringify({
    builders: [{ type: 'docker', image: 'x', commit: true, ssh_private_key_file: 'keys/vagrant', communicator: 'ssh', ssh_username: 'u' }],
    provisioners: [{ type: 'shell', script: 'missing.sh' }],
  }));
  const errorsOf = (file: string, withCwd: boolean): string[] =>
    loadTemplate(join(cwd, file), { env: {}, ...(withCwd ? { cwd } : {}), requireBuild: true }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary);
  assert.deepEqual(errorsOf('t.pkr.hcl', true), ["Bad script 'missing.sh': stat missing.sh: no such file or directory"]);
  assert.deepEqual(errorsOf('t.json', true), [
    'ssh_private_key_file is invalid: stat keys/vagrant: no such file or directory',
    "Bad script 'missing.sh': stat missing.sh: no such file or directory",
  ]);
  // A loader given no working directory never reads the disk.
  assert.deepEqual(errorsOf('t.pkr.hcl', false), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSchema, componentTypes } from '../../core/components/registry';
import { unknownComponentType, validateComponent } from '../../core/components/validate';
import type { ComponentKind } from '../../core/components/schema';
import type { ComponentConfig } from '../../core/template/model';
import type { Diagnostic } from '../../core/template/source';
import { BLOCK, UNKNOWN, block, config, rangeAt } from './build-config';

function check(kind: ComponentKind, type: string, c: ComponentConfig): Diagnostic[] {
  const schema = getSchema(kind, type);
  assert.ok(schema, `${kind} ${type} is registered`);
  return validateComponent(schema, c, BLOCK);
}

function only(diags: Diagnostic[]): Diagnostic {
  assert.equal(diags.length, 1, JSON.stringify(diags, null, 1));
  return diags[0];
}

function at(d: Diagnostic, line: number, column: number): void {
  assert.equal(d.range?.start.line, line, `line of ${d.summary}`);
  assert.equal(d.range?.start.column, column, `column of ${d.summary}`);
}

test('a misspelt docker field is an unsupported argument with a suggestion, at the field', () => {
  const d = only(check('builder', 'docker', config({ imgae: 'ubuntu', commit: true })));
  assert.equal(d.severity, 'error');
  assert.equal(d.summary, 'Unsupported argument');
  assert.equal(d.detail, 'An argument named "imgae" is not expected here. Did you mean "image"?');
  at(d, 2, 3);
});

test('docker without image says it is missing "image" at the block', () => {
  const d = only(check('builder', 'docker', config({ commit: true })));
  assert.equal(d.summary, "missing 'image' attribute or 'build' section, either needs to be specified for a build to run.");
  at(d, 1, 1);
});

test('docker: a build block stands in for image (plugin v1.1.4), warned as not used yet; both at once is an error', () => {
  const build = (image?: string): ComponentConfig => config({ commit: true, ...(image ? { image } : {}) }, { build: [block(5, { path: 'Dockerfile' })] });
  const diags = check('builder', 'docker', build());
  assert.deepEqual(diags.map((d) => `${d.severity}: ${d.summary}`), ['warning: "build" is accepted but not used by Bakehouse yet']);
  const both = check('builder', 'docker', build('ubuntu')).filter((d) => d.severity === 'error');
  assert.deepEqual(both.map((d) => d.summary), ['`image` cannot be specified with a build config']);
});

test('docker needs one of commit, discard, export_path', () => {
  const d = only(check('builder', 'docker', config({ image: 'ubuntu' })));
  assert.equal(d.summary, 'No instructions given for handling the artifact; expected commit, discard, or export_path');
  assert.equal(d.detail, 'Exactly one of "commit", "discard" or "export_path" must be set.');
  at(d, 1, 1);
});

test('docker with commit and discard both true is a conflict pointing at the second', () => {
  const d = only(check('builder', 'docker', config({ image: 'ubuntu', commit: true, discard: true })));
  assert.equal(d.summary, 'Cannot specify more than one of commit, discard, and export_path');
  at(d, 4, 3);
});

test('docker with commit = false and discard = true is fine (false is unset, as in Go)', () => {
  assert.deepEqual(check('builder', 'docker', config({ image: 'ubuntu', commit: false, discard: true })), []);
});

test('a list given for a map is a type error at the field, in HCL wording', () => {
  const d = only(check('builder', 'docker', config({ image: 'ubuntu', discard: true, volumes: ['a'] })));
  assert.equal(d.summary, 'Incorrect attribute value type');
  assert.equal(d.detail, 'Inappropriate value for attribute "volumes": map of string required.');
  at(d, 4, 3);
});

test('values convert as HCL converts them: "true" is a bool, 5 is a string, "22" is a number', () => {
  const c = config({ image: 5, discard: 'true', pull: '0', ssh_port: '22', author: true });
  assert.deepEqual(check('builder', 'docker', c), []);
});

test('unknown values are never errors', () => {
  const c = config({ image: UNKNOWN, discard: UNKNOWN, commit: UNKNOWN, volumes: UNKNOWN, ssh_timeout: UNKNOWN });
  assert.deepEqual(check('builder', 'docker', c), []);
});

test('a bad duration names the field and Go\'s reason', () => {
  const d = only(check('builder', 'docker', config({ image: 'ubuntu', discard: true, ssh_timeout: '5x' })));
  assert.equal(d.summary, 'Invalid duration');
  assert.match(d.detail ?? '', /^error decoding 'ssh_timeout': time: unknown unit "x" in duration "5x"/);
  at(d, 4, 3);
});

test('shell needs inline, script or scripts', () => {
  const d = only(check('provisioner', 'shell', config({})));
  assert.equal(d.summary, 'Either a script file or inline script must be specified.');
  at(d, 1, 1);
});

test('shell with script and scripts reports Packer\'s message once', () => {
  const d = only(check('provisioner', 'shell', config({ script: 'a.sh', scripts: ['b.sh'] })));
  assert.equal(d.summary, 'Only one of script or scripts can be specified.');
  at(d, 3, 3);
});

test('file without destination', () => {
  const d = only(check('provisioner', 'file', config({ source: 'a' })));
  assert.equal(d.summary, 'Destination must be specified.');
});

test('unknown builder type suggests the closest and lists the known ones', () => {
  const d = unknownComponentType('builder', 'dokcer', rangeAt(3, 9, 8));
  assert.equal(d.summary, 'Unknown builder type "dokcer"');
  assert.equal(d.detail, `Did you mean "docker"? known builders: [${componentTypes('builder').join(' ')}]`);
  assert.equal(
    unknownComponentType('post-processor', 'zzz', rangeAt(1, 1)).detail,
    'known post-processors: [amazon-import artifice checksum compress docker-import docker-push docker-save docker-tag manifest shell-local upload vagrant]',
  );
  at(d, 3, 9);
});

test('"Unsupported argument" points at the argument\'s name when the decoder recorded it', () => {
  const c = config({ imgae: 'ubuntu', commit: true });
  c.nameRanges = { imgae: rangeAt(2, 3, 5) };
  c.ranges.imgae = rangeAt(2, 11, 8);
  const d = only(check('builder', 'docker', c));
  at(d, 2, 3);
});

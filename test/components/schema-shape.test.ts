/** Every schema is well-formed, so editor completion, hover and the GUI's forms can rely on it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSchemas, COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS, findField, getSchema } from '../../core/components/registry';
import type { FieldSpec } from '../../core/components/schema';

function walk(fields: FieldSpec[], visit: (f: FieldSpec, path: string) => void, prefix = ''): void {
  for (const f of fields) {
    visit(f, prefix + f.name);
    if (f.block) walk(f.block.fields, visit, `${prefix}${f.name}.`);
  }
}

for (const schema of allSchemas()) {
  const id = `${schema.kind} ${schema.type}`;
  test(`${id}: fields are unique, described on one line, with sane defaults and enums`, () => {
    assert.ok(schema.description.length > 0);
    const seen = new Set<string>();
    walk(schema.fields, (f, path) => {
      assert.ok(!seen.has(path), `${id}: ${path} declared twice`);
      seen.add(path);
      assert.match(f.name, /^[A-Za-z][A-Za-z0-9_]*$/, `${id}: ${path} name`);
      assert.ok(f.description.length > 0 && !f.description.includes('\n'), `${id}: ${path} description`);
      assert.ok(!f.name.startsWith('packer_'), `${id}: ${path} is internal`);
      if (f.enum && typeof f.default === 'string') assert.ok(f.enum.includes(f.default), `${id}: ${path} default outside enum`);
      if (f.enum) assert.equal(f.type, 'string', `${id}: ${path} enum on a non-string`);
    });
  });

  test(`${id}: rules and messages name real fields`, () => {
    const names = new Set(schema.fields.map((f) => f.name));
    for (const group of [...(schema.exactlyOneOf ?? []), ...(schema.conflicts ?? []), ...(schema.atLeastOneOf ?? [])]) {
      assert.ok(group.length >= 2, `${id}: a group needs two fields`);
      for (const n of group) assert.ok(names.has(n), `${id}: rule names unknown field ${n}`);
    }
    const m = schema.messages;
    assert.ok((m?.exactlyOneOf?.length ?? 0) <= (schema.exactlyOneOf?.length ?? 0), `${id}: exactlyOneOf messages`);
    assert.ok((m?.conflicts?.length ?? 0) <= (schema.conflicts?.length ?? 0), `${id}: conflicts messages`);
    assert.ok((m?.atLeastOneOf?.length ?? 0) <= (schema.atLeastOneOf?.length ?? 0), `${id}: atLeastOneOf messages`);
    const required = new Set<string>();
    const enums = new Set<string>();
    walk(schema.fields, (f) => {
      if (f.required) required.add(f.name);
      if (f.enum) enums.add(f.name);
    });
    for (const n of Object.keys(m?.required ?? {})) assert.ok(required.has(n), `${id}: required message for optional ${n}`);
    for (const n of Object.keys(m?.enum ?? {})) {
      // Communicator messages are shared by every builder; only builders with a communicator carry them.
      assert.ok(enums.has(n), `${id}: enum message for ${n}, which has no enum`);
    }
  });
}

test('secrets are marked sensitive', () => {
  const secret = /(password|secret|token)$/;
  for (const schema of allSchemas()) {
    walk(schema.fields, (f, path) => {
      if (secret.test(f.name) && f.type === 'string') assert.ok(f.sensitive, `${schema.type}: ${path} should be sensitive`);
    });
  }
  const docker = getSchema('builder', 'docker');
  assert.ok(docker?.fields.find((f) => f.name === 'aws_secret_key')?.sensitive);
  assert.ok(!docker?.fields.find((f) => f.name === 'image')?.sensitive);
});

test('amazon-ebs nests its block device mappings and filters as Packer\'s HCL spec does', () => {
  const ebs = getSchema('builder', 'amazon-ebs');
  const field = (name: string): FieldSpec | undefined => ebs?.fields.find((f) => f.name === name);
  assert.equal(field('launch_block_device_mappings')?.block?.repeated, true);
  assert.equal(field('ami_block_device_mappings')?.block?.repeated, true);
  const filter = field('source_ami_filter')?.block;
  assert.equal(filter?.repeated, false);
  assert.deepEqual(
    filter?.fields.map((f) => f.name),
    // amazon v1.8.2 has no `filter` block (the hand-written schema had one; Packer refuses it) and adds include_deprecated.
    ['filters', 'owners', 'most_recent', 'include_deprecated'],
  );
  assert.deepEqual(field('run_tags')?.type, { map: 'string' });
  assert.equal(field('run_tag')?.block?.repeated, true);
  assert.equal(getSchema('builder', 'azure-arm')?.fields.find((f) => f.name === 'azure_tag')?.block?.repeated, true);
});

test('every builder with a machine to talk to has the communicator fields; docker defaults to docker', () => {
  for (const type of ['docker', 'qemu', 'virtualbox-iso', 'virtualbox-ovf', 'amazon-ebs', 'azure-arm', 'null']) {
    const names = getSchema('builder', type)?.fields.map((f) => f.name) ?? [];
    for (const n of ['communicator', 'pause_before_connecting', 'ssh_username', 'ssh_timeout', 'winrm_password']) {
      assert.ok(names.includes(n), `${type} lacks ${n}`);
    }
  }
  const comm = (type: string): FieldSpec | undefined => getSchema('builder', type)?.fields.find((f) => f.name === 'communicator');
  assert.equal(comm('docker')?.default, 'docker');
  assert.equal(comm('qemu')?.default, 'ssh');
  assert.deepEqual(comm('null')?.enum, ['none', 'ssh', 'winrm', 'docker', 'dockerWindowsContainer']);
  assert.ok(!getSchema('builder', 'file')?.fields.some((f) => f.name === 'communicator'));
});

test('the engine-level provisioner and post-processor settings are listed for completion', () => {
  assert.deepEqual(
    COMMON_PROVISIONER_FIELDS.map((f) => f.name),
    ['only', 'except', 'name', 'override', 'pause_before', 'max_retries', 'timeout', 'cache'],
  );
  assert.deepEqual(
    COMMON_POST_PROCESSOR_FIELDS.map((f) => f.name),
    ['only', 'except', 'name', 'keep_input_artifact'],
  );
});

test('findField descends into nested blocks', () => {
  const ebs = getSchema('builder', 'amazon-ebs');
  assert.ok(ebs);
  assert.equal(findField(ebs, ['launch_block_device_mappings', 'volume_size'])?.type, 'number');
  assert.equal(findField(ebs, ['source_ami_filter', 'owners'])?.description, 'Accounts (or aliases such as "amazon") the AMI must belong to.');
  assert.equal(findField(ebs, ['launch_block_device_mappings', 'nope']), undefined);
  assert.equal(findField(ebs, ['ami_name', 'x']), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from '../../../core/template/hcl/parser';
import { parseHclJson } from '../../../core/template/hcl/json-syntax';
import { content, partialContent, type BodySchema } from '../../../core/template/hcl/body';
import type { Diagnostic, Range } from '../../../core/template/source';

function at(r: Range | undefined): string {
  return r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : '?';
}
function diags(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${at(d.range)} ${d.summary}: ${d.detail}`);
}

const schema: BodySchema = {
  attributes: [{ name: 'image', required: true }, { name: 'commit' }],
  blocks: [{ type: 'provisioner', labelNames: ['type'] }, { type: 'changes', labelNames: [] }],
};

test('content: native attributes and blocks that the schema names', () => {
  const f = parseHcl('image = "x"\ncommit = true\nprovisioner "shell" {\n}\nprovisioner "file" {\n}\nchanges {\n}\n', 't.pkr.hcl');
  const c = content(f.body, schema);
  assert.deepEqual(c.diagnostics, []);
  assert.deepEqual(Object.keys(c.attributes), ['image', 'commit']);
  assert.deepEqual(c.blocks.map((b) => [b.type, ...b.labels]), [['provisioner', 'shell'], ['provisioner', 'file'], ['changes']]);
});

test('content: unsupported arguments and blocks, with did-you-mean', () => {
  const f = parseHcl('image = "x"\ncomit = true\nprovisoner "shell" {\n}\nchanges = 1\ncommit {\n}\n', 't.pkr.hcl');
  assert.deepEqual(diags(content(f.body, schema).diagnostics), [
    '2:1-2:6 Unsupported argument: An argument named "comit" is not expected here. Did you mean "commit"?',
    '5:1-5:8 Unsupported argument: An argument named "changes" is not expected here. Did you mean to define a block of type "changes"?',
    '3:1-3:11 Unsupported block type: Blocks of type "provisoner" are not expected here. Did you mean "provisioner"?',
    '6:1-6:7 Unsupported block type: Blocks of type "commit" are not expected here. Did you mean to define argument "commit"? If so, use the equals sign to assign it a value.',
  ]);
});

test('content: missing required argument points at the start of the body', () => {
  const f = parseHcl('source "docker" "x" {\n  commit = true\n}\n', 't.pkr.hcl');
  assert.deepEqual(diags(content(f.body.blocks[0].body, schema).diagnostics), [
    '1:21-1:21 Missing required argument: The argument "image" is required, but no definition was found.',
  ]);
});

test('content: an argument set twice is "Attribute redefined"', () => {
  const f = parseHcl('image = "a"\nimage = "b"\n', 't.pkr.hcl');
  const c = content(f.body, schema);
  assert.deepEqual(diags(c.diagnostics), [
    '2:1-2:6 Attribute redefined: The argument "image" was already set at t.pkr.hcl:1,1-6. Each argument may be set only once.',
  ]);
  assert.equal(c.attributes.image.range.start.line, 1);
});

test('content: wrong label counts use HCL messages', () => {
  const f = parseHcl('image = "x"\nprovisioner {\n}\nprovisioner "a" "b" {\n}\nchanges "x" {\n}\n', 't.pkr.hcl');
  assert.deepEqual(diags(content(f.body, schema).diagnostics), [
    '2:13-2:14 Missing type for provisioner: All provisioner blocks must have 1 labels (type).',
    '4:17-4:20 Extraneous label for provisioner: Only 1 labels (type) are expected for provisioner blocks.',
    '6:9-6:12 Extraneous label for changes: No labels are expected for changes blocks.',
  ]);
});

test('partialContent: takes what the schema names and leaves the rest for another schema', () => {
  const f = parseHcl('image = "x"\nname = "n"\nprovisioner "shell" {\n}\nhook {\n}\n', 't.pkr.hcl');
  const p = partialContent(f.body, { attributes: [{ name: 'image' }], blocks: [{ type: 'provisioner', labelNames: ['type'] }] });
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(Object.keys(p.attributes), ['image']);
  assert.equal(p.blocks.length, 1);
  const rest = content(p.remaining, { attributes: [{ name: 'name' }], blocks: [{ type: 'hook', labelNames: [] }] });
  assert.deepEqual(rest.diagnostics, []);
  assert.deepEqual(Object.keys(rest.attributes), ['name']);
  assert.deepEqual(rest.blocks.map((b) => b.type), ['hook']);
});

test('content (JSON): properties named as blocks become blocks; others attributes; errors in HCL wording', () => {
  const f = parseHclJson('{\n  "image": "x",\n  "comit": true,\n  "provisioner": [{ "shell": {} }, { "file": { "source": "a" } }],\n  "changes": "oops"\n}', 't.pkr.json');
  const c = content(f.body, schema);
  assert.deepEqual(Object.keys(c.attributes), ['image']);
  assert.deepEqual(c.blocks.map((b) => [b.type, ...b.labels]), [['provisioner', 'shell'], ['provisioner', 'file']]);
  assert.deepEqual(diags(c.diagnostics), [
    '5:14-5:20 Incorrect JSON value type: Either a JSON object or a JSON array is required, representing the contents of one or more "changes" blocks.',
    '3:3-3:10 Extraneous JSON object property: No argument or block type is named "comit". Did you mean "commit"?',
  ]);
});

test('content (JSON): missing required argument points at the closing brace; duplicates are reported', () => {
  const f = parseHclJson('{\n  "commit": true,\n  "commit": false\n}', 't.pkr.json');
  assert.deepEqual(diags(content(f.body, schema).diagnostics), [
    '3:3-3:11 Duplicate argument: The argument "commit" was already set at t.pkr.json:2,3-17.',
    '4:1-4:2 Missing required argument: The argument "image" is required, but no definition was found.',
  ]);
});

test('content (JSON): block labels need an object level each', () => {
  const f = parseHclJson('{ "provisioner": {} }', 't.pkr.json');
  assert.deepEqual(content(f.body, schema).diagnostics.map((d) => `${at(d.range)} ${d.summary}`), [
    '1:18-1:19 Missing block label',
    '1:21-1:22 Missing required argument',
  ]);
});

test('partialContent (JSON): the remaining body hides what was taken', () => {
  const f = parseHclJson('{ "image": "x", "name": "n", "hook": {} }', 't.pkr.json');
  const p = partialContent(f.body, { attributes: [{ name: 'image' }], blocks: [] });
  assert.deepEqual(p.remaining.attributes.map((a) => a.name), ['name', 'hook']);
  const rest = content(p.remaining, { attributes: [{ name: 'name' }], blocks: [{ type: 'hook', labelNames: [] }] });
  assert.deepEqual(rest.diagnostics, []);
  assert.deepEqual(rest.blocks.map((b) => b.type), ['hook']);
});

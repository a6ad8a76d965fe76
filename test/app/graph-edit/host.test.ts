/**
 * The graph's edits through the contract, as the UI asks for them: what the user did and the template's texts in, one
 * edit of one file out, the same way for HCL and legacy JSON templates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { createHost } from '../../../core/app/host';
import type { GraphEdit } from '../../../core/contract/methods';
import type { GraphNode } from '../../../core/contract/types';
import { applyEdits } from '../../../core/app/graph-edit/text';
import { TEMPLATE, workspace } from '../fixtures';

const ws = workspace();
const host = createHost({ dataDir: ws.dataDir, env: {} });
const FILE = ws.templatePath;

async function nodesOf(filename: string, text: string): Promise<GraphNode[]> {
  const r = await host.handlers.templates.analyze({ root: dirname(filename), files: [{ filename, text }] });
  assert.ok(r.ok);
  return r.value.graph.nodes;
}

async function editText(filename: string, text: string, edit: GraphEdit): Promise<string> {
  const r = await host.call('templates.edit', { files: [{ filename, text }], edit });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const { filename: edited, edit: e } = r.value as { filename: string; edit: { start: number; end: number; text: string } };
  assert.equal(edited, filename);
  return applyEdits(text, [e]);
}

test('an HCL template: add, set, swap and remove through one method, each one edit of the file', async () => {
  const nodes = await nodesOf(FILE, TEMPLATE);
  const [first, second] = nodes.filter((n) => n.kind === 'provisioner');
  const added = await editText(FILE, TEMPLATE, { kind: 'add-provisioner', type: 'breakpoint', after: second.range });
  assert.match(added, /inline = \["echo second"\]\n {2}\}\n\n {2}provisioner "breakpoint" \{\n {4}note = "inspect the machine"\n {2}\}\n/);
  const set = await editText(FILE, TEMPLATE, { kind: 'set-attribute', node: second.range!, name: 'inline', value: '["echo 2"]' });
  assert.equal(set, TEMPLATE.replace('["echo second"]', '["echo 2"]'));
  const swapped = await editText(FILE, TEMPLATE, { kind: 'swap', first: first.range!, second: second.range! });
  assert.ok(swapped.indexOf('echo second') < swapped.indexOf('local.banner'));
  const removed = await editText(FILE, TEMPLATE, { kind: 'remove', node: second.range! });
  assert.doesNotMatch(removed, /echo second/);

  const attrs = await host.handlers.templates.attributes({ filename: FILE, text: TEMPLATE, range: second.range! });
  assert.ok(attrs.ok);
  assert.deepEqual(attrs.value?.syntax, 'hcl');
  assert.deepEqual(attrs.value?.attributes.map((a) => [a.name, a.value]), [
    ['only', '["null.box"]'],
    ['inline', '["echo second"]'],
  ]);
});

test('a legacy JSON template is edited through the same method; its form reads JSON values', async () => {
  const file = FILE.replace(/build\.pkr\.hcl$/, 'legacy.json');
  const text = `${JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }], provisioners: [{ type: 'shell-local', inline: ['echo a'] }] }, null, 2)}\n`;
  const [shell] = (await nodesOf(file, text)).filter((n) => n.kind === 'provisioner');
  const set = await editText(file, text, { kind: 'set-attribute', node: shell.range!, name: 'inline', value: '["echo b"]' });
  assert.deepEqual(JSON.parse(set).provisioners[0].inline, ['echo b']);
  const added = await editText(file, text, { kind: 'add-provisioner', type: 'shell-local' });
  assert.deepEqual(JSON.parse(added).provisioners.map((p: { type: string }) => p.type), ['shell-local', 'shell-local']);
  const attrs = await host.handlers.templates.attributes({ filename: file, text, range: shell.range! });
  assert.ok(attrs.ok);
  assert.equal(attrs.value?.syntax, 'json');
  assert.deepEqual(attrs.value?.attributes.map((a) => [a.name, a.value]), [
    ['type', '"shell-local"'],
    ['inline', '[\n        "echo a"\n      ]'],
  ]);
});

test('what cannot be done comes back as a failure that says why', async () => {
  const nodes = await nodesOf(FILE, TEMPLATE);
  const [first] = nodes.filter((n) => n.kind === 'provisioner');
  const [pp] = nodes.filter((n) => n.kind === 'post-processor');
  const chained = await host.handlers.templates.edit({ files: [{ filename: FILE, text: TEMPLATE }], edit: { kind: 'chain-post-processor', from: pp.range!, to: pp.range! } });
  assert.equal(chained.ok, false);
  assert.match(chained.ok ? '' : chained.error.message, /cannot be chained/);
  // The block is no longer where the graph saw it: the text changed under it.
  const moved = await host.handlers.templates.edit({ files: [{ filename: FILE, text: `\n\n${TEMPLATE}` }], edit: { kind: 'remove', node: first.range! } });
  assert.equal(moved.ok, false);
  const noBuild = await host.handlers.templates.edit({ files: [{ filename: FILE, text: 'source "null" "a" {\n  communicator = "none"\n}\n' }], edit: { kind: 'add-provisioner', type: 'shell' } });
  assert.match(noBuild.ok ? '' : noBuild.error.message, /Add a build block first/);
  const hclJson = await host.handlers.templates.edit({ files: [{ filename: 'a.pkr.json', text: '{}' }], edit: { kind: 'remove', node: { ...first.range!, filename: 'a.pkr.json' } } });
  assert.match(hclJson.ok ? '' : hclJson.error.message, /HCL's JSON syntax \(\.pkr\.json\) are edited in the text/);
  const invalid = await host.call('templates.edit', { files: [{ filename: FILE, text: TEMPLATE }], edit: { kind: 'explode' } });
  assert.equal(invalid.ok ? '' : invalid.error.code, 'invalid-input');
});

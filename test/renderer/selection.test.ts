import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { createHost } from '../../core/app/host';
import type { PipelineGraph } from '../../core/contract/types';
import { followSelection } from '../../renderer/app/selection';
import { TEMPLATE, workspace } from '../app/fixtures';

const ws = workspace();
const host = createHost({ dataDir: ws.dataDir, env: {} });

async function graphOf(text: string): Promise<PipelineGraph> {
  const r = await host.handlers.templates.analyze({ root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }] });
  assert.ok(r.ok);
  return r.value.graph;
}

test('the selected provisioner stays selected when a line is added above it (its id carries its line)', async () => {
  const before = await graphOf(TEMPLATE);
  const second = before.nodes.filter((n) => n.kind === 'provisioner' && n.label === 'shell-local')[1];
  assert.ok(second);
  // As the node form does when a setting is added to the first provisioner: one more line inside an earlier block.
  const after = await graphOf(TEMPLATE.replace('inline = ["echo ${local.banner}"', 'max_retries = 2\n    inline = ["echo ${local.banner}"'));
  assert.ok(!after.nodes.some((n) => n.id === second.id), 'the id moved with the line');
  const followed = after.nodes.find((n) => n.id === followSelection(before, after, second.id));
  assert.equal(followed?.label, 'shell-local');
  assert.equal(followed?.range?.start.line, second.range!.start.line + 1);
  assert.equal(followed?.id, after.nodes.filter((n) => n.kind === 'provisioner' && n.label === 'shell-local')[1].id);
});

test('a selection whose node is still there, or that is gone for good, is kept or dropped', async () => {
  const before = await graphOf(TEMPLATE);
  const source = before.nodes.find((n) => n.kind === 'source')!;
  assert.equal(followSelection(before, before, source.id), source.id);
  assert.equal(followSelection(before, before, undefined), undefined);
  // The second provisioner removed: nothing of its kind in its place, so nothing is selected.
  const second = before.nodes.filter((n) => n.kind === 'provisioner')[1];
  const without = await graphOf(TEMPLATE.replace(/\n  provisioner "shell-local" \{\n    only[^}]*\}\n/, '\n'));
  assert.equal(without.nodes.filter((n) => n.kind === 'provisioner').length, before.nodes.filter((n) => n.kind === 'provisioner').length - 1);
  assert.equal(followSelection(before, without, second.id), undefined);
  assert.equal(followSelection(undefined, before, 'provisioner:gone:1:1'), undefined);
});

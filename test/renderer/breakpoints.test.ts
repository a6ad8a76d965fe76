/** Breakpoints on graph nodes follow their blocks as the text moves them, as the selection does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { createHost } from '../../core/app/host';
import type { PipelineGraph } from '../../core/contract/types';
import { followBreakpoints, hasBreakpoint, placeOf } from '../../renderer/stepping/stepping-actions';
import { TEMPLATE, workspace } from '../app/fixtures';

const ws = workspace();
const host = createHost({ dataDir: ws.dataDir, env: {} });

async function graphOf(text: string): Promise<PipelineGraph> {
  const r = await host.handlers.templates.analyze({ root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }] });
  assert.ok(r.ok);
  return r.value.graph;
}

test('only provisioners and post-processors take a breakpoint, at their block\'s first character', async () => {
  const graph = await graphOf(TEMPLATE);
  const source = graph.nodes.find((n) => n.kind === 'source')!;
  const prov = graph.nodes.find((n) => n.kind === 'provisioner')!;
  assert.equal(placeOf(source), undefined);
  assert.deepEqual(placeOf(prov), { kind: 'provisioner', filename: ws.templatePath, line: prov.range!.start.line, column: prov.range!.start.column });
  assert.ok(hasBreakpoint(prov, [placeOf(prov)!]));
});

test('a breakpoint moves with its block when lines are added above it, and goes when its block goes', async () => {
  const before = await graphOf(TEMPLATE);
  const [first, second] = before.nodes.filter((n) => n.kind === 'provisioner');
  const marks = [placeOf(first)!, placeOf(second)!];
  const moved = await graphOf(TEMPLATE.replace('inline = ["echo ${local.banner}"', 'max_retries = 2\n    inline = ["echo ${local.banner}"'));
  const followed = followBreakpoints(before, moved, marks);
  assert.deepEqual(followed, [marks[0], { ...marks[1], line: marks[1].line + 1 }]);
  const without = await graphOf(TEMPLATE.replace(/\n  provisioner "shell-local" \{\n    only[^}]*\}\n/, '\n'));
  assert.deepEqual(followBreakpoints(before, without, marks), [marks[0]]);
});

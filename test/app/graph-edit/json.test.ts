import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHost } from '../../../core/app/host';
import type { GraphNode, Range, TextEdit } from '../../../core/contract/types';
import { chainJsonPostProcessor, deleteJsonObject, insertJsonProvisioner, jsonAttributes, setJsonAttribute, splitJsonPostProcessorChain, swapJsonObjects } from '../../../core/app/graph-edit/json';
import { applyEdits } from '../../../core/app/graph-edit/text';
import { workspace } from '../fixtures';

// A real legacy JSON template (the Docker benchmark's seed: two shells, a file, a docker-tag → manifest chain).
const FILE = join(__dirname, '../../../bench/fixtures/docker-seed/seed.json');
const SEED = readFileSync(FILE, 'utf8');
const host = createHost({ dataDir: workspace().dataDir, env: {} });

/** The graph's nodes for a text, as the app gets them: their ranges are what the edits work from. */
async function nodesOf(text: string): Promise<GraphNode[]> {
  const r = await host.handlers.templates.analyze({ root: dirname(FILE), files: [{ filename: FILE, text }] });
  assert.ok(r.ok);
  assert.deepEqual(r.value.diagnostics.filter((d) => d.severity === 'error'), [], 'the template stays valid');
  return r.value.graph.nodes;
}

const rangeOf = (nodes: GraphNode[], kind: string, label: string, index = 0): Range => nodes.filter((n) => n.kind === kind && n.label === label)[index].range!;
const apply = (text: string, e: TextEdit | undefined) => {
  assert.ok(e, 'an edit was made');
  return applyEdits(text, [e]);
};
const parsed = (text: string) => JSON.parse(text) as { provisioners: Array<Record<string, unknown>>; 'post-processors': unknown[] };

test('a form edit changes one value of a JSON template in place; the rest of the text is untouched', async () => {
  const file = rangeOf(await nodesOf(SEED), 'provisioner', 'file');
  const changed = apply(SEED, setJsonAttribute(SEED, file, 'destination', '/srv/made-by'));
  assert.equal(changed, SEED.replace('"destination": "/srv/built-by"', '"destination": "/srv/made-by"'));
  // A setting not written yet is added inside the object, indented like its neighbours; removing it restores the text.
  const file2 = rangeOf(await nodesOf(changed), 'provisioner', 'file');
  const retried = apply(changed, setJsonAttribute(changed, file2, 'max_retries', 2));
  assert.equal(parsed(retried).provisioners[1].max_retries, 2);
  assert.match(retried, /\n {6}"max_retries": 2\n/);
  const back = apply(retried, setJsonAttribute(retried, rangeOf(await nodesOf(retried), 'provisioner', 'file'), 'max_retries', undefined));
  assert.equal(back, changed);
  assert.deepEqual(
    jsonAttributes(SEED, file)?.map((a) => [a.name, a.value]),
    [
      ['type', '"file"'],
      ['source', '"built-by.txt"'],
      ['destination', '"/srv/built-by"'],
    ],
  );
});

test('provisioners are added, removed and reordered in the JSON array, commas and all', async () => {
  const nodes = await nodesOf(SEED);
  const added = apply(SEED, insertJsonProvisioner(SEED, rangeOf(nodes, 'provisioner', 'shell', 0), { type: 'shell-local', inline: ['echo done'] }));
  assert.deepEqual(parsed(added).provisioners.map((p) => p.type), ['shell', 'shell-local', 'file', 'shell']);
  await nodesOf(added);
  const last = apply(SEED, insertJsonProvisioner(SEED, undefined, { type: 'breakpoint' }));
  assert.deepEqual(parsed(last).provisioners.map((p) => p.type), ['shell', 'file', 'shell', 'breakpoint']);

  const removed = apply(SEED, deleteJsonObject(SEED, rangeOf(nodes, 'provisioner', 'file')));
  assert.deepEqual(parsed(removed).provisioners.map((p) => p.type), ['shell', 'shell']);
  await nodesOf(removed);

  const swapped = apply(SEED, swapJsonObjects(SEED, rangeOf(nodes, 'provisioner', 'shell', 0), rangeOf(nodes, 'provisioner', 'file')));
  assert.deepEqual(parsed(swapped).provisioners.map((p) => p.type), ['file', 'shell', 'shell']);
  assert.equal(swapped.length, SEED.length);
  await nodesOf(swapped);

  const none = '{\n  "builders": [{ "type": "null", "communicator": "none" }]\n}\n';
  assert.deepEqual(parsed(apply(none, insertJsonProvisioner(none, undefined, { type: 'shell-local', inline: ['echo done'] }))).provisioners, [{ type: 'shell-local', inline: ['echo done'] }]);
});

test('post-processor chains in JSON are split and joined again from the graph', async () => {
  const nodes = await nodesOf(SEED);
  const split = apply(SEED, splitJsonPostProcessorChain(SEED, rangeOf(nodes, 'post-processor', 'docker-tag'), rangeOf(nodes, 'post-processor', 'manifest')));
  const pp = parsed(split)['post-processors'] as Array<Record<string, unknown>>;
  assert.deepEqual(pp.map((p) => p.type), ['docker-tag', 'manifest'], 'two standalone post-processors');
  const splitNodes = await nodesOf(split);
  assert.equal(splitJsonPostProcessorChain(split, rangeOf(splitNodes, 'post-processor', 'docker-tag'), rangeOf(splitNodes, 'post-processor', 'manifest')), undefined, 'nothing left to split');

  const joined = apply(split, chainJsonPostProcessor(split, rangeOf(splitNodes, 'post-processor', 'docker-tag'), rangeOf(splitNodes, 'post-processor', 'manifest')));
  assert.deepEqual(parsed(joined)['post-processors'], parsed(SEED)['post-processors']);
  const joinedNodes = await nodesOf(joined);
  assert.equal(chainJsonPostProcessor(joined, rangeOf(joinedNodes, 'post-processor', 'docker-tag'), rangeOf(joinedNodes, 'post-processor', 'manifest')), undefined, 'already chained');
  // The other way round: the tag joins after the manifest.
  const reversed = apply(split, chainJsonPostProcessor(split, rangeOf(splitNodes, 'post-processor', 'manifest'), rangeOf(splitNodes, 'post-processor', 'docker-tag')));
  assert.deepEqual((parsed(reversed)['post-processors'] as Array<Array<Record<string, unknown>>>)[0].map((p) => p.type), ['manifest', 'docker-tag']);
});

test('a post-processor written as just its type name is chained, split and removed like the others', async () => {
  const text = `${JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }], 'post-processors': ['checksum', [{ type: 'manifest' }, 'compress']] }, null, 2)}\n`;
  const nodes = await nodesOf(text);
  const chained = apply(text, chainJsonPostProcessor(text, rangeOf(nodes, 'post-processor', 'compress'), rangeOf(nodes, 'post-processor', 'checksum')));
  assert.deepEqual(parsed(chained)['post-processors'], [[{ type: 'manifest' }, 'compress', 'checksum']]);
  const chainedNodes = await nodesOf(chained);
  const split = apply(chained, splitJsonPostProcessorChain(chained, rangeOf(chainedNodes, 'post-processor', 'manifest'), rangeOf(chainedNodes, 'post-processor', 'compress')));
  assert.deepEqual(parsed(split)['post-processors'], [{ type: 'manifest' }, ['compress', 'checksum']]);
  const removed = apply(text, deleteJsonObject(text, rangeOf(nodes, 'post-processor', 'checksum')));
  assert.deepEqual(parsed(removed)['post-processors'], [[{ type: 'manifest' }, 'compress']]);
  // A type name has no settings to edit: its form says so rather than writing into a string.
  assert.equal(jsonAttributes(text, rangeOf(nodes, 'post-processor', 'checksum')), undefined);
  assert.equal(setJsonAttribute(text, rangeOf(nodes, 'post-processor', 'checksum'), 'output', 'x'), undefined);
});

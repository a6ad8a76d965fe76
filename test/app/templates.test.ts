import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { createHost } from '../../core/app/host';
import { positionOf, TEMPLATE, workspace } from './fixtures';

test('open reads every file of the template and remembers it among recent files', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const r = await host.handlers.templates.open({ path: ws.templatePath });
  assert.ok(r.ok);
  assert.equal(r.value.format, 'hcl2');
  assert.equal(r.value.root, dirname(ws.templatePath));
  assert.deepEqual(r.value.files, [{ filename: ws.templatePath, text: TEMPLATE }]);
  const recent = await host.handlers.workspace.recentFiles({});
  assert.deepEqual(recent, { ok: true, value: [ws.templatePath] });
});

test('open of a missing path fails with not-found and says which path', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const r = await host.handlers.templates.open({ path: `${ws.dir}/nope.pkr.hcl` });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.error.code === 'not-found' && r.error.message.includes('nope.pkr.hcl'));
});

test('invalid input is refused once, by the host, with the field named', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const r = await host.call('templates.open', { path: 42 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'invalid-input');
  assert.equal(r.error.field, 'path');
  const unknown = await host.call('templates.delete', {});
  assert.ok(!unknown.ok && unknown.error.code === 'not-found');
  const extra = await host.call('builds.listRuns', { all: true });
  assert.ok(!extra.ok && extra.error.code === 'invalid-input');
});

test('save writes the text and format lays it out as packer fmt does', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const formatted = await host.handlers.templates.format({ filename: ws.templatePath, text: 'a   =  1\nbb = 2\n' });
  assert.deepEqual(formatted, { ok: true, value: { text: 'a  = 1\nbb = 2\n', changed: true } });
  const broken = await host.handlers.templates.format({ filename: ws.templatePath, text: 'a = {\n' });
  assert.ok(!broken.ok && broken.error.code === 'template' && broken.error.message.includes('.pkr.hcl:2,1: Missing expression'));
  const saved = await host.handlers.templates.save({ filename: ws.templatePath, text: 'a = 1\n' });
  assert.ok(saved.ok);
  assert.equal(readFileSync(ws.templatePath, 'utf8'), 'a = 1\n');
});

test('analyze returns problems with their place, the planned builds and the pipeline graph', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const text = TEMPLATE.replace('inline = ["echo second"]', 'inline = ["echo second"]\n    bogus = 1');
  const r = await host.handlers.templates.analyze({ root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }] });
  assert.ok(r.ok);
  const a = r.value;
  const bogus = a.diagnostics.find((d) => d.summary.includes('Unsupported argument'));
  assert.ok(bogus, JSON.stringify(a.diagnostics));
  assert.equal(bogus.range?.start.line, positionOf(text, 'bogus').line);
  const kinds = a.graph.nodes.map((n) => `${n.kind}:${n.label}`);
  assert.deepEqual(kinds, ['source:null.box', 'source:null.other', 'provisioner:shell-local', 'provisioner:shell-local', 'post-processor:shell-local']);
  const [, , first, second, post] = a.graph.nodes;
  assert.deepEqual(first.appliesTo, ['null.box', 'null.other']);
  assert.deepEqual(second.appliesTo, ['null.box']);
  assert.equal(second.diagnostics.length, 1, 'the unsupported argument belongs to the second provisioner');
  assert.equal(first.diagnostics.length, 0);
  assert.equal(second.range?.start.line, positionOf(text, 'provisioner "shell-local" {\n    only').line);
  assert.equal(a.graph.edges.length, 5);
  assert.ok(a.graph.edges.some((e) => e.from === 'source:null.other' && e.to === first.id));
  assert.ok(a.graph.edges.some((e) => e.from === first.id && e.to === post.id), 'null.other skips the second provisioner');
});

test('a data source is a node of the graph, laid out first, with the problems inside its block', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const text = `data "http" "version" {\n  url = "http://127.0.0.1:9/never-requested"\n  method = "FETCH"\n}\n${TEMPLATE}`;
  const r = await host.handlers.templates.analyze({ root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }] });
  assert.ok(r.ok);
  const [data, ...rest] = r.value.graph.nodes;
  assert.deepEqual([data.id, data.kind, data.type, data.label], ['data:http.version', 'data', 'http', 'http.version']);
  assert.deepEqual(rest.map((n) => n.kind), ['source', 'source', 'provisioner', 'provisioner', 'post-processor']);
  assert.deepEqual([data.range?.start.line, data.range?.end.line], [1, 4]);
  assert.deepEqual(data.diagnostics.map((d) => d.summary), ['the `method` must be one of [HEAD GET POST PUT DELETE OPTIONS PATCH]']);
});

test('analyze lists builds and variables, and never hands out a sensitive value', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const text = TEMPLATE.replace('communicator = "none"', 'communicator = "none"\n  bad = var.password');
  const r = await host.handlers.templates.analyze({ root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }], vars: [['greeting', 'hi']] });
  assert.ok(r.ok);
  assert.deepEqual(r.value.builds, ['null.box', 'null.other']);
  const greeting = r.value.variables.find((v) => v.name === 'greeting');
  assert.deepEqual(greeting, { name: 'greeting', type: 'string', description: 'What the build says.', sensitive: false, hasDefault: true, value: 'hi' });
  const password = r.value.variables.find((v) => v.name === 'password');
  assert.equal(password?.sensitive, true);
  assert.equal(password?.value, '<sensitive>');
  assert.ok(!JSON.stringify(r.value).includes('hunter2-secret'));
});

test('diagnostics answers the same problems, builds and variables as analyze, without the graph, and hides secrets too', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const text = TEMPLATE.replace('communicator = "none"', 'communicator = "none"\n  bad = var.password');
  const input = { root: dirname(ws.templatePath), files: [{ filename: ws.templatePath, text }], vars: [['greeting', 'hi']] as Array<[string, string]> };
  const d = await host.call('templates.diagnostics', input);
  assert.ok(d.ok, JSON.stringify(d));
  assert.ok(!('graph' in (d.value as object)));
  assert.ok(!JSON.stringify(d.value).includes('hunter2-secret'));
  // The graph asked for next, for the same text, comes from the same load: the same answer as a fresh analyze.
  const full = await host.handlers.templates.analyze(input);
  const fresh = await createHost({ dataDir: ws.dataDir, env: {} }).handlers.templates.analyze(input);
  assert.ok(full.ok && fresh.ok);
  assert.deepEqual(full.value, fresh.value);
  const { graph, ...rest } = full.value;
  assert.deepEqual(d.value, rest);
  assert.ok(graph.nodes.length > 0);
  // A changed text is loaded again, not answered from the last load.
  const fixed = await host.handlers.templates.diagnostics({ ...input, files: [{ filename: ws.templatePath, text: TEMPLATE }] });
  assert.ok(fixed.ok);
  assert.ok(d.value && (d.value as { diagnostics: unknown[] }).diagnostics.length > fixed.value.diagnostics.length);
  const bad = await host.call('templates.diagnostics', { root: ws.dir, files: [] });
  assert.ok(!bad.ok && bad.error.code === 'invalid-input');
});

test('a relative path is read from the working directory, else from the app folder (the bundled examples)', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {}, cwd: dirname(ws.templatePath), appRoot: process.cwd() });
  const local = await host.handlers.templates.open({ path: 'build.pkr.hcl' });
  assert.ok(local.ok);
  assert.equal(local.value.path, ws.templatePath);
  const example = await host.handlers.templates.open({ path: 'resources/examples/docker-debian' });
  assert.ok(example.ok, JSON.stringify(example));
  // The bundled example opens as the user's own copy in the data folder: the app's folder may be read-only.
  assert.equal(example.value.root, `${ws.dataDir}/examples/docker-debian`);
  assert.equal(readFileSync(example.value.files[0].filename, 'utf8'), readFileSync(`${process.cwd()}/resources/examples/docker-debian/debian.pkr.hcl`, 'utf8'));
  // Opened again, it is the same copy, edits kept.
  const edited = `# mine\n${example.value.files[0].text}`;
  assert.ok((await host.handlers.templates.save({ filename: example.value.files[0].filename, text: edited })).ok);
  const again = await host.handlers.templates.open({ path: 'resources/examples/docker-debian' });
  assert.ok(again.ok && again.value.files[0].text === edited);
  const missing = await host.handlers.templates.open({ path: 'resources/examples/none' });
  assert.ok(!missing.ok && missing.error.message.includes(dirname(ws.templatePath)), 'a miss names the working directory');
});

test('a legacy JSON template has the same graph: builders, provisioners with only, post-processor chains', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const text = JSON.stringify(
    {
      builders: [{ type: 'null', communicator: 'none', bogus: 1 }, { type: 'null', name: 'two', communicator: 'none' }],
      provisioners: [{ type: 'shell-local', inline: ['echo'], only: ['two'] }],
      'post-processors': [[{ type: 'manifest' }, { type: 'checksum' }]],
    },
    null,
    2,
  );
  const r = await host.handlers.templates.analyze({ root: ws.dir, files: [{ filename: `${ws.dir}/t.json`, text }] });
  assert.ok(r.ok);
  assert.deepEqual(r.value.builds, ['null', 'two']);
  assert.deepEqual(r.value.graph.nodes.map((n) => [n.kind, n.label, n.appliesTo ?? null, n.diagnostics.length]), [
    ['source', 'null.null', null, 1],
    ['source', 'null.two', null, 0],
    ['provisioner', 'shell-local', ['two'], 0],
    ['post-processor', 'manifest', ['null', 'two'], 0],
    ['post-processor', 'checksum', ['null', 'two'], 0],
  ]);
  assert.equal(r.value.graph.edges.length, 4);
});

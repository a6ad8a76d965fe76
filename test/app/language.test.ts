import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHost } from '../../core/app/host';
import { positionOf, TEMPLATE } from './fixtures';

const FILE = '/tpl/build.pkr.hcl';
const host = createHost({ dataDir: '/nonexistent-bakehouse-test', env: {} });

async function completeAt(text: string, needle: string, shift: number) {
  const r = await host.handlers.templates.completions({ root: '/tpl', files: [{ filename: FILE, text }], position: { filename: FILE, ...positionOf(text, needle, shift) } });
  assert.ok(r.ok);
  return r.value;
}

test('at the top level the block types are offered', async () => {
  const text = `${TEMPLATE}\nsou`;
  const items = await completeAt(text, '\nsou', 4);
  assert.deepEqual(items.map((i) => i.label).sort(), ['build', 'data', 'local', 'locals', 'packer', 'source', 'variable']);
});

test('in a source label the builder types are offered with their descriptions', async () => {
  const text = 'source "do';
  const items = await completeAt(text, '"do', 3);
  const docker = items.find((i) => i.label === 'docker');
  assert.equal(docker?.kind, 'component');
  assert.ok(docker?.documentation);
  assert.ok(items.some((i) => i.label === 'null'));
  assert.ok(!items.some((i) => i.label === 'shell'), 'provisioners are not builders');
  const prov = await completeAt('build {\n  provisioner "', 'provisioner "', 13);
  assert.ok(prov.some((i) => i.label === 'shell-local'));
  assert.ok(!prov.some((i) => i.label === 'docker'));
});

test('inside a component block its fields are offered with type and description', async () => {
  const text = TEMPLATE.replace('    only   = ["null.box"]\n', '    only   = ["null.box"]\n    inl\n');
  const items = await completeAt(text, '    inl\n', 7);
  const inline = items.find((i) => i.label === 'inline');
  assert.ok(inline, items.map((i) => i.label).join(','));
  assert.equal(inline.kind, 'field');
  assert.equal(inline.detail?.startsWith('list(string)'), true);
  assert.ok(inline.documentation && inline.documentation.length > 0);
  assert.ok(items.some((i) => i.label === 'pause_before'), 'common provisioner settings too');
  const source = await completeAt(TEMPLATE, '  communicator', 2);
  assert.ok(source.some((i) => i.label === 'communicator'));
  const build = await completeAt(TEMPLATE, '  sources', 2);
  assert.ok(build.some((i) => i.label === 'provisioner' && i.kind === 'block'));
});

test('in a value: functions with signatures, and var./local. names after their prefix', async () => {
  const text = TEMPLATE.replace('communicator = "none"', 'communicator = up');
  const items = await completeAt(text, '= up', 4);
  const upper = items.find((i) => i.label === 'upper');
  assert.equal(upper?.detail, 'upper(str)');
  assert.equal(upper?.insertText, 'upper(');
  assert.ok(items.some((i) => i.label === 'var.greeting'));
  const vars = await completeAt(TEMPLATE.replace('communicator = "none"', 'communicator = var.'), '= var.', 6);
  assert.deepEqual(vars.map((i) => i.label), ['greeting', 'password']);
  assert.equal(vars[0].documentation, 'What the build says.');
  const interp = await completeAt(TEMPLATE, '${local.', 8);
  assert.deepEqual(interp.map((i) => i.label), ['banner']);
  assert.deepEqual(await completeAt('# var.', 'var.', 4), [], 'nothing inside a comment');
  const direction = await completeAt('build {\n  provisioner "file" {\n    direction = "', 'direction = "', 13);
  assert.deepEqual(direction.map((i) => i.label), ['upload', 'download']);
});

test('hover explains fields, variables and functions; a sensitive default is not shown', async () => {
  const at = async (text: string, needle: string, shift = 1) => {
    const r = await host.handlers.templates.hover({ root: '/tpl', files: [{ filename: FILE, text }], position: { filename: FILE, ...positionOf(text, needle, shift) } });
    assert.ok(r.ok);
    return r.value;
  };
  const field = await at(TEMPLATE, 'inline');
  assert.match(field?.markdown ?? '', /^\*\*inline\*\* \(list\(string\)/);
  const variable = await at(TEMPLATE, 'var.greeting}', 5);
  assert.equal(variable?.markdown, '**var.greeting** (string)\n\nWhat the build says.\n\nDefault: `"hello"`');
  assert.equal(variable?.range?.start.column, positionOf(TEMPLATE, 'var.greeting}').column);
  const secret = await at(TEMPLATE, 'var.password', 5);
  assert.ok(secret && !secret.markdown.includes('hunter2') && secret.markdown.includes('<sensitive>'));
  const fn = await at('x = upper("a")', 'upper');
  assert.match(fn?.markdown ?? '', /upper\(str\)/);
  const builder = await at(TEMPLATE, '"null" "box"', 2);
  assert.match(builder?.markdown ?? '', /^\*\*null\*\* \(builder\)/);
  assert.equal(await at(TEMPLATE, '"hello"', 2), null);
  const source = await at(TEMPLATE, 'source.null.box', 8);
  assert.match(source?.markdown ?? '', /^\*\*source\.null\.box\*\*/);
});

test('definition of var.X and local.X is where they are declared', async () => {
  const at = async (needle: string, shift: number) => {
    const r = await host.handlers.templates.definition({ root: '/tpl', files: [{ filename: FILE, text: TEMPLATE }], position: { filename: FILE, ...positionOf(TEMPLATE, needle, shift) } });
    assert.ok(r.ok);
    return r.value;
  };
  const v = await at('var.password}', 6);
  assert.equal(v?.start.line, positionOf(TEMPLATE, 'variable "password"').line);
  assert.equal(v?.filename, FILE);
  const l = await at('local.banner', 7);
  assert.equal(l?.start.line, positionOf(TEMPLATE, 'banner =').line);
  assert.equal(await at('communicator', 2), null);
  const source = await at('source.null.other"', 9);
  assert.equal(source?.start.line, positionOf(TEMPLATE, 'source "null" "other"').line);
});

test('legacy JSON templates: sections, component types, fields of the object\'s type, and hover on keys', async () => {
  const file = '/tpl/template.json';
  const run = async (method: 'completions' | 'hover', text: string, needle: string, shift: number) => {
    const r = await host.handlers.templates[method]({ root: '/tpl', files: [{ filename: file, text }], position: { filename: file, ...positionOf(text, needle, shift) } });
    assert.ok(r.ok);
    return r.value;
  };
  const top = (await run('completions', '{\n  "bu', '"bu', 3)) as Array<{ label: string }>;
  assert.ok(top.some((i) => i.label === 'builders') && top.some((i) => i.label === 'post-processors'));
  const types = (await run('completions', '{"provisioners": [{"type": "sh', '"sh', 3)) as Array<{ label: string }>;
  assert.ok(types.some((i) => i.label === 'shell-local'));
  assert.ok(!types.some((i) => i.label === 'docker'));
  const text = '{"builders": [{"name": "x", "", "type": "docker"}]}';
  const fields = (await run('completions', text, '""', 1)) as Array<{ label: string; detail?: string }>;
  assert.ok(fields.some((i) => i.label === 'image'), 'the type written after the cursor counts too');
  assert.ok(fields.some((i) => i.label === 'name'));
  const chained = (await run('completions', '{"post-processors": [[{"type": "compress"}, {"type": "checksum", "c', '"checksum", "c', 13)) as Array<{ label: string }>;
  assert.ok(chained.some((i) => i.label === 'checksum_types'));
  const hovered = await run('hover', '{"provisioners": [{"type": "shell-local", "inline": []}]}', '"inline"', 2);
  assert.match((hovered as { markdown: string } | null)?.markdown ?? '', /^\*\*inline\*\*/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonStringAsExpression, parseHclJson } from '../../../core/template/hcl/json-syntax';
import { content } from '../../../core/template/hcl/body';
import type { Range } from '../../../core/template/source';

function shape(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (k, v) => (/^(range|nameRange)$/.test(k) ? undefined : v)));
}
function at(r: Range | undefined): string {
  return r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : '?';
}
const lit = (value: string) => ({ kind: 'literal', value });

const template = `{
  "//": "a comment, ignored",
  "variable": {
    "region": { "type": "string", "default": "eu-west-1" }
  },
  "source": {
    "docker": {
      "ubuntu": { "image": "ubuntu:\${var.tag}", "commit": true, "ports": [80, 443], "env": { "A": "\${upper(var.a)}" }, "none": null }
    }
  },
  "build": [
    { "sources": ["source.docker.ubuntu"] },
    { "name": "second" }
  ]
}
`;

test('json: every property is an attribute until a schema says otherwise; "//" is a comment', () => {
  const f = parseHclJson(template, 't.pkr.json');
  assert.deepEqual(f.diagnostics, []);
  assert.equal(f.body.syntax, 'json');
  assert.deepEqual(f.body.attributes.map((a) => a.name), ['variable', 'source', 'build']);
  assert.equal(at(f.body.attributes[0].nameRange), '3:3-3:13');
});

test('json: values become expressions; strings are templates so interpolation works', () => {
  const f = parseHclJson(template, 't.pkr.json');
  const c = content(f.body, { attributes: [], blocks: [{ type: 'source', labelNames: ['type', 'name'] }, { type: 'variable', labelNames: ['name'] }, { type: 'build', labelNames: [] }] });
  assert.deepEqual(c.diagnostics, []);
  const src = c.blocks.find((b) => b.type === 'source');
  assert.ok(src);
  const attrs = Object.fromEntries(src.body.attributes.map((a) => [a.name, shape(a.expr)]));
  assert.deepEqual(attrs.image, {
    kind: 'template',
    parts: [lit('ubuntu:'), { kind: 'interp', expr: { kind: 'getattr', object: { kind: 'variable', name: 'var' }, name: 'tag' } }],
  });
  assert.deepEqual(attrs.commit, { kind: 'literal', value: true });
  assert.deepEqual(attrs.ports, { kind: 'tuple', items: [{ kind: 'literal', value: 80 }, { kind: 'literal', value: 443 }] });
  assert.deepEqual(attrs.none, { kind: 'literal', value: null });
  assert.deepEqual(attrs.env, {
    kind: 'object',
    items: [{
      key: { kind: 'template', parts: [lit('A')] }, bareKey: false,
      value: { kind: 'template', parts: [{ kind: 'interp', expr: { kind: 'call', name: 'upper', args: [{ kind: 'getattr', object: { kind: 'variable', name: 'var' }, name: 'a' }], expandFinal: false } }] },
    }],
  });
});

test('json: interpolation positions point inside the JSON string', () => {
  const f = parseHclJson('{\n  "a": "x ${var.y}"\n}', 't.pkr.json');
  const a = f.body.attributes[0];
  assert.equal(at(a.expr.range), '2:8-2:20');
  assert.ok(a.expr.kind === 'template' && a.expr.parts[1].kind === 'interp');
  assert.equal(at(a.expr.parts[1].expr.range), '2:13-2:18');
});

test('json: blocks nest one object level per label; arrays repeat blocks', () => {
  const f = parseHclJson(template, 't.pkr.json');
  const c = content(f.body, { attributes: [], blocks: [{ type: 'source', labelNames: ['type', 'name'] }, { type: 'variable', labelNames: ['name'] }, { type: 'build', labelNames: [] }] });
  assert.deepEqual(c.blocks.map((b) => [b.type, b.labels, b.body.attributes.map((a) => a.name)]), [
    ['variable', ['region'], ['type', 'default']],
    ['source', ['docker', 'ubuntu'], ['image', 'commit', 'ports', 'env', 'none']],
    ['build', [], ['sources']],
    ['build', [], ['name']],
  ]);
  const src = c.blocks[1];
  assert.equal(at(src.typeRange), '6:3-6:11');
  assert.deepEqual(src.labelRanges.map(at), ['7:5-7:13', '8:7-8:15']);
  assert.equal(at(src.openBraceRange), '8:17-8:18');
});

test('json: syntax errors are reported with positions', () => {
  const f = parseHclJson('{\n  "a": 1,\n  "b" 2\n}', 't.pkr.json');
  assert.ok(f.diagnostics.length > 0);
  assert.equal(f.diagnostics[0].summary, 'Missing property value colon');
  assert.equal(f.diagnostics[0].range?.start.line, 3);
  assert.deepEqual(f.body.attributes.map((a) => a.name).slice(0, 1), ['a']);
  const root = parseHclJson('[1]', 'x.pkr.json');
  assert.equal(root.diagnostics[0].summary, 'Root value must be object');
});

test('json: template errors inside strings are reported at the string', () => {
  const f = parseHclJson('{\n  "a": "${"\n}', 't.pkr.json');
  assert.ok(f.diagnostics.length > 0);
  assert.equal(f.diagnostics[0].range?.start.line, 2);
  const ok = parseHclJson('{"a": "$${literal} 100%"}', 't.pkr.json');
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(shape(ok.body.attributes[0].expr), { kind: 'template', parts: [lit('${literal} 100%')] });
});

test('json: a string can be read as a static expression where HCL wants one (e.g. a variable type)', () => {
  const f = parseHclJson('{ "type": "list(string)", "n": 1 }', 't.pkr.json');
  const r = jsonStringAsExpression(f.body.attributes[0].expr);
  assert.ok(r);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(shape(r.expr), { kind: 'call', name: 'list', args: [{ kind: 'variable', name: 'string' }], expandFinal: false });
  assert.equal(at(r.expr.range), '1:12-1:24');
  assert.equal(jsonStringAsExpression(f.body.attributes[1].expr), undefined);
});

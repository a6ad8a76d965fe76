import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl, parseHclExpression, parseHclTemplate } from '../../../core/template/hcl/parser';
import type { Expr, HclFile } from '../../../core/template/hcl/ast';
import type { Range } from '../../../core/template/source';

/** The tree without ranges, so shapes can be compared literally. */
function shape(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (k, v) => (/^(range|nameRange|typeRange|labelRanges|openBraceRange|closeBraceRange)$/.test(k) ? undefined : v)));
}

function expr(src: string): unknown {
  const { expr: e, diagnostics } = parseHclExpression(src, 'e.hcl');
  assert.deepEqual(diagnostics, [], `diagnostics for ${src}`);
  return shape(e);
}

function attr(file: HclFile, name: string): Expr {
  const a = file.body.attributes.find((x) => x.name === name);
  assert.ok(a, `attribute ${name}`);
  return a.expr;
}

/** `line:col-line:col` */
function at(r: Range | undefined): string {
  return r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : '?';
}

const v = (name: string) => ({ kind: 'variable', name });
const n = (value: number) => ({ kind: 'literal', value });
const lit = (value: string) => ({ kind: 'literal', value });

test('parser: attributes and blocks with quoted and bare labels, nested and one-line blocks', () => {
  const f = parseHcl('region = "eu"\n\nsource "docker" ubuntu {\n  image = "x"\n  inner { a = 1 }\n  empty {}\n}\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(shape(f.body.attributes), [{ name: 'region', expr: { kind: 'template', parts: [lit('eu')] } }]);
  const [src] = f.body.blocks;
  assert.equal(src.type, 'source');
  assert.deepEqual(src.labels, ['docker', 'ubuntu']);
  assert.deepEqual(src.labelRanges.map(at), ['3:8-3:16', '3:17-3:23']);
  assert.equal(at(src.typeRange), '3:1-3:7');
  assert.equal(at(src.openBraceRange), '3:24-3:25');
  assert.equal(at(src.closeBraceRange), '7:1-7:2');
  assert.equal(at(src.range), '3:1-7:2');
  assert.deepEqual(src.body.blocks.map((b) => [b.type, b.body.attributes.map((a) => a.name)]), [['inner', ['a']], ['empty', []]]);
  const image = src.body.attributes[0];
  assert.equal(at(image.nameRange), '4:3-4:8');
  assert.equal(at(image.range), '4:3-4:14');
  assert.equal(at(image.expr.range), '4:11-4:14');
  assert.equal(at(f.body.range), '1:1-8:1');
});

test('parser: operator precedence follows HCL (unary, * / %, + -, comparisons, equality, &&, ||, ?:)', () => {
  assert.deepEqual(expr('1 + 2 * 3'), { kind: 'binary', op: '+', left: n(1), right: { kind: 'binary', op: '*', left: n(2), right: n(3) } });
  assert.deepEqual(expr('1 - 2 - 3'), { kind: 'binary', op: '-', left: { kind: 'binary', op: '-', left: n(1), right: n(2) }, right: n(3) });
  assert.deepEqual(expr('-a.b + 1'), { kind: 'binary', op: '+', left: { kind: 'unary', op: '-', operand: { kind: 'getattr', object: v('a'), name: 'b' } }, right: n(1) });
  assert.deepEqual(expr('!a == b'), { kind: 'binary', op: '==', left: { kind: 'unary', op: '!', operand: v('a') }, right: v('b') });
  assert.deepEqual(expr('a || b && c'), { kind: 'binary', op: '||', left: v('a'), right: { kind: 'binary', op: '&&', left: v('b'), right: v('c') } });
  assert.deepEqual(expr('a < b == c >= d'), { kind: 'binary', op: '==', left: { kind: 'binary', op: '<', left: v('a'), right: v('b') }, right: { kind: 'binary', op: '>=', left: v('c'), right: v('d') } });
  assert.deepEqual(expr('a % 2 != 0 ? x : y ? 1 : 2'), {
    kind: 'conditional',
    cond: { kind: 'binary', op: '!=', left: { kind: 'binary', op: '%', left: v('a'), right: n(2) }, right: n(0) },
    then: v('x'),
    else: { kind: 'conditional', cond: v('y'), then: n(1), else: n(2) },
  });
  assert.deepEqual(expr('(1 + 2) * 3'), { kind: 'binary', op: '*', left: { kind: 'parens', expr: { kind: 'binary', op: '+', left: n(1), right: n(2) } }, right: n(3) });
});

test('parser: literals, numbers with exponents, true/false/null', () => {
  assert.deepEqual(expr('[1.5, 1e3, 2.5E-2, true, false, null]'), { kind: 'tuple', items: [n(1.5), n(1000), n(0.025), { kind: 'literal', value: true }, { kind: 'literal', value: false }, { kind: 'literal', value: null }] });
});

test('parser: traversals, index, legacy index and splats relative to anon', () => {
  assert.deepEqual(expr('var.list[0]["k"]'), {
    kind: 'index',
    object: { kind: 'index', object: { kind: 'getattr', object: v('var'), name: 'list' }, key: n(0) },
    key: { kind: 'template', parts: [lit('k')] },
  });
  assert.deepEqual(expr('a.0.b'), { kind: 'getattr', object: { kind: 'getattr', object: v('a'), name: '0' }, name: 'b' });
  assert.deepEqual(expr('a[*].b[0]'), {
    kind: 'splat', full: true, source: v('a'),
    each: { kind: 'index', object: { kind: 'getattr', object: { kind: 'anon' }, name: 'b' }, key: n(0) },
  });
  assert.deepEqual(expr('a.*.b.c'), {
    kind: 'splat', full: false, source: v('a'),
    each: { kind: 'getattr', object: { kind: 'getattr', object: { kind: 'anon' }, name: 'b' }, name: 'c' },
  });
  assert.deepEqual(expr('a[*]'), { kind: 'splat', full: true, source: v('a'), each: { kind: 'anon' } });
  const { expr: e } = parseHclExpression('aws.x[*].id', 'e.hcl');
  assert.equal(at(e.range), '1:1-1:12');
  assert.ok(e.kind === 'splat');
  assert.equal(at(e.each.range), '1:6-1:12');
});

test('parser: function calls with expansion, trailing commas and newlines inside', () => {
  assert.deepEqual(expr('f(a, b...)'), { kind: 'call', name: 'f', args: [v('a'), v('b')], expandFinal: true });
  assert.deepEqual(expr('concat(\n  [1],\n  [2],\n)'), { kind: 'call', name: 'concat', args: [{ kind: 'tuple', items: [n(1)] }, { kind: 'tuple', items: [n(2)] }], expandFinal: false });
  const { expr: e } = parseHclExpression('upper("x")', 'e.hcl');
  assert.ok(e.kind === 'call');
  assert.equal(at(e.nameRange), '1:1-1:6');
  assert.equal(at(e.range), '1:1-1:11');
});

test('parser: object constructors: bare keys, quoted keys, (expr) keys, = or :, commas or newlines', () => {
  const f = parseHcl('o = {\n  a = 1\n  "b" : 2, c = 3\n  (d) = 4\n  e.f = 5\n}\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  const o = attr(f, 'o');
  assert.deepEqual(shape(o), {
    kind: 'object',
    items: [
      { key: { kind: 'template', parts: [lit('a')] }, bareKey: true, value: n(1) },
      { key: { kind: 'template', parts: [lit('b')] }, bareKey: false, value: n(2) },
      { key: { kind: 'template', parts: [lit('c')] }, bareKey: true, value: n(3) },
      { key: { kind: 'parens', expr: v('d') }, bareKey: false, value: n(4) },
      { key: { kind: 'getattr', object: v('e'), name: 'f' }, bareKey: false, value: n(5) },
    ],
  });
  assert.ok(o.kind === 'object');
  assert.equal(at(o.items[0].range), '2:3-2:8');
  assert.equal(at(o.range), '1:5-6:2');
});

test('parser: for expressions (tuple and object, key var, if, grouping)', () => {
  assert.deepEqual(expr('[for x in xs : upper(x) if x != ""]'), {
    kind: 'for', valueVar: 'x', collection: v('xs'),
    valueExpr: { kind: 'call', name: 'upper', args: [v('x')], expandFinal: false },
    cond: { kind: 'binary', op: '!=', left: v('x'), right: { kind: 'template', parts: [lit('')] } },
    group: false,
  });
  assert.deepEqual(expr('{\n  for k, v in m :\n  v => k...\n}'), {
    kind: 'for', keyVar: 'k', valueVar: 'v', collection: v('m'), keyExpr: v('v'), valueExpr: v('k'), group: true,
  });
});

test('parser: quoted templates with interpolation, directives and decoded escapes', () => {
  const f = parseHcl('t = "a ${b} %{ if c }yes%{ else }no%{ endif } %{ for k, x in l }${x},%{ endfor }"\ne = "\\n\\t\\"\\\\\\u00e9\\U0001F600 $${x} %%{y}"\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(shape(attr(f, 't')), {
    kind: 'template',
    parts: [
      lit('a '),
      { kind: 'interp', expr: v('b') },
      lit(' '),
      { kind: 'if', cond: v('c'), then: [lit('yes')], else: [lit('no')] },
      lit(' '),
      { kind: 'for', keyVar: 'k', valueVar: 'x', collection: v('l'), body: [{ kind: 'interp', expr: v('x') }, lit(',')] },
    ],
  });
  assert.deepEqual(shape(attr(f, 'e')), { kind: 'template', parts: [lit('\n\t"\\é😀 ${x} %{y}')] });
  const t = attr(f, 't');
  assert.ok(t.kind === 'template');
  assert.equal(at(t.range), '1:5-1:82');
  assert.equal(at(t.parts[1].range), '1:8-1:12');
  assert.equal(at(t.parts[3].range), '1:13-1:46');
});

test('parser: strip markers trim the adjacent literals at parse time', () => {
  const f = parseHcl('t = "a  ${~ b ~}  c %{~ if d ~}\\n  e  %{~ endif ~}  f"\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(shape(attr(f, 't')), {
    kind: 'template',
    parts: [lit('a'), { kind: 'interp', expr: v('b') }, lit('c'), { kind: 'if', cond: v('d'), then: [lit('e')] }, lit('f')],
  });
});

test('parser: heredocs keep their newlines; <<- removes the common indentation', () => {
  const f = parseHcl('a = <<EOT\n  one ${x}\n  two\nEOT\nb = <<-EOT\n    one\n      two ${x}\n\n    three\n    EOT\nc = 1\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(shape(attr(f, 'a')), { kind: 'template', heredoc: true, parts: [lit('  one '), { kind: 'interp', expr: v('x') }, lit('\n  two\n')] });
  assert.deepEqual(shape(attr(f, 'b')), { kind: 'template', heredoc: true, parts: [lit('one\n  two '), { kind: 'interp', expr: v('x') }, lit('\n\nthree\n')] });
  assert.deepEqual(shape(attr(f, 'c')), n(1));
  const a = attr(f, 'a');
  assert.equal(at(a.range), '1:5-4:4');
});

test('parser: comments anywhere, and a line comment ends an attribute', () => {
  const f = parseHcl('# top\na = 1 # trailing\n/* block */ b = [ // inside\n  1, /* mid */ 2,\n]\nc = 2 // end', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(f.body.attributes.map((a) => a.name), ['a', 'b', 'c']);
  assert.deepEqual(shape(attr(f, 'b')), { kind: 'tuple', items: [n(1), n(2)] });
});

test('parseHclExpression: newlines are insignificant; extra characters are reported', () => {
  assert.deepEqual(expr('1 +\n 2'), { kind: 'binary', op: '+', left: n(1), right: n(2) });
  const { diagnostics } = parseHclExpression('1 2', 'e.hcl');
  assert.deepEqual(diagnostics.map((d) => [d.summary, at(d.range)]), [['Extra characters after expression', '1:3-1:4']]);
});

test('parseHclTemplate: bare templates, with an optional start position', () => {
  const { expr: t, diagnostics } = parseHclTemplate('Hello ${name}!\n%{ for x in xs }- ${x}\n%{ endfor }', 'greeting.tpl');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(shape(t), {
    kind: 'template',
    parts: [lit('Hello '), { kind: 'interp', expr: v('name') }, lit('!\n'), { kind: 'for', valueVar: 'x', collection: v('xs'), body: [lit('- '), { kind: 'interp', expr: v('x') }, lit('\n')] }],
  });
  const shifted = parseHclTemplate('${a}', 'f.json', { line: 3, column: 10, byte: 40 });
  assert.ok(shifted.expr.parts[0].kind === 'interp');
  assert.deepEqual(shifted.expr.parts[0].expr.range.start, { line: 3, column: 12, byte: 42 });
  assert.deepEqual(shape(parseHclTemplate('100% and $5 and $${x}', 't').expr), { kind: 'template', parts: [lit('100% and $5 and ${x}')] });
});

interface ErrorCase {
  src: string;
  summary: string;
  /** line:col-line:col of the first diagnostic with this summary */
  range: string;
  /** whether `after` (on the last line) must still be parsed */
  survives?: boolean;
}

// Ranges follow hclsyntax's parser; summaries match what `packer validate` prints.
const errorCases: ErrorCase[] = [
  { src: 'a = \nafter {\n}\n', summary: 'Invalid expression', range: '1:5-2:1' },
  { src: 'a = 1 2\nafter = 1\n', summary: 'Missing newline after argument', range: '1:7-1:8' },
  { src: 'a = "abc\nafter = 1\n', summary: 'Unterminated template string', range: '1:9-2:1' },
  { src: 'a = "abc\nafter = 1\n', summary: 'Invalid multi-line string', range: '1:9-2:1' },
  { src: 'source "x" "y" = {\n}\nafter = 1\n', summary: 'Invalid block definition', range: '1:16-1:17' },
  { src: 'source "x" "y"\n{\n}\nafter = 1\n', summary: 'Invalid block definition', range: '1:15-2:1' },
  { src: 'a = f(1 2)\nafter = 1\n', summary: 'Missing argument separator', range: '1:9-1:10' },
  { src: 'a = { b = 1 c = 2 }\nafter = 1\n', summary: 'Missing attribute separator', range: '1:13-1:14' },
  { src: 'a = { b }\nafter = 1\n', summary: 'Missing key/value separator', range: '1:9-1:10' },
  { src: 'a = x.\nafter = 1\n', summary: 'Invalid attribute name', range: '1:7-2:1' },
  { src: '"a" = 1\nafter = 1\n', summary: 'Invalid argument name', range: '1:1-1:2' },
  { src: 'a = 1, b = 2\nafter = 1\n', summary: 'Unexpected comma after argument', range: '1:6-1:7' },
  { src: 'a {b = 1, c = 2}\nafter = 1\n', summary: 'Invalid single-argument block definition', range: '1:9-1:10' },
  { src: 'a = "%{ iff x }y%{ endif }"\nafter = 1\n', summary: 'Invalid template control keyword', range: '1:9-1:12' },
  { src: 'a = "%{ if x }y"\nafter = 1\n', summary: 'Unexpected end of template', range: '1:16-1:17' },
  { src: 'a = x ? 1\nafter = 1\n', summary: 'Missing false expression in conditional', range: '1:10-2:1' },
  { src: 'a = [for x in y : x => x]\nafter = 1\n', summary: "Invalid 'for' expression", range: '1:19-1:20' },
  { src: 'a = {for x in y : x}\nafter = 1\n', summary: "Invalid 'for' expression", range: '1:19-1:20' },
  { src: 'a = [for x in y x]\nafter = 1\n', summary: "Invalid 'for' expression", range: '1:17-1:18' },
  { src: 'a = "\\q"\nafter = 1\n', summary: 'Invalid escape sequence', range: '1:6-1:8' },
  { src: 'a = "\\u12"\nafter = 1\n', summary: 'Invalid escape sequence', range: '1:6-1:10' },
  { src: 'foo\nafter = 1\n', summary: 'Argument or block definition required', range: '1:1-1:4' },
  { src: 'a = 1 }\nafter = 1\n', summary: 'Missing newline after argument', range: '1:7-1:8' },
  { src: 'a = 1.2.3\nafter = 1\n', summary: 'Invalid number literal', range: '1:5-1:10' },
  { src: 'x = "${a : b}"\nafter = 1\n', summary: 'Extra characters after interpolation expression', range: '1:10-1:11' },
  { src: '@\nafter = 1\n', summary: 'Invalid character', range: '1:1-1:2' },
  { src: '@\nafter = 1\n', summary: 'Argument or block definition required', range: '1:1-1:2' },
  { src: 'a = 1 ; b = 2\nafter = 1\n', summary: 'Invalid character', range: '1:7-1:8' },
  { src: 'a = x.0.1\nafter = 1\n', summary: 'Invalid legacy index syntax', range: '1:7-1:10' },
  { src: '}\nafter = 1\n', summary: 'Argument or block definition required', range: '1:1-1:2' },
  { src: 'b {\n  c = 1\n  d\n}\nafter = 1\n', summary: 'Argument or block definition required', range: '3:3-3:4' },
  { src: "a = 'x'\nafter = 1\n", summary: 'Invalid character', range: '1:5-1:6' },
  { src: 'a = "${}"\nafter = 1\n', summary: 'Invalid expression', range: '1:8-1:9' },
  { src: 'a = "${b"\nafter = 1\n', summary: 'Unclosed template interpolation sequence', range: '1:6-1:8' },
  { src: 'a = "x ${ "y ${z} \nafter = 1\n', summary: 'Unterminated template string', range: '1:19-2:1' },
  { src: 'a = (1 + 2\nafter = 1\n', summary: 'Unbalanced parentheses', range: '2:1-2:6', survives: false },
  { src: 'a = [1, 2\nafter = 1\n', summary: 'Missing item separator', range: '2:1-2:6', survives: false },
  { src: 'source "x" "y" {\n  a = 1\n', summary: 'Unclosed configuration block', range: '1:16-1:17', survives: false },
  { src: 'a = <<EOT\nfoo\n', summary: 'Unterminated template string', range: '3:1-3:1', survives: false },
];

test('parser: syntax errors carry HCL summaries and ranges, and later items are still read', () => {
  assert.ok(errorCases.length >= 20);
  for (const c of errorCases) {
    const f = parseHcl(c.src, 't.pkr.hcl');
    const d = f.diagnostics.find((x) => x.summary === c.summary);
    assert.ok(d, `${JSON.stringify(c.src)}: expected "${c.summary}", got ${JSON.stringify(f.diagnostics.map((x) => x.summary))}`);
    assert.equal(d.severity, 'error');
    assert.equal(at(d.range), c.range, `${JSON.stringify(c.src)}: range of "${c.summary}"`);
    assert.equal(d.range?.filename, 't.pkr.hcl');
    if (c.survives !== false) {
      const names = [...f.body.attributes.map((a) => a.name), ...f.body.blocks.map((b) => b.type)];
      assert.ok(names.includes('after'), `${JSON.stringify(c.src)}: "after" lost; have ${JSON.stringify(names)}`);
    }
  }
});

test('parser: an error inside a block keeps the block and the blocks after it', () => {
  const f = parseHcl('source "a" "b" {\n  x = \n  y = 2\n}\n\nbuild {\n  sources = ["source.a.b"]\n}\n', 't.pkr.hcl');
  assert.deepEqual(f.diagnostics.map((d) => [d.summary, at(d.range)]), [['Invalid expression', '2:7-3:1']]);
  assert.deepEqual(f.body.blocks.map((b) => b.type), ['source', 'build']);
  assert.deepEqual(f.body.blocks[0].body.attributes.map((a) => [a.name, a.expr.kind]), [['x', 'invalid'], ['y', 'literal']]);
});

test('parser: expression failures leave invalid nodes in place', () => {
  const f = parseHcl('a = [1, )]\nb = 2\n', 't.pkr.hcl');
  const a = attr(f, 'a');
  assert.ok(a.kind === 'tuple');
  assert.equal(a.items[1].kind, 'invalid');
  assert.deepEqual(shape(attr(f, 'b')), n(2));
});

// Performance: once warm, a 5,000-line file lexes and parses in about 30-50 ms on an idle 2-core machine
// (positions are computed by walking forward once, tokens are never re-sliced). The bound below is loose
// because the test machine is shared and often heavily loaded.
test('parser: a 5,000-line file parses quickly', () => {
  const block = 'source "docker" "s${i}" {\n  image  = "ubuntu:${var.v}"\n  ports  = [for p in var.ports : p + 1 if p > 0]\n  labels = { a = "é", b = local.x[0].y }\n  # comment\n}\n';
  const lines = (n: number) => {
    let text = '';
    for (let i = 0; i < n / 6; i++) text += block.replace('${i}', String(i));
    return text;
  };
  parseHcl(lines(600), 'warm-up.pkr.hcl');
  const text = lines(5000);
  const t0 = performance.now();
  const f = parseHcl(text, 'big.pkr.hcl');
  const ms = performance.now() - t0;
  assert.deepEqual(f.diagnostics, []);
  assert.equal(f.body.blocks.length, Math.ceil(5000 / 6));
  assert.ok(ms < 2000, `took ${ms} ms`);
});

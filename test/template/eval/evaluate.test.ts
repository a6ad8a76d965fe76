import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, failure, run, value } from './helpers';
import { isSensitiveDeep } from '../../../core/template/values/value';

test('literals, tuples and objects', () => {
  assert.equal(value('42'), 42);
  assert.equal(value('true'), true);
  assert.equal(value('null'), null);
  assert.deepEqual(value('[1, "a", false]'), [1, 'a', false]);
  assert.deepEqual(value('{ a = 1, "b" = 2, (var.name) = 3 }'), { a: 1, b: 2, web: 3 });
});

test('object keys that cannot be strings are errors', () => {
  const f = failure('{ (var.list) = 1 }');
  assert.equal(f.summary, 'Incorrect key type');
  assert.equal(f.at, '1:3-13');
  assert.equal(failure('{ (var.nothing) = 1 }').summary, 'Null value as key');
});

test('templates interpolate, and a lone interpolation keeps its type', () => {
  assert.equal(value('"hello ${var.name}!"'), 'hello web!');
  assert.equal(value('"n=${var.count}"'), 'n=3');
  assert.deepEqual(value('"${var.list}"'), ['a', 'b']);
  assert.equal(value('"%{ if var.count > 2 }big%{ else }small%{ endif }"'), 'big');
  assert.equal(value('"%{ for i, x in var.list }${i}${x},%{ endfor }"'), '0a,1b,');
});

test('template interpolation errors', () => {
  const f = failure('"x ${var.list} y"');
  assert.equal(f.summary, 'Invalid template interpolation value');
  assert.match(f.detail, /Cannot include the given value in a string template: string required\./);
  assert.equal(f.at, '1:6-14');
  const n = failure('"x ${var.nothing}"');
  assert.equal(n.detail, 'The expression result is null. Cannot include a null value in a string template.');
});

test('unknown values flow through without errors', () => {
  const r = run('"a-${var.later}"');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.value.kind, 'unknown');
  assert.equal(run('var.later == "x"').value.kind, 'unknown');
  assert.equal(run('upper(var.later)').value.kind, 'unknown');
  assert.equal(run('[for x in var.later : x]').value.kind, 'unknown');
});

test('variables and attributes', () => {
  assert.equal(value('local.greeting'), 'hi');
  assert.equal(value('var.objs[1].id'), 'y');
  assert.equal(value('var.list.0'), 'a');
  assert.equal(value('var.m["k2"]'), 'v2');
});

test('unknown root variable suggests a close name', () => {
  const f = failure('locl.greeting');
  assert.equal(f.summary, 'Unknown variable');
  assert.equal(f.detail, 'There is no variable named "locl". Did you mean "local"?');
  assert.equal(f.at, '1:1-5');
});

test('undeclared input variables and locals are unsupported attributes, as Packer 1.14 says, with a suggestion', () => {
  const f = failure('var.nmae');
  assert.equal(f.summary, 'Unsupported attribute');
  assert.equal(f.detail, 'This object does not have an attribute named "nmae". Did you mean "name"?');
  assert.equal(f.at, '1:4-9');
  assert.equal(failure('local.nope').summary, 'Unsupported attribute');
});

test('unsupported attribute and index errors', () => {
  const a = failure('var.objs[0].nope');
  assert.equal(a.summary, 'Unsupported attribute');
  assert.equal(a.detail, 'This object does not have an attribute named "nope".');
  assert.equal(failure('var.name.x').detail, 'This value does not have any attributes.');
  assert.equal(failure('var.list[0.5]').detail, 'The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index (0.5) has a fractional part.');
  assert.equal(failure('var.list["x"]').detail, 'The given key does not identify an element in this collection value: a number is required.');
  assert.equal(value('var.list["1"]'), 'b');
  const i = failure('var.list[5]');
  assert.equal(i.summary, 'Invalid index');
  assert.equal(i.detail, 'The given key does not identify an element in this collection value.');
  assert.equal(i.at, '1:9-12');
  assert.equal(failure('var.name[0]').detail, 'This value does not have any indices.');
  assert.equal(failure('var.nothing.x').summary, 'Attempt to get attribute from null value');
});

test('arithmetic and comparison follow cty', () => {
  assert.equal(value('1 + 2 * 3'), 7);
  assert.equal(value('"5" + 1'), 6);
  assert.equal(value('7 % 3'), 1);
  assert.equal(value('-var.count'), -3);
  assert.equal(value('1 < 2 && !false'), true);
  assert.equal(value('1 == "1"'), false);
  assert.equal(value('"a" != "b"'), true);
  assert.equal(value('[1, 2] == [1, 2]'), true);
  assert.equal(value('null == null'), true);
});

test('operand errors point at the operand', () => {
  const f = failure('1 + "x"');
  assert.equal(f.summary, 'Invalid operand');
  assert.equal(f.detail, 'Unsuitable value for right operand: a number is required.');
  assert.equal(f.at, '1:5-8');
  assert.equal(failure('true && 1').summary, 'Invalid operand');
  const n = failure('true && null');
  assert.equal(n.summary, 'Operation failed');
  assert.equal(n.detail, 'Error during operation: argument must not be null.');
  assert.equal(failure('!null').summary, 'Operation failed');
  assert.equal(failure('0 / 0').summary, 'Operation failed');
  assert.equal(value('5 / 0'), Infinity);
  assert.equal(value('-5 % 0'), -5);
  assert.equal(value('-7 % 3'), -1);
});

test('conditionals unify result types', () => {
  assert.equal(value('var.count > 1 ? "many" : "one"'), 'many');
  assert.equal(value('false ? 1 : "two"'), 'two');
  assert.equal(value('true ? 1 : "two"'), '1');
  assert.equal(value('true ? 1 : var.nope'), 1);
  assert.equal(failure('false ? 1 : var.nope').summary, 'Unsupported attribute');
  assert.equal(failure('true ? 1 : false').detail, 'The true and false result expressions must have consistent types. The given expressions are number and bool, respectively.');
  assert.deepEqual(value('true ? {a = 1} : {b = 2}'), { a: 1 });
  const f = failure('true ? [1] : {a = 1}');
  assert.equal(f.summary, 'Inconsistent conditional result types');
  assert.equal(f.detail, 'The true and false result expressions must have consistent types. The given expressions are tuple and object, respectively.');
  assert.equal(failure('"yes" ? 1 : 2').summary, 'Incorrect condition type');
  assert.equal(failure('var.nothing ? 1 : 2').summary, 'Null condition');
});

test('splat expressions', () => {
  assert.deepEqual(value('var.objs[*].id'), ['x', 'y']);
  assert.deepEqual(value('var.objs.*.id'), ['x', 'y']);
  assert.deepEqual(value('var.name[*]'), ['web']);
  assert.deepEqual(value('var.nothing[*]'), []);
});

test('for expressions', () => {
  assert.deepEqual(value('[for x in var.list : upper(x)]'), ['A', 'B']);
  assert.deepEqual(value('[for i, x in var.list : i if x != "a"]'), [1]);
  assert.deepEqual(value('{for k, v in var.m : v => k}'), { v1: 'k1', v2: 'k2' });
  assert.deepEqual(value('{for x in ["a", "b", "a"] : x => x...}'), { a: ['a', 'a'], b: ['b'] });
  const d = failure('{for x in ["a", "a"] : x => 1}');
  assert.equal(d.summary, 'Duplicate object key');
  assert.match(d.detail, /Two different items produced the key "a" in this 'for' expression/);
  assert.equal(failure('[for x in var.nothing : x]').summary, 'Iteration over null value');
  assert.equal(failure('[for x in 1 : x]').summary, 'Iteration over non-iterable value');
});

test('function calls', () => {
  assert.equal(value('upper("a")'), 'A');
  assert.equal(value('join("-", ["a", "b"], ["c"])'), 'a-b-c');
  assert.equal(value('join("-", [["a"], ["b"]]...)'), 'a-b');
  const u = failure('uper("a")');
  assert.equal(u.summary, 'Call to unknown function');
  assert.equal(u.detail, 'There is no function named "uper". Did you mean "upper"?');
  assert.equal(u.at, '1:1-5');
  const few = failure('upper()');
  assert.equal(few.summary, 'Not enough function arguments');
  assert.equal(few.detail, 'Function "upper" expects 1 argument(s). Missing value for "str".');
  const many = failure('upper("a", "b")');
  assert.equal(many.summary, 'Too many function arguments');
  assert.equal(many.at, '1:12-15');
  const bad = failure('upper(["a"])');
  assert.equal(bad.summary, 'Invalid function argument');
  assert.equal(bad.detail, 'Invalid value for "str" parameter: string required.');
  assert.equal(bad.at, '1:7-12');
  assert.equal(failure('upper(var.nothing)').detail, 'Invalid value for "str" parameter: argument must not be null.');
});

test('functions and variables can be forbidden', () => {
  assert.equal(failure('upper("a")', { ...BASE, functions: null }).summary, 'Function calls not allowed');
  const v = failure('var.name', { ...BASE, variables: null });
  assert.equal(v.summary, 'Variables not allowed');
  assert.equal(v.detail, 'Variables may not be used here.');
});

test('try and can evaluate lazily', () => {
  assert.equal(value('try(var.objs[5].id, "fallback")'), 'fallback');
  assert.equal(value('try(var.name, "fallback")'), 'web');
  assert.equal(value('can(var.objs[5])'), false);
  assert.equal(value('can(var.objs[0])'), true);
  assert.equal(run('try(var.later, "x")').value.kind, 'unknown');
  const f = failure('try(var.m.nope, local.nope2)');
  assert.equal(f.summary, 'Error in function call');
  assert.equal(
    f.detail,
    'Call to function "try" failed: no expression succeeded:\n- Unsupported attribute (at test.hcl:1,10-15)\n  This object does not have an attribute named "nope".\n- Unsupported attribute (at test.hcl:1,22-28)\n  This object does not have an attribute named "nope2".\n\nAt least one expression must produce a successful result.',
  );
});

test('sensitive marks propagate', () => {
  for (const e of ['var.secret', '"pw=${var.secret}"', 'upper(var.secret)', '[var.secret]', 'var.secret == "x"', '{ a = var.secret }.a', 'true ? var.secret : "x"', '[for c in [var.secret] : c]']) {
    assert.ok(isSensitiveDeep(run(e).value), e);
  }
  assert.ok(!isSensitiveDeep(run('var.name').value));
});

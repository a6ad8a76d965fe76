import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert } from '../../../core/template/values/convert';
import { formatValue } from '../../../core/template/values/format';
import { listOf, mapOf, objectOf, setOf, T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING, tupleOf, type Type } from '../../../core/template/values/type';
import { bool, list, markSensitive, nullOf, num, object, str, tuple, typeOf, unknownOf, type Value } from '../../../core/template/values/value';
import { typeString } from '../../../core/template/values/type';

function ok(v: Value, want: Type): Value {
  const r = convert(v, want);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function fails(v: Value, want: Type): string {
  const r = convert(v, want);
  assert.ok(!r.ok, 'expected the conversion to fail');
  return r.error;
}

test('primitives convert through strings as HCL does', () => {
  assert.deepEqual(ok(num(5), T_STRING), str('5'));
  assert.deepEqual(ok(num(0.5), T_STRING), str('0.5'));
  assert.deepEqual(ok(num(1e20), T_STRING), str('100000000000000000000'));
  assert.deepEqual(ok(bool(true), T_STRING), str('true'));
  assert.deepEqual(ok(str('1.5'), T_NUMBER), num(1.5));
  assert.deepEqual(ok(str('1e3'), T_NUMBER), num(1000));
  assert.deepEqual(ok(str('false'), T_BOOL), bool(false));
});

test('failed conversions use cty wording', () => {
  assert.equal(fails(str('x'), T_NUMBER), 'a number is required');
  assert.equal(fails(str('yes'), T_BOOL), 'a bool is required');
  assert.equal(fails(num(1), T_BOOL), 'bool required');
  assert.equal(fails(tuple([str('a')]), T_STRING), 'string required');
  assert.equal(fails(str('a'), listOf(T_STRING)), 'list of string required');
  assert.equal(fails(str('a'), mapOf(T_NUMBER)), 'map of number required');
  assert.equal(fails(tuple([num(1), tuple([num(2)])]), listOf(T_DYNAMIC)), 'all list elements must have the same type');
  assert.equal(fails(object({ a: num(1) }), objectOf({ a: T_NUMBER, b: T_STRING })), 'attribute "b" is required');
});

test('tuples become lists and sets; sets are unique and ordered', () => {
  const l = ok(tuple([num(1), str('a')]), listOf(T_STRING));
  assert.equal(typeString(typeOf(l)), 'list(string)');
  assert.equal(formatValue(l), '[\n  "1",\n  "a",\n]');
  const s = ok(tuple([str('b'), str('a'), str('b')]), setOf(T_STRING));
  assert.equal(formatValue(s), '[\n  "a",\n  "b",\n]');
  const n = ok(tuple([num(10), num(2), num(10)]), setOf(T_NUMBER));
  assert.equal(formatValue(n), '[\n  2,\n  10,\n]');
  assert.equal(typeString(typeOf(ok(tuple([num(1)]), listOf(T_DYNAMIC)))), 'list(number)');
});

test('objects become maps, unifying their attribute types', () => {
  const m = ok(object({ a: num(1), b: str('x') }), mapOf(T_DYNAMIC));
  assert.equal(typeString(typeOf(m)), 'map(string)');
  assert.equal(formatValue(m), '{\n  "a" = "1"\n  "b" = "x"\n}');
});

test('object type constraints drop extra attributes and fill optional ones with null', () => {
  const v = ok(object({ a: num(1), extra: str('x') }), objectOf({ a: T_STRING, b: T_NUMBER }, ['b']));
  assert.deepEqual(v, object({ a: str('1'), b: nullOf(T_NUMBER) }));
});

test('tuple constraints need the same length', () => {
  assert.deepEqual(ok(tuple([str('1')]), tupleOf([T_NUMBER])), tuple([num(1)]));
  assert.equal(fails(tuple([str('1'), str('2')]), tupleOf([T_NUMBER])), 'tuple required');
});

test('null and unknown take the wanted type; dynamic accepts anything', () => {
  assert.deepEqual(ok(nullOf(T_DYNAMIC), T_STRING), nullOf(T_STRING));
  assert.deepEqual(ok(unknownOf(T_DYNAMIC), listOf(T_STRING)), unknownOf(listOf(T_STRING)));
  const l = list(T_STRING, [str('a')]);
  assert.equal(ok(l, T_DYNAMIC), l);
});

test('sensitive marks survive conversion', () => {
  const v = ok(markSensitive(num(1)), T_STRING);
  assert.equal(v.sensitive, true);
});

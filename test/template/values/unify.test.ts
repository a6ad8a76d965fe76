import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valuesEqual } from '../../../core/template/values/equals';
import { listOf, mapOf, objectOf, T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING, tupleOf, typeString, type Type } from '../../../core/template/values/type';
import { unifyTypes } from '../../../core/template/values/unify';
import { list, map, nullOf, num, object, str, tuple } from '../../../core/template/values/value';

const unified = (ts: Type[]) => {
  const t = unifyTypes(ts);
  return t ? typeString(t) : undefined;
};

test('mixed primitives unify to string', () => {
  assert.equal(unified([T_NUMBER, T_STRING, T_BOOL]), 'string');
  assert.equal(unified([T_NUMBER, T_NUMBER]), 'number');
});

test('dynamic wins, collections unify their elements, structures fall back to collections', () => {
  assert.equal(unified([T_STRING, T_DYNAMIC]), 'any');
  assert.equal(unified([listOf(T_NUMBER), listOf(T_STRING)]), 'list(string)');
  assert.equal(unified([tupleOf([T_NUMBER]), tupleOf([T_STRING])]), 'tuple([string])');
  assert.equal(unified([tupleOf([T_NUMBER]), tupleOf([T_STRING, T_STRING])]), 'list(string)');
  assert.equal(unified([objectOf({ a: T_NUMBER }), objectOf({ a: T_STRING })]), 'object({a=string})');
  assert.equal(unified([objectOf({ a: T_NUMBER }), objectOf({ b: T_STRING })]), 'map(string)');
  assert.equal(unified([mapOf(T_NUMBER), objectOf({ b: T_BOOL })]), 'map(string)');
});

test('types with nothing in common do not unify', () => {
  assert.equal(unified([T_STRING, listOf(T_STRING)]), undefined);
  assert.equal(unified([listOf(T_STRING), mapOf(T_STRING)]), undefined);
});

test('values are equal only with the same type and content', () => {
  assert.equal(valuesEqual(num(1), num(1)), true);
  assert.equal(valuesEqual(num(1), str('1')), false);
  assert.equal(valuesEqual(tuple([str('a')]), tuple([str('a')])), true);
  assert.equal(valuesEqual(tuple([str('a')]), list(T_STRING, [str('a')])), false);
  assert.equal(valuesEqual(object({ a: num(1), b: num(2) }), object({ b: num(2), a: num(1) })), true);
  assert.equal(valuesEqual(map(T_NUMBER, { a: num(1) }), map(T_NUMBER, { a: num(2) })), false);
  assert.equal(valuesEqual(nullOf(T_STRING), nullOf(T_NUMBER)), true);
  assert.equal(valuesEqual(nullOf(T_STRING), str('')), false);
});

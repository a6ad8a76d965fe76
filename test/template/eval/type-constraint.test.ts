import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTypeConstraint } from '../../../core/template/eval/type-constraint';
import { parseHclExpression } from '../../../core/template/hcl/parser';
import { typeString } from '../../../core/template/values/type';

function parse(text: string): { type: string; errors: string[] } {
  const r = parseTypeConstraint(parseHclExpression(text, 't.hcl').expr);
  return { type: typeString(r.type), errors: r.diagnostics.map((d) => d.detail ?? d.summary) };
}

test('primitive and collection type constraints', () => {
  assert.equal(parse('string').type, 'string');
  assert.equal(parse('any').type, 'any');
  assert.equal(parse('list(string)').type, 'list(string)');
  assert.equal(parse('map(list(number))').type, 'map(list(number))');
  assert.equal(parse('set(bool)').type, 'set(bool)');
  assert.equal(parse('tuple([string, number])').type, 'tuple([string, number])');
});

test('object types, with optional attributes', () => {
  assert.equal(parse('object({ name = string, size = optional(number) })').type, 'object({name=string, size=optional(number)})');
});

test('invalid type constraints', () => {
  assert.deepEqual(parse('strin').errors, ['The keyword "strin" is not a valid type specification.']);
  assert.deepEqual(parse('list').errors, ['The list type constructor requires one argument specifying the element type.']);
  assert.deepEqual(parse('"string"').errors.length, 1);
  assert.deepEqual(parse('optional(string)').errors, ['Optional attribute modifier is only for object attributes.']);
});

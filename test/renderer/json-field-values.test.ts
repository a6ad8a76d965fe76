import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FormField } from '../../core/contract/types';
import { jsonValueOf, readJsonField } from '../../renderer/graph/json-field-values';

test('form values read from and write to JSON values; anything else is edited as JSON text', () => {
  const f = (type: FormField['type'], itemType?: FormField['itemType']): FormField => ({ name: 'x', type, itemType, description: '', required: false });
  assert.deepEqual(readJsonField(f('string'), '"a\\"b"'), { mode: 'string', value: 'a"b' });
  assert.deepEqual(readJsonField(f('number'), '3'), { mode: 'number', value: '3' });
  assert.deepEqual(readJsonField(f('bool'), 'true'), { mode: 'bool', value: true });
  assert.deepEqual(readJsonField(f('list', 'string'), '["a", "b"]'), { mode: 'list', items: ['a', 'b'] });
  assert.deepEqual(readJsonField(f('map', 'string'), '{"A": "1"}'), { mode: 'map', entries: [['A', '1']] });
  assert.deepEqual(readJsonField(f('string'), '{"nested": true}'), { mode: 'expression', text: '{"nested": true}' });
  assert.deepEqual(readJsonField(f('string'), undefined), { mode: 'unset' });
  assert.equal(jsonValueOf(f('string'), { mode: 'string', value: "{{user `x`}}" }), '{{user `x`}}');
  assert.equal(jsonValueOf(f('number'), { mode: 'number', value: '2' }), 2);
  assert.deepEqual(jsonValueOf(f('list', 'number'), { mode: 'list', items: ['1', '2'] }), [1, 2]);
  assert.deepEqual(jsonValueOf(f('map', 'string'), { mode: 'map', entries: [['A', '1']] }), { A: '1' });
  assert.deepEqual(jsonValueOf(f('other'), { mode: 'expression', text: '[1, "a"]' }), [1, 'a']);
  assert.equal(jsonValueOf(f('other'), { mode: 'expression', text: 'not json' }), 'not json');
  assert.equal(jsonValueOf(f('string'), { mode: 'unset' }), undefined);
});

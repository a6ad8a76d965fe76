import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FormField } from '../../core/contract/types';
import { readField, writeField } from '../../renderer/graph/field-values';

const f = (type: FormField['type'], itemType?: FormField['itemType']): FormField => ({ name: 'x', type, itemType, description: '', required: false });

test('plain literals become form values and are written back the same way', () => {
  assert.deepEqual(readField(f('string'), '"/srv/built-by"'), { mode: 'string', value: '/srv/built-by' });
  assert.deepEqual(readField(f('number'), '3'), { mode: 'number', value: '3' });
  assert.deepEqual(readField(f('bool'), 'false'), { mode: 'bool', value: false });
  assert.deepEqual(readField(f('list', 'string'), '[\n    "apt-get update",\n    "echo \\"hi\\"",\n  ]'), { mode: 'list', items: ['apt-get update', 'echo "hi"'] });
  assert.deepEqual(readField(f('map', 'string'), '{ a = "1", "b c" = "2" }'), { mode: 'map', entries: [['a', '1'], ['b c', '2']] });
  assert.equal(writeField(f('list', 'string'), { mode: 'list', items: ['echo changed', 'say "x"'] }), '["echo changed", "say \\"x\\""]');
  assert.equal(writeField(f('map', 'string'), { mode: 'map', entries: [['a', '1'], ['b c', '2']] }), '{ a = "1", "b c" = "2" }');
  assert.equal(writeField(f('list', 'number'), { mode: 'list', items: ['0', '2'] }), '[0, 2]');
});

test('expressions the form does not understand stay expressions; typed text is never taken as a template', () => {
  assert.deepEqual(readField(f('string'), 'var.image'), { mode: 'expression', text: 'var.image' });
  assert.deepEqual(readField(f('string'), '"${var.image}:latest"'), { mode: 'expression', text: '"${var.image}:latest"' });
  assert.deepEqual(readField(f('list', 'string'), 'concat(var.a, ["b"])'), { mode: 'expression', text: 'concat(var.a, ["b"])' });
  assert.deepEqual(readField(f('list', 'string'), '["a", # note\n "b"]'), { mode: 'expression', text: '["a", # note\n "b"]' });
  assert.deepEqual(readField(f('other'), '{ a = 1 }'), { mode: 'expression', text: '{ a = 1 }' });
  assert.equal(writeField(f('string'), { mode: 'string', value: 'echo ${HOME}' }), '"echo $${HOME}"');
  assert.deepEqual(readField(f('string'), '"echo $${HOME}"'), { mode: 'string', value: 'echo ${HOME}' });
  assert.equal(writeField(f('string'), { mode: 'unset' }), undefined);
});

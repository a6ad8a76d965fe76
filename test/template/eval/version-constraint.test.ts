import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVersionConstraint } from '../../../core/template/eval/version-constraint';

const ok = (c: string, v = '1.6.6'): boolean => {
  const r = checkVersionConstraint(c, v);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

test('comparison operators', () => {
  assert.equal(ok('>= 1.5.0, < 2.0'), true);
  assert.equal(ok('>= 1.7.0'), false);
  assert.equal(ok('= 1.6.6'), true);
  assert.equal(ok('1.6.6'), true);
  assert.equal(ok('!= 1.6.6'), false);
  assert.equal(ok('> 1.6.5, <= 1.6.6'), true);
});

test('pessimistic constraint', () => {
  assert.equal(ok('~> 1.6'), true);
  assert.equal(ok('~> 1.6.0'), true);
  assert.equal(ok('~> 1.6.7'), false);
  assert.equal(ok('~> 1.5.0'), false);
  assert.equal(ok('~> 1.2'), true);
  assert.equal(ok('~> 2.0'), false);
});

test('malformed constraints are reported', () => {
  assert.equal(checkVersionConstraint('>= banana', '1.6.6').ok, false);
});

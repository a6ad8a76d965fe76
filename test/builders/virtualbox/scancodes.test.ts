import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBootCommand, type BootAction } from '../../../core/builders/virtualbox/scancodes';

function plan(command: string): BootAction[] {
  const p = planBootCommand(command);
  assert.ok(p.ok, p.ok ? '' : p.error);
  return p.value;
}

const keys = (...codes: string[]): BootAction => ({ kind: 'keys', codes });

test('letters, digits and punctuation: make then break (make + 0x80)', () => {
  assert.deepEqual(plan('a1 /'), [keys('1e', '9e', '02', '82', '39', 'b9', '35', 'b5')]);
});

test('shifted characters press left shift around the key as Packer does', () => {
  assert.deepEqual(plan('A:'), [keys('2a', '1e', 'aa', '9e', '2a', '27', 'aa', 'a7')]);
});

test('special keys, extended keys with the e0 prefix, and names in any case', () => {
  assert.deepEqual(plan('<enter><Esc><tab><bs>'), [keys('1c', '9c', '01', '81', '0f', '8f', '0e', '8e')]);
  assert.deepEqual(plan('<up><pageDown><del>'), [keys('e0', '48', 'e0', 'c8', 'e0', '51', 'e0', 'd1', 'e0', '53', 'e0', 'd3')]);
  assert.deepEqual(plan('<f1><f10><f12>'), [keys('3b', 'bb', '44', 'c4', '58', 'd8')]);
});

test('held modifiers and held characters: On sends the make code only, Off the break code only', () => {
  assert.deepEqual(plan('<leftCtrlOn>c<leftCtrlOff>'), [keys('1d', '2e', 'ae', '9d')]);
  assert.deepEqual(plan('<rightAltOn><rightAltOff>'), [keys('e0', '38', 'e0', 'b8')]);
  assert.deepEqual(plan('<aOn><aOff>'), [keys('1e', '9e')]);
});

test('waits send what is pending first; <wait> is a second, <wait5> five, <wait1m30s> a Go duration', () => {
  assert.deepEqual(plan('a<wait>b<wait5><wait1m30s><wait250ms>c'), [
    keys('1e', '9e'),
    { kind: 'wait', ms: 1000 },
    keys('30', 'b0'),
    { kind: 'wait', ms: 5000 },
    { kind: 'wait', ms: 90000 },
    { kind: 'wait', ms: 250 },
    keys('2e', 'ae'),
  ]);
});

test('scancodes go out in groups of at most 25, never splitting a key', () => {
  const actions = plan('abcdefghijklm');
  assert.deepEqual(actions.map((a) => (a.kind === 'keys' ? a.codes.length : -1)), [24, 2]);
  const shifted = plan('ABCDEFG');
  assert.deepEqual(shifted.map((a) => (a.kind === 'keys' ? a.codes.length : -1)), [24, 4]);
});

test('text that only looks like a tag is typed as written; characters a US keyboard lacks are refused', () => {
  assert.deepEqual(plan('<x>'), [keys('2a', '33', 'aa', 'b3', '2d', 'ad', '2a', '34', 'aa', 'b4')]);
  const bad = planBootCommand('é');
  assert.equal(bad.ok ? '' : bad.error, 'boot_command: "é" cannot be typed on a US keyboard');
  const zero = planBootCommand('<wait0s>');
  assert.equal(zero.ok ? '' : zero.error, 'boot_command: Expecting a positive wait value. Got 0s');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keysForChar, parseBootCommand, type KeyAction } from '../../../core/builders/qemu/boot-command';

function actions(text: string): KeyAction[] {
  const r = parseBootCommand(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

const tap = (...keys: string[]): KeyAction => ({ kind: 'tap', keys });

test('plain text is typed key by key, capitals and symbols with shift', () => {
  assert.deepEqual(actions('aZ9 -_:/'), [tap('a'), tap('shift', 'z'), tap('9'), tap('spc'), tap('minus'), tap('shift', 'minus'), tap('shift', 'semicolon'), tap('slash')]);
  assert.deepEqual(keysForChar('~'), ['shift', 'grave_accent']);
  assert.deepEqual(keysForChar('"'), ['shift', 'apostrophe']);
});

test('special keys in any case', () => {
  assert.deepEqual(actions('<enter><esc><tab><bs><del><return><spacebar>'), [
    tap('ret'),
    tap('esc'),
    tap('tab'),
    tap('backspace'),
    tap('delete'),
    tap('ret'),
    tap('spc'),
  ]);
  assert.deepEqual(actions('<F1><f12><pageUp><PAGEDOWN><home><end><up><down><left><right><insert>'), [
    tap('f1'),
    tap('f12'),
    tap('pgup'),
    tap('pgdn'),
    tap('home'),
    tap('end'),
    tap('up'),
    tap('down'),
    tap('left'),
    tap('right'),
    tap('insert'),
  ]);
});

test('waits: <wait> is a second, <waitN> N seconds, <wait10s> and <wait1m30s> Go durations', () => {
  assert.deepEqual(actions('<wait><wait5><wait10s><wait1m30s><wait250ms>'), [
    { kind: 'wait', ms: 1000 },
    { kind: 'wait', ms: 5000 },
    { kind: 'wait', ms: 10_000 },
    { kind: 'wait', ms: 90_000 },
    { kind: 'wait', ms: 250 },
  ]);
});

test('modifiers stay held between On and Off', () => {
  assert.deepEqual(actions('<leftCtrlOn>c<leftCtrlOff><leftAltOn><f2><leftAltOff><rightShiftOn>x<rightShiftOff>'), [
    { kind: 'down', key: 'ctrl' },
    tap('c'),
    { kind: 'up', key: 'ctrl' },
    { kind: 'down', key: 'alt' },
    tap('f2'),
    { kind: 'up', key: 'alt' },
    { kind: 'down', key: 'shift_r' },
    tap('x'),
    { kind: 'up', key: 'shift_r' },
  ]);
  assert.deepEqual(actions('<leftSuper><rightCtrl>'), [tap('meta_l'), tap('ctrl_r')]);
});

test('text that only looks like a tag is typed as written', () => {
  assert.deepEqual(actions('<foo>'), [tap('shift', 'comma'), tap('f'), tap('o'), tap('o'), tap('shift', 'dot')]);
  assert.deepEqual(actions('a<b'), [tap('a'), tap('shift', 'comma'), tap('b')]);
});

test('a typical installer line, placeholders already filled in', () => {
  const a = actions('<esc><wait>linux ks=http://10.0.2.2:8123/ks.cfg<enter>');
  assert.deepEqual(a.slice(0, 3), [tap('esc'), { kind: 'wait', ms: 1000 }, tap('l')]);
  assert.deepEqual(a.at(-1), tap('ret'));
  assert.equal(a.filter((x) => x.kind === 'tap').length, 1 + 'linux ks=http://10.0.2.2:8123/ks.cfg'.length + 1);
});

test('errors: a character no US key types, a wait that is not positive', () => {
  const r = parseBootCommand('ok é');
  assert.deepEqual(r, { ok: false, error: 'boot_command: the character "é" at position 4 cannot be typed on a US keyboard' });
  const w = parseBootCommand('<wait0s>');
  assert.deepEqual(w, { ok: false, error: 'boot_command: <wait0s>: a wait must be positive' });
});

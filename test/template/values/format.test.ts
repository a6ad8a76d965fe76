// Expected texts were read from `packer console` 1.6.6 output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatValue } from '../../../core/template/values/format';
import { listOf, T_DYNAMIC, T_STRING } from '../../../core/template/values/type';
import { list, map, markSensitive, nullOf, num, object, str, tuple, unknownOf } from '../../../core/template/values/value';

test('numbers print like cty: integers whole, others shortest with Go exponents', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [-12, '-12'],
    [123456789012, '123456789012'],
    [1e17, '100000000000000000'],
    [1.2345678901234567e19, '1.2345678901234567e+19'],
    [1e20, '1e+20'],
    [1e21, '1e+21'],
    [1 / 3, '0.3333333333333333'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1234567.5, '1.2345675e+06'],
    [123456.5, '123456.5'],
    [-2.5, '-2.5'],
  ];
  for (const [n, want] of cases) assert.equal(formatNumber(n), want, String(n));
});

test('a top-level string prints raw, nested strings quoted with Go escapes', () => {
  assert.equal(formatValue(str('x\ny')), 'x\ny');
  assert.equal(
    formatValue(tuple([str('a"b'), str('x\ny'), str('tab\there'), str('é☃'), str('${x}')])),
    '[\n  "a\\"b",\n  "x\\ny",\n  "tab\\there",\n  "é☃",\n  "${x}",\n]',
  );
});

test('collections print with two-space indents, trailing commas and sorted keys', () => {
  const v = object({ b: num(1), a: tuple([]), 'c d': object({ x: str('y') }) });
  assert.equal(formatValue(v), '{\n  "a" = []\n  "b" = 1\n  "c d" = {\n    "x" = "y"\n  }\n}');
  assert.equal(formatValue(tuple([tuple([]), object({})])), '[\n  [],\n  {},\n]');
  assert.equal(formatValue(list(T_STRING, [])), '[]');
  assert.equal(formatValue(tuple([nullOf(T_DYNAMIC), num(1)])), '[\n  null,\n  1,\n]');
  assert.equal(formatValue(map(listOf(T_STRING), { k: list(T_STRING, [str('v')]) })), '{\n  "k" = [\n    "v",\n  ]\n}');
});

test('sensitive values print as <sensitive>, quoted inside collections as Packer 1.6.6 shows them', () => {
  assert.equal(formatValue(markSensitive(str('secret'))), '<sensitive>');
  assert.equal(formatValue(tuple([markSensitive(str('secret')), str('x')])), '[\n  "<sensitive>",\n  "x",\n]');
  assert.equal(formatValue(object({ pw: markSensitive(str('s')) })), '{\n  "pw" = "<sensitive>"\n}');
});

test('null attributes are left out, as Packer 1.6.6 prints objects', () => {
  assert.equal(formatValue(object({ a: nullOf(T_DYNAMIC), b: num(1) })), '{\n  "b" = 1\n}');
  assert.equal(formatValue(object({ a: nullOf(T_DYNAMIC) })), '{}');
});

test('unknown values print as <unknown>', () => {
  assert.equal(formatValue(unknownOf(T_DYNAMIC)), '<unknown>');
});

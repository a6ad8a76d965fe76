/**
 * A legacy JSON template Go's decoder cannot read is reported in Packer 1.14's words ("Error parsing JSON: " and
 * encoding/json's message), at the character Go stopped at. Each of the scanner's messages has a case here; where the
 * reference Packer 1.14 runs, each case is also given to it and its message and line must be ours. Packer counts a
 * column from Go's byte offset, which is past the character: after the first line its column is ours + 1 (on the first
 * it starts from 0, so it is ours); at the end of the file both point past the last character.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLegacyTemplateText } from '../../../core/template/legacy/load';
import { findGoJsonSyntaxError, goQuoteChar } from '../../../core/template/legacy/go-json-syntax';
import { readFixTemplate } from '../../../core/template/fix/value';
import { PACKER_1_14, runReferencePacker } from '../../support/reference-packer';

interface Case {
  name: string;
  text: string;
  message: string;
  line: number;
  column: number;
}

const B = '"builders": [{"type": "null", "communicator": "none"}]';

const CASES: Case[] = [
  { name: 'a merge conflict marker', text: `{\n  ${B},\n<<<<<<< HEAD\n}\n`, message: "invalid character '<' looking for beginning of object key string", line: 3, column: 1 },
  { name: 'a trailing comma in a list', text: `{"builders": [{"type": "null"},]}`, message: "invalid character ']' looking for beginning of value", line: 1, column: 32 },
  { name: 'a missing colon', text: `{\n  "builders" [{"type": "null"}]\n}`, message: "invalid character '[' after object key", line: 2, column: 14 },
  { name: 'a missing comma between properties', text: `{\n  "description": "x"\n  ${B}\n}`, message: `invalid character '"' after object key:value pair`, line: 3, column: 3 },
  { name: 'a missing comma between items', text: `{"builders": [{"type": "null"} {"type": "null"}]}`, message: "invalid character '{' after array element", line: 1, column: 32 },
  { name: 'a second closing brace', text: `{${B}}\n}\n`, message: "invalid character '}' after top-level value", line: 2, column: 1 },
  { name: 'a raw tab in a string', text: `{"description": "a\tb", ${B}}`, message: "invalid character '\\t' in string literal", line: 1, column: 19 },
  { name: 'an unknown escape', text: `{"description": "a\\qb", ${B}}`, message: "invalid character 'q' in string escape code", line: 1, column: 20 },
  { name: 'a short \\u escape', text: `{"description": "\\u12x4", ${B}}`, message: "invalid character 'x' in \\u hexadecimal character escape", line: 1, column: 22 },
  { name: 'a minus sign alone', text: `{"min_packer_version": -x, ${B}}`, message: "invalid character 'x' in numeric literal", line: 1, column: 25 },
  { name: 'a decimal point without digits', text: `{"a": 1.x, ${B}}`, message: "invalid character 'x' after decimal point in numeric literal", line: 1, column: 9 },
  { name: 'an exponent without digits', text: `{"a": 1ex, ${B}}`, message: "invalid character 'x' in exponent of numeric literal", line: 1, column: 9 },
  { name: 'True in capitals', text: `{"a": True, ${B}}`, message: "invalid character 'T' looking for beginning of value", line: 1, column: 7 },
  { name: 'true cut short', text: `{"a": tru, ${B}}`, message: "invalid character ',' in literal true (expecting 'e')", line: 1, column: 10 },
  { name: 'false misspelt', text: `{"a": flase, ${B}}`, message: "invalid character 'l' in literal false (expecting 'a')", line: 1, column: 8 },
  { name: 'null misspelt', text: `{"a": nil, ${B}}`, message: "invalid character 'i' in literal null (expecting 'u')", line: 1, column: 8 },
  { name: 'a comment', text: `{\n  // the builders\n  ${B}\n}`, message: "invalid character '/' looking for beginning of object key string", line: 2, column: 3 },
  { name: 'typographic quotes (Go names the first UTF-8 byte)', text: `{"builders": “x”}`, message: "invalid character 'â' looking for beginning of value", line: 1, column: 14 },
  { name: 'single quotes', text: `{'builders': []}`, message: "invalid character '\\'' looking for beginning of object key string", line: 1, column: 2 },
  { name: 'a file cut short', text: `{\n  "builders": [\n`, message: 'unexpected end of JSON input', line: 3, column: 1 },
];

const load = (text: string) => loadLegacyTemplateText(text, 'bad.json', { env: {} }).diagnostics.filter((d) => d.severity === 'error');

for (const c of CASES) {
  test(`legacy JSON syntax, in Go's words: ${c.name}`, () => {
    const errors = load(c.text);
    assert.deepEqual(
      errors.map((d) => [d.summary, d.range?.filename, d.range?.start.line, d.range?.start.column]),
      [[`Error parsing JSON: ${c.message}`, 'bad.json', c.line, c.column]],
    );
  });
}

test('what Go reads is no syntax error, whatever its shape', () => {
  for (const text of ['{}', '[]', '"x"', ' 1e5 ', '-0.5E+3', 'null', `{"a": [true, false, null, {"b": "\\u00e9\\n"}], "😀": 1}`]) {
    assert.equal(findGoJsonSyntaxError(text), undefined, text);
  }
});

test('Go quotes a character as strconv.Quote does, byte by byte', () => {
  assert.deepEqual(
    [0x3c, 0x27, 0x22, 0x5c, 0x0a, 0x00, 0x7f, 0x85, 0xa0, 0xad, 0xe2, 0xff].map(goQuoteChar),
    ["'<'", "'\\''", `'"'`, "'\\\\'", "'\\n'", "'\\x00'", "'\\x7f'", "'\\u0085'", "'\\u00a0'", "'\\u00ad'", "'â'", "'ÿ'"],
  );
});

test("a json.Decoder (packer fix, a -var-file) reads the first value only and names a cut-short file io's EOF", () => {
  assert.equal(findGoJsonSyntaxError('{"a": 1} trailing', 'decoder'), undefined);
  assert.equal(findGoJsonSyntaxError('{"a": 1} trailing')?.message, "invalid character 't' after top-level value");
  assert.equal(findGoJsonSyntaxError('{"a": [1', 'decoder')?.message, 'unexpected EOF');
  assert.equal(findGoJsonSyntaxError(' \n', 'decoder')?.message, 'EOF');
  assert.equal(findGoJsonSyntaxError('{"a": -', 'decoder')?.message, 'unexpected EOF');
  assert.equal(findGoJsonSyntaxError('{"a": -')?.message, "invalid character ' ' in numeric literal");
  const fix = readFixTemplate('{\n  "builders": [,]\n}', 't.json');
  assert.ok(!fix.ok);
  assert.equal(fix.error.summary, "Error parsing template: invalid character ',' looking for beginning of value");
  assert.deepEqual([fix.error.range?.start.line, fix.error.range?.start.column], [2, 16]);
});

test('a legacy -var-file Packer cannot decode is named with the file, in its words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-json-syntax-'));
  writeFileSync(join(dir, 'vars.json'), '{"a": "x",}');
  const r = loadLegacyTemplateText(`{${B}}`, 't.json', { env: {}, cwd: dir, varFiles: ['vars.json'] });
  const e = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    e.map((d) => [d.summary, d.range?.filename, d.range?.start.column]),
    [["Error reading variables in 'vars.json': invalid character '}' looking for beginning of object key string", 'vars.json', 11]],
  );
});

test('live: Packer 1.14 says the same of every case, at the same line', { skip: PACKER_1_14.skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-json-syntax-'));
  for (const [i, c] of CASES.entries()) {
    const file = `case-${i}.json`;
    writeFileSync(join(dir, file), c.text);
    const r = runReferencePacker(PACKER_1_14.packer!, ['validate', file], { cwd: dir });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(/^Original error: (.*)$/m.exec(out)?.[1], `Error parsing JSON: ${c.message}`, `${c.name}: ${out}`);
    const [, line, column] = /^At line (\d+), column (\d+)/m.exec(out) ?? [];
    const pastCharacter = !c.message.startsWith('unexpected end') && c.line > 1;
    assert.deepEqual([Number(line), Number(column)], [c.line, pastCharacter ? c.column + 1 : c.column], `${c.name}: ${out}`);
  }
  writeFileSync(join(dir, 'vars.json'), '{"a": "x",}');
  writeFileSync(join(dir, 't.json'), `{${B}}`);
  const v = runReferencePacker(PACKER_1_14.packer!, ['validate', '-var-file=vars.json', 't.json'], { cwd: dir });
  assert.match(`${v.stdout}${v.stderr}`, /Error reading variables in 'vars\.json': invalid character '\}' looking for beginning of object key string/);
});

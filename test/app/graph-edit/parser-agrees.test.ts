/**
 * Texts the renderer's old second scanner (renderer/graph/text-edit.ts, removed) misread, where the form showed a value
 * that ran into the next lines or an edit landed in the wrong place. The edits now come from the HCL parser's tree, so
 * they read the text as the build does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range } from '../../../core/contract/types';
import { blockAttributes, insertBlockAfter, insertBlockInBuild, removeAttribute, replaceAttributeValue } from '../../../core/app/graph-edit/hcl';
import { applyEdits } from '../../../core/app/graph-edit/text';
import type { Block } from '../../../core/template/hcl/ast';
import { parseHcl } from '../../../core/template/hcl/parser';

const FILE = 'a.pkr.hcl';

/** The range of the block whose header is on `line`, as the graph gives it (the parser's whole-block range). */
function blockOn(text: string, line: number): Range {
  const find = (blocks: readonly Block[]): Block | undefined => {
    for (const b of blocks) {
      if (b.range.start.line === line) return b;
      const inner = find(b.body.blocks);
      if (inner) return inner;
    }
    return undefined;
  };
  const found = find(parseHcl(text, FILE).body.blocks);
  assert.ok(found, `a block starts on line ${line}`);
  return found.range;
}

const written = (text: string, range: Range) => blockAttributes(text, range)?.map((a) => [a.name, a.value]);

/** The text after the edit, which must still parse without errors. */
function edited(text: string, edit: ReturnType<typeof replaceAttributeValue>): string {
  assert.ok(edit, 'an edit was made');
  const out = applyEdits(text, [edit]);
  assert.deepEqual(parseHcl(out, FILE).diagnostics.map((d) => d.summary), [], `still valid HCL:\n${out}`);
  return out;
}

test('a "}" in a string inside an interpolation does not end the value: the next attribute is still read', () => {
  const text = 'provisioner "shell" {\n  inline = ["${lookup(m, "}", "")}"] # a comment\n  max_retries = 2\n}\n';
  const range = blockOn(text, 1);
  assert.deepEqual(written(text, range), [
    ['inline', '["${lookup(m, "}", "")}"]'],
    ['max_retries', '2'],
  ]);
  assert.equal(edited(text, replaceAttributeValue(text, range, 'max_retries', '3')), text.replace('max_retries = 2', 'max_retries = 3'));
});

test('escaped "$${" and "%%{" are literal text, not the start of a template sequence', () => {
  const text = 'provisioner "shell" {\n  inline = ["echo $${", "echo 100%%{"]\n  max_retries = 2\n}\n';
  const range = blockOn(text, 1);
  assert.deepEqual(written(text, range), [
    ['inline', '["echo $${", "echo 100%%{"]'],
    ['max_retries', '2'],
  ]);
  assert.equal(edited(text, removeAttribute(text, range, 'max_retries')), 'provisioner "shell" {\n  inline = ["echo $${", "echo 100%%{"]\n}\n');
});

test('a block comment after a value is not part of it, and stays when the value is replaced', () => {
  const text = 'provisioner "file" {\n  source      = "a" /* from the repo */\n  destination = "/tmp/"\n}\n';
  const range = blockOn(text, 1);
  assert.deepEqual(written(text, range)?.[0], ['source', '"a"']);
  assert.equal(edited(text, replaceAttributeValue(text, range, 'source', '"b"')), text.replace('"a" /*', '"b" /*'));
});

test('a one-line block: its value ends before the closing brace, and a second setting opens the block onto lines', () => {
  const text = 'build {\n  provisioner "shell" { inline = ["echo one"] }\n}\n';
  const range = blockOn(text, 2);
  assert.deepEqual(written(text, range), [['inline', '["echo one"]']]);
  assert.equal(edited(text, replaceAttributeValue(text, range, 'inline', '["echo two"]')), text.replace('echo one', 'echo two'));
  assert.equal(
    edited(text, replaceAttributeValue(text, range, 'max_retries', '2')),
    'build {\n  provisioner "shell" {\n    max_retries = 2\n    inline = ["echo one"]\n  }\n}\n',
  );
  assert.equal(edited(text, removeAttribute(text, range, 'inline')), 'build {\n  provisioner "shell" {}\n}\n');
});

test('in a CRLF file a heredoc holding "}" is text, and inserted lines end in CRLF too', () => {
  const text = 'build {\r\n  provisioner "shell" {\r\n    inline = [<<EOT\r\n}\r\nEOT\r\n    ]\r\n    max_retries = 2\r\n  }\r\n}\r\n';
  const range = blockOn(text, 2);
  assert.deepEqual(written(text, range), [
    ['inline', '[<<EOT\r\n}\r\nEOT\r\n    ]'],
    ['max_retries', '2'],
  ]);
  const out = edited(text, insertBlockAfter(text, range, 'provisioner "file" {\n  source = "a"\n}'));
  assert.equal(out, text.replace('  }\r\n}', '  }\r\n\r\n  provisioner "file" {\r\n    source = "a"\r\n  }\r\n}'));
  assert.doesNotMatch(out, /[^\r]\n/, 'no bare LF line endings');
});

test('a build block inside a block comment is not where the first provisioner goes', () => {
  const text = '/*\nbuild {\n}\n*/\nbuild {\n  sources = ["source.null.a"]\n}\n';
  assert.equal(
    edited(text, insertBlockInBuild(text, FILE, 'provisioner "shell" {\n}')),
    '/*\nbuild {\n}\n*/\nbuild {\n  sources = ["source.null.a"]\n\n  provisioner "shell" {\n  }\n}\n',
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range } from '../../../core/contract/types';
import { buildBlocks, deleteBlock, insertBlockAfter, insertBlockInBuild, PROVISIONER_BLOCKS, replaceAttributeValue, swapBlocks } from '../../../core/app/graph-edit/hcl';
import { applyEdits } from '../../../core/app/graph-edit/text';

const r = (l1: number, c1: number, l2: number, c2: number): Range => ({ filename: 'a.pkr.hcl', start: { line: l1, column: c1, byte: 0 }, end: { line: l2, column: c2, byte: 0 } });

const template = `# top comment
build {
  sources = ["source.docker.x"]

  # first step
  provisioner "shell" {
    inline = ["a"] # keep me
  }

  provisioner "file" {
    source = "x"
    destination = "/y"
  }
}
`;
const shell = r(6, 3, 8, 4);
const file = r(10, 3, 13, 4);

test('inserting a provisioner after another keeps indentation and comments', () => {
  const out = applyEdits(template, [insertBlockAfter(template, shell, PROVISIONER_BLOCKS['shell-local'])!]);
  assert.equal(
    out,
    template.replace('  }\n\n  provisioner "file"', '  }\n\n  provisioner "shell-local" {\n    inline = ["echo done"]\n  }\n\n  provisioner "file"'),
  );
});

test('deleting a block removes its lines and one blank line, nothing else', () => {
  const out = applyEdits(template, [deleteBlock(template, file)!]);
  assert.equal(out, `# top comment
build {
  sources = ["source.docker.x"]

  # first step
  provisioner "shell" {
    inline = ["a"] # keep me
  }
}
`);
});

test('swapping two blocks keeps what lies between them', () => {
  const out = applyEdits(template, [swapBlocks(template, shell, file)!]);
  assert.match(out, /build \{\n  sources = \["source.docker.x"\]\n\n  # first step\n  provisioner "file" \{\n    source = "x"\n    destination = "\/y"\n  \}\n\n  provisioner "shell" \{\n    inline = \["a"\] # keep me\n  \}\n\}\n$/);
});

test('replacing an attribute value touches only the value', () => {
  const edit = replaceAttributeValue(template, shell, 'inline', '["b", "c"]');
  assert.ok(edit);
  assert.equal(applyEdits(template, [edit]), template.replace('inline = ["a"] # keep me', 'inline = ["b", "c"] # keep me'));
  const multi = 'x {\n  list = [\n    "a",\n  ]\n  other = 1\n}\n';
  const e2 = replaceAttributeValue(multi, r(1, 1, 6, 2), 'list', '[]');
  assert.equal(applyEdits(multi, [e2!]), 'x {\n  list = []\n  other = 1\n}\n');
});

test('a missing attribute is added as the first line of the block; nested blocks are not searched', () => {
  const t = 'source "docker" "x" {\n  inner {\n    image = "a"\n  }\n}\n';
  const edit = replaceAttributeValue(t, r(1, 1, 5, 2), 'image', '"debian"');
  assert.equal(applyEdits(t, [edit!]), 'source "docker" "x" {\n  image = "debian"\n  inner {\n    image = "a"\n  }\n}\n');
});

test('the first provisioner goes before the closing brace of the build block', () => {
  const t = 'build {\n  sources = ["a"] # "}"\n}\n';
  const [b] = buildBlocks(t, 'a.pkr.hcl');
  assert.equal(t[b.close], '}');
  assert.equal(applyEdits(t, [insertBlockInBuild(t, 'a.pkr.hcl', PROVISIONER_BLOCKS.shell)!]), 'build {\n  sources = ["a"] # "}"\n\n  provisioner "shell" {\n    inline = ["echo hello"]\n  }\n}\n');
});

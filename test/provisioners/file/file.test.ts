import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileConfig } from '../../../core/provisioners/file/provisioner';
import type { Plain } from '../../../core/template/values/value';
import { assertNothingLeft, inImage, plannedBuild, removeImages, requireDocker, runBuild, TINY_IMAGE, workDir } from '../../builders/docker/harness';

function prepareErrors(fields: Record<string, Plain>, cwd = '/'): string[] {
  const r = readFileConfig(plannedBuild({ builder: fields }).builder, cwd);
  return r.ok ? [] : r.error;
}

test('prepare: Packer\'s messages', () => {
  assert.deepEqual(prepareErrors({ destination: '/x' }), ['Source must be specified.']);
  assert.deepEqual(prepareErrors({ source: '/etc/hostname' }), ['Destination must be specified.']);
  assert.deepEqual(prepareErrors({ source: 'missing.txt', destination: '/x' }), ["Bad source 'missing.txt': stat missing.txt: no such file or directory"]);
  assert.deepEqual(prepareErrors({ source: 'missing.txt', destination: '/x', generated: true }), []);
  assert.deepEqual(prepareErrors({ source: '/etc/hostname', destination: '/x', direction: 'sideways' }), ['Direction must be one of: download, upload.']);
  assert.deepEqual(prepareErrors({ source: '/etc/hostname', content: 'x', destination: '/x' }), ['Cannot specify both source and content']);
  assert.deepEqual(prepareErrors({ source: '/remote/only', destination: 'here', direction: 'download' }), []);
});

test('download: a file to a path, a file into a folder ("dir/"), a folder and a folder\'s contents', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, discard: true },
      provisioners: [
        ['shell', { inline: ['mkdir -p /data/sub', 'echo one > /data/one.txt', 'echo two > /data/sub/two.txt'] }],
        ['file', { direction: 'download', source: '/data/one.txt', destination: 'renamed.txt' }],
        ['file', { direction: 'download', sources: ['/data/one.txt', '/data/sub/two.txt'], destination: 'into/' }],
        ['file', { direction: 'download', source: '/data', destination: 'whole/' }],
        ['file', { direction: 'download', source: '/data/', destination: 'contents/' }],
      ],
    },
    dir,
  );
  assert.equal(r.summary.builds[0].result, 'succeeded', `${r.summary.builds[0].error}\n${r.log.join('\n')}`);
  assert.equal(readFileSync(join(dir, 'renamed.txt'), 'utf8'), 'one\n');
  assert.deepEqual(readdirSync(join(dir, 'into')).sort(), ['one.txt', 'two.txt']);
  assert.deepEqual(readdirSync(join(dir, 'whole')), ['data']);
  assert.equal(readFileSync(join(dir, 'whole/data/sub/two.txt'), 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(join(dir, 'contents')).sort(), ['one.txt', 'sub']);
  assert.ok(r.log.includes('Downloading /data/one.txt => renamed.txt'));
  assertNothingLeft(r.runId);
});

test('upload: several sources into a folder; a generated source made by an earlier step', async () => {
  requireDocker();
  const dir = workDir();
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, 'b.txt'), 'b\n');
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, commit: true },
      provisioners: [
        ['shell-local', { inline: [`echo generated > ${join(dir, 'gen.txt')}`] }],
        ['file', { sources: ['a.txt', 'b.txt'], destination: '/root/' }],
        ['file', { source: 'gen.txt', destination: '/root/gen.txt', generated: true }],
      ],
    },
    dir,
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
  try {
    assert.equal(inImage(b.artifacts[0].id, 'cat /root/a.txt /root/b.txt /root/gen.txt'), 'a\nb\ngenerated');
  } finally {
    removeImages(b.artifacts[0].id);
  }
  assertNothingLeft(r.runId);
});

test('a failed upload stops the build with the reason', async () => {
  requireDocker();
  const dir = workDir();
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  const r = await runBuild({ builder: { image: TINY_IMAGE, discard: true }, provisioners: [['file', { source: 'a.txt', destination: '/missing/dir/a.txt' }]] }, dir);
  assert.equal(r.summary.builds[0].error, 'Upload failed: the folder /missing/dir does not exist in the container (create it first, or upload to an existing folder)');
  assertNothingLeft(r.runId);
});

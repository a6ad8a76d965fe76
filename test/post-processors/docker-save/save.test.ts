import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertNothingLeft, removeImages, requireDocker, runBuild, TINY_IMAGE, uniqueName, workDir } from '../../builders/docker/harness';

test('docker-save writes the tagged image to a tar (docker save layout); no partial file remains', async () => {
  requireDocker();
  const dir = workDir();
  const repo = `bakehouse-test/${uniqueName('save')}`;
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, commit: true },
      provisioners: [['shell', { inline: ['echo saved > /saved.txt'] }]],
      postProcessors: [[['docker-tag', { repository: repo, tags: ['s'] }], ['docker-save', { path: 'image.tar' }]]],
    },
    dir,
  );
  const b = r.summary.builds[0];
  try {
    assert.equal(b.result, 'succeeded', b.error);
    assert.ok(r.log.includes(`Saving image: ${repo}:s`) && r.log.includes('Saved to: image.tar'));
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', join(dir, 'image.tar'), 'manifest.json'], { encoding: 'utf8' })) as Array<{ RepoTags: string[] }>;
    assert.deepEqual(manifest[0].RepoTags, [`${repo}:s`]);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('partial')), []);
  } finally {
    removeImages(`${repo}:s`, b.artifacts[0]?.id ?? '');
  }
  assertNothingLeft(r.runId);
});

test('docker-save into a missing folder fails cleanly and leaves nothing', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: TINY_IMAGE, commit: true }, postProcessors: [[['docker-save', { path: 'no/such/dir/image.tar' }]]] }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, '1 error(s) occurred:\n\n* Post-processor failed: Error creating output file: the folder no/such/dir does not exist');
  assert.deepEqual(readdirSync(dir), []);
});

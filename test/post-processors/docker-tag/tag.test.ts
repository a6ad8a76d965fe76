import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNothingLeft, docker, removeImages, requireDocker, runBuild, TINY_IMAGE, uniqueName, workDir } from '../../builders/docker/harness';

test('docker-tag: tags the committed image once per tag; the artifact lists them and the image is kept', async () => {
  requireDocker();
  const repo = `bakehouse-test/${uniqueName('tag')}`;
  const r = await runBuild(
    { builder: { image: TINY_IMAGE, commit: true }, provisioners: [['shell', { inline: ['touch /tagged'] }]], postProcessors: [[['docker-tag', { repository: repo, tags: ['one', 'two'] }]]] },
    workDir(),
  );
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', b.error);
  try {
    assert.deepEqual(
      b.artifacts.map((a) => [a.builderId, a.id]),
      [
        ['packer.post-processor.docker-import', b.artifacts[0].id],
        ['packer.post-processor.docker-tag', `${repo}:two`],
      ],
    );
    assert.deepEqual(b.artifacts[1].state.docker_tags, [`${repo}:one`, `${repo}:two`]);
    assert.equal(docker('image', 'inspect', '--format', '{{.Id}}', `${repo}:one`), b.artifacts[0].id);
    assert.equal(docker('image', 'inspect', '--format', '{{.Id}}', `${repo}:two`), b.artifacts[0].id);
    assert.ok(r.log.includes(`Repository: ${repo}:one`));
  } finally {
    removeImages(`${repo}:one`, `${repo}:two`, b.artifacts[0]?.id ?? '');
  }
  assertNothingLeft(r.runId);
});

test('docker-tag refuses an exported tar with Packer\'s message', async () => {
  requireDocker();
  const r = await runBuild({ builder: { image: TINY_IMAGE, discard: true }, postProcessors: [[['docker-tag', { repository: 'x/y' }]]] }, workDir());
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, '1 error(s) occurred:\n\n* Post-processor failed: Unknown artifact type: packer.docker\nCan only tag from Docker builder artifacts.');
});

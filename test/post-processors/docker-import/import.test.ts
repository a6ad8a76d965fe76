import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertNothingLeft, docker, inImage, removeImages, requireDocker, runBuild, TINY_IMAGE, uniqueName, workDir } from '../../builders/docker/harness';

test('docker-import turns the exported tar into an image with changes; the tar is removed as Packer does', async () => {
  requireDocker();
  const dir = workDir();
  const repo = `bakehouse-test/${uniqueName('import')}`;
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, export_path: 'fs.tar' },
      provisioners: [['shell', { inline: ['echo imported > /imported.txt'] }]],
      postProcessors: [[['docker-import', { repository: repo, tag: 'v9', changes: ['ENV IMPORTED=yes', 'WORKDIR /opt'] }]]],
    },
    dir,
  );
  const b = r.summary.builds[0];
  try {
    assert.equal(b.result, 'succeeded', b.error);
    assert.deepEqual(b.artifacts.map((a) => [a.builderId, a.id]), [['packer.post-processor.docker-import', `${repo}:v9`]]);
    assert.ok(r.log.some((l) => /^Imported ID: sha256:[0-9a-f]{64}$/.test(l)));
    assert.equal(existsSync(join(dir, 'fs.tar')), false, 'the input artifact is not kept');
    assert.equal(inImage(`${repo}:v9`, 'cat /imported.txt; echo $IMPORTED; pwd'), 'imported\nyes\n/opt');
    assert.equal(docker('image', 'inspect', '--format', '{{.Config.WorkingDir}}', `${repo}:v9`), '/opt');
  } finally {
    removeImages(`${repo}:v9`);
  }
  assertNothingLeft(r.runId);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { assertNothingLeft, docker, REGISTRY, removeImages, requireDocker, runBuild, TINY_IMAGE, uniqueName, workDir } from '../../builders/docker/harness';

function registryTags(repo: string): string[] {
  const out = execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/${repo}/tags/list`], { encoding: 'utf8' });
  return ((JSON.parse(out) as { tags: string[] }).tags ?? []).sort();
}

test('docker-tag + docker-push to the local registry, then a build pulls it back (pull = true)', async () => {
  requireDocker();
  const name = `bakehouse/${uniqueName('push')}`;
  const repo = `${REGISTRY}/${name}`;
  const marker = uniqueName('marker');
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, commit: true },
      provisioners: [['shell', { inline: [`echo ${marker} > /marker`] }]],
      postProcessors: [[['docker-tag', { repository: repo, tags: ['v1', 'latest'] }], ['docker-push', {}]]],
    },
    workDir(),
  );
  const b = r.summary.builds[0];
  const imageId = b.artifacts[0]?.id ?? '';
  try {
    assert.equal(b.result, 'succeeded', `${b.error}\n${r.log.join('\n')}`);
    assert.ok(r.log.includes(`Pushing: ${repo}:latest`) && r.log.includes(`Pushing: ${repo}:v1`), r.log.join('\n'));
    assert.deepEqual(registryTags(name), ['latest', 'v1']);
    const pushed = b.artifacts[b.artifacts.length - 1];
    assert.equal(pushed.builderId, 'packer.post-processor.docker-import');
    assert.equal(pushed.id, `${repo}:latest`);
  } finally {
    removeImages(`${repo}:v1`, `${repo}:latest`, imageId);
  }
  assertNothingLeft(r.runId);
  // Nothing local is left: the next build must really pull from the registry.
  assert.equal(docker('images', '-q', repo), '');
  const pulled = await runBuild({ builder: { image: `${repo}:v1`, pull: true, discard: true }, provisioners: [['shell', { inline: ['cat /marker'] }]] }, workDir());
  try {
    assert.equal(pulled.summary.builds[0].result, 'succeeded', pulled.summary.builds[0].error);
    assert.ok(pulled.log.includes(`Pulling Docker image: ${repo}:v1`));
    assert.ok(pulled.log.includes(marker), 'the pulled image has what the first build put there');
  } finally {
    removeImages(`${repo}:v1`);
  }
  assertNothingLeft(pulled.runId);
});

test('docker-push with login uses the template credentials (the local registry accepts any)', async () => {
  requireDocker();
  const name = `bakehouse/${uniqueName('login')}`;
  const repo = `${REGISTRY}/${name}`;
  const r = await runBuild(
    {
      builder: { image: TINY_IMAGE, commit: true },
      postProcessors: [[['docker-tag', { repository: repo, tags: ['x'] }], ['docker-push', { login: true, login_server: REGISTRY, login_username: 'baker', login_password: 's3cret' }]]],
    },
    workDir(),
  );
  const b = r.summary.builds[0];
  try {
    assert.equal(b.result, 'succeeded', b.error);
    assert.ok(r.log.includes('Logging in...'));
    assert.deepEqual(registryTags(name), ['x']);
  } finally {
    removeImages(`${repo}:x`, b.artifacts[0]?.id ?? '');
  }
});

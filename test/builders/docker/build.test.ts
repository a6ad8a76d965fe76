import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../../core/engine/events';
import { assertNothingLeft, docker, inImage, removeImages, requireDocker, runBuild, TINY_IMAGE, workDir } from './harness';

function stepTimes(events: EngineEvent[]): string {
  return events.flatMap((e) => (e.kind === 'step-finished' ? [`${e.step} ${e.durationMs}ms`] : [])).join(', ');
}

test('commit: shell and file provisioners, changes, owners; the image carries ENV/WORKDIR/CMD/LABEL', async () => {
  requireDocker();
  const dir = workDir();
  mkdirSync(join(dir, 'site/sub'), { recursive: true });
  writeFileSync(join(dir, 'site/index.html'), '<h1>hi</h1>\n');
  writeFileSync(join(dir, 'site/sub/deep.txt'), 'deep\n');
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\r\nset -e\r\necho "script sees $GREETING from $PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE"\r\nmkdir -p /srv/app\r\n');
  const started = Date.now();
  const r = await runBuild(
    {
      name: 'app',
      builder: {
        commit: true,
        author: 'Bakehouse Tests',
        message: 'built by a test',
        changes: ['ENV APP_MODE=production', 'WORKDIR /srv/app', 'CMD ["/bin/sh", "-c", "echo served"]', 'LABEL org.example.team=bakers', 'EXPOSE 8080'],
      },
      provisioners: [
        ['shell', { inline: ['echo hello-from-inline > /etc/motd-test', 'echo "$FOO" > /etc/foo-value'], environment_vars: ["FOO=it's quoted"] }],
        ['shell', { script: 'setup.sh', environment_vars: ['GREETING=hey'] }],
        ['file', { source: 'site', destination: '/srv/app' }],
        ['file', { source: 'site/', destination: '/srv/flat' }],
        ['file', { content: 'from content\n', destination: '/srv/app/content.txt' }],
      ],
    },
    dir,
  );
  const elapsed = Date.now() - started;
  const build = r.summary.builds[0];
  const artifact = build.artifacts[0];
  const image = artifact?.id ?? '';
  try {
    assert.equal(build.result, 'succeeded', `${build.error}\n${r.log.join('\n')}`);
    assert.ok(r.log.includes('script sees hey from app/docker'), r.log.join('\n'));
    assert.equal(artifact.builderId, 'packer.post-processor.docker-import');
    assert.match(artifact.id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(artifact.text, `Imported Docker image: ${artifact.id}`);
    assert.deepEqual(artifact.state.generated_data, { PackerRunUUID: r.runId, ImageSha256: artifact.id });
    const cfg = JSON.parse(docker('image', 'inspect', '--format', '{{json .}}', image)) as {
      Author: string;
      Comment: string;
      Config: { Env: string[]; WorkingDir: string; Cmd: string[]; Labels: Record<string, string> | null; ExposedPorts: Record<string, unknown> };
    };
    assert.equal(cfg.Author, 'Bakehouse Tests');
    assert.equal(cfg.Comment, 'built by a test');
    assert.ok(cfg.Config.Env.includes('APP_MODE=production'), cfg.Config.Env.join(' '));
    assert.equal(cfg.Config.WorkingDir, '/srv/app');
    assert.deepEqual(cfg.Config.Cmd, ['/bin/sh', '-c', 'echo served']);
    assert.equal(cfg.Config.Labels?.['org.example.team'], 'bakers');
    // Nothing of the run (its id, process, host) rides into the user's image.
    assert.deepEqual(Object.keys(cfg.Config.Labels ?? {}).filter((k) => k.startsWith('bakehouse')), []);
    assert.ok('8080/tcp' in cfg.Config.ExposedPorts);

    const files = inImage(
      image,
      [
        'cat /etc/motd-test /etc/foo-value',
        'stat -c "%U %n" /srv/app/site/index.html /srv/app/site/sub/deep.txt /srv/flat/index.html /srv/flat/sub/deep.txt /srv/app/content.txt',
        'cat /srv/app/content.txt',
        'ls /tmp | grep -c script_ || true',
      ].join('; '),
    );
    assert.deepEqual(files.split('\n'), [
      'hello-from-inline',
      "it's quoted",
      'root /srv/app/site/index.html',
      'root /srv/app/site/sub/deep.txt',
      'root /srv/flat/index.html',
      'root /srv/flat/sub/deep.txt',
      'root /srv/app/content.txt',
      'from content',
      '0',
    ]);
  } finally {
    removeImages(image);
  }
  assertNothingLeft(r.runId);
  console.log(`simple docker build (commit, 5 provisioners): ${elapsed} ms; steps: ${stepTimes(r.events)}`);
});

test('exec_user and fix_upload_owner: uploads belong to the exec user, commands run as them', async () => {
  requireDocker();
  const dir = workDir();
  writeFileSync(join(dir, 'note.txt'), 'note\n');
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf/a.conf'), 'a=1\n');
  // The user must exist before a container can run commands as it: make an image with it first.
  const base = await runBuild({ builder: { commit: true }, provisioners: [['shell', { inline: ['useradd -m -u 1500 builder'] }]] }, dir);
  assert.equal(base.summary.builds[0].result, 'succeeded', base.summary.builds[0].error);
  const withUser = base.summary.builds[0].artifacts[0].id;
  try {
    const r = await runBuild(
      {
        builder: { image: withUser, commit: true, exec_user: 'builder' },
        provisioners: [
          ['shell', { inline: ['id -un > /home/builder/whoami'] }],
          ['file', { source: 'note.txt', destination: '/home/builder/' }],
          ['file', { source: 'conf', destination: '/home/builder' }],
        ],
      },
      dir,
    );
    assert.equal(r.summary.builds[0].result, 'succeeded', `${r.summary.builds[0].error}\n${r.log.join('\n')}`);
    const image = r.summary.builds[0].artifacts[0].id;
    try {
      const out = inImage(image, 'cat /home/builder/whoami; stat -c "%U %n" /home/builder/note.txt /home/builder/conf /home/builder/conf/a.conf');
      assert.deepEqual(out.split('\n'), ['builder', 'builder /home/builder/note.txt', 'builder /home/builder/conf', 'builder /home/builder/conf/a.conf']);
    } finally {
      removeImages(image);
    }
    assertNothingLeft(r.runId);
  } finally {
    removeImages(withUser);
  }
});

test('export_path: the container filesystem lands in a tar, written whole; no partial file remains', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: TINY_IMAGE, export_path: 'out.tar' }, provisioners: [['shell', { inline: ['echo exported > /exported.txt'] }]] }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'succeeded', b.error);
  assert.equal(b.artifacts[0].builderId, 'packer.docker');
  assert.equal(b.artifacts[0].text, 'Exported Docker file: out.tar');
  const listing = execFileSync('tar', ['-tf', join(dir, 'out.tar')], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
  assert.ok(listing.includes('exported.txt'), 'the provisioned file is in the export');
  assert.ok(listing.includes('bin/sh'));
  assert.equal(execFileSync('tar', ['-xOf', join(dir, 'out.tar'), 'exported.txt'], { encoding: 'utf8' }), 'exported\n');
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('partial')), []);
  assertNothingLeft(r.runId);
});

test('discard: nothing is committed or exported, and the container is gone', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: TINY_IMAGE, discard: true }, provisioners: [['shell', { inline: ['true'] }]] }, dir);
  assert.equal(r.summary.builds[0].result, 'succeeded', r.summary.builds[0].error);
  assert.equal(r.summary.builds[0].artifacts[0].text, 'Exported Docker file: ');
  assertNothingLeft(r.runId);
});

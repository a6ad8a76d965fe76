import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { readDockerConfig } from '../../../core/builders/docker/read-config';
import type { Plain } from '../../../core/template/values/value';
import { assertNothingLeft, containersOf, plannedBuild, requireDocker, runBuild, TINY_IMAGE, workDir } from './harness';

test('a failing provisioner halts the build and leaves no container, temp folder or image', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: TINY_IMAGE, commit: true }, provisioners: [['shell', { inline: ['echo about to fail', 'exit 7'] }]] }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, 'Script exited with non-zero exit status: 7.Allowed exit codes are: [0]');
  assert.ok(r.log.includes('about to fail'));
  assert.equal(r.events.some((e) => e.kind === 'step-started' && e.step === 'StepCommit'), false, 'nothing is committed');
  assert.deepEqual(b.artifacts, []);
  assertNothingLeft(r.runId);
});

test('cancelling during provisioning stops promptly and removes the container', async () => {
  requireDocker();
  const dir = workDir();
  let cancelledAt = 0;
  const r = await runBuild(
    { builder: { image: TINY_IMAGE, export_path: 'never.tar' }, provisioners: [['shell', { inline: ['echo sleeping', 'sleep 60'] }]] },
    dir,
    {},
    (e, run) => {
      if (e.kind === 'output' && e.line === 'sleeping' && cancelledAt === 0) {
        cancelledAt = Date.now();
        // Containers exist while the build runs: the label is how cleanup finds them.
        run.cancel();
      }
    },
  );
  assert.ok(cancelledAt > 0, 'the script started');
  const b = r.summary.builds[0];
  assert.equal(b.result, 'cancelled');
  assert.ok(Date.now() - cancelledAt < 5000, `cancellation took ${Date.now() - cancelledAt} ms`);
  assert.deepEqual(b.leftBehind, []);
  assert.deepEqual(readdirSync(dir), [], 'no export, partial or not');
  assertNothingLeft(r.runId);
});

test('the image missing with pull = false: a clear error before any container is made', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: 'local/not-there:nope', commit: true }, provisioners: [['shell', { inline: ['true'] }]] }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.equal(b.error, 'Image local/not-there:nope is not available locally and pull = false: pull or build it first, or set pull = true');
  assert.deepEqual(containersOf(r.runId), []);
  assertNothingLeft(r.runId);
});

test('pulling an image that no registry has fails with the daemon\'s reason', async () => {
  requireDocker();
  const dir = workDir();
  const r = await runBuild({ builder: { image: '127.0.0.1:5000/bakehouse/absent:1', pull: true, commit: true } }, dir);
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.match(b.error ?? '', /^Error pulling Docker image: .*(not found|unknown)/i);
  assertNothingLeft(r.runId);
});

test('the daemon unreachable: a clear error within 5 s, nothing created', async () => {
  const dir = workDir();
  const started = Date.now();
  const r = await runBuild({ builder: { commit: true }, provisioners: [['shell', { inline: ['true'] }]] }, dir, {
    env: { ...process.env, DOCKER_HOST: 'unix:///tmp/bakehouse-no-such-docker.sock' },
  });
  const took = Date.now() - started;
  const b = r.summary.builds[0];
  assert.equal(b.result, 'failed');
  assert.ok(took < 5000, `took ${took} ms`);
  assert.match(b.error ?? '', /^Cannot connect to the Docker daemon at unix:\/\/\/tmp\/bakehouse-no-such-docker\.sock \(.*ENOENT.*\)\. Is the Docker daemon running\? Check DOCKER_HOST\.$/);
  assert.equal(r.events.some((e) => e.kind === 'step-started' && e.step === 'StepTempDir'), false);
});

test('a daemon that accepts the connection but never answers fails within 5 s', async () => {
  const dir = workDir();
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  try {
    const started = Date.now();
    const r = await runBuild({ builder: { commit: true } }, dir, { env: { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
    const took = Date.now() - started;
    assert.equal(r.summary.builds[0].result, 'failed');
    assert.ok(took < 5000, `took ${took} ms`);
    assert.equal(
      r.summary.builds[0].error,
      `Cannot connect to the Docker daemon at tcp://127.0.0.1:${port}: no answer within 4s. Is the Docker daemon running? Check DOCKER_HOST.`,
    );
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('prepare rejects bad configs with Packer\'s messages', async () => {
  const errors = (fields: Record<string, Plain>) => {
    const r = readDockerConfig(plannedBuild({ builder: fields }).builder);
    return r.ok ? [] : r.error;
  };
  assert.deepEqual(errors({ image: 'x' }), ['No instructions given for handling the artifact; expected commit, discard, or export_path']);
  assert.deepEqual(errors({ image: 'x', commit: true, discard: true }), ['Cannot specify more than one of commit, discard, and export_path']);
  assert.deepEqual(errors({ commit: true }), ["missing 'image' attribute or 'build' section, either needs to be specified for a build to run."]);
  assert.deepEqual(errors({ image: 'x', commit: true, changes: ['RUN apt-get update'] }), [
    'changes: "RUN apt-get update" is not an instruction docker commit can apply; use one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR',
  ]);
  assert.deepEqual(errors({ image: 'x', commit: true, run_command: ['-d', '--publish', '80:80', '{{.Image}}'] }), [
    "run_command: the docker run flag --publish is not supported by Bakehouse's docker builder",
  ]);
  assert.deepEqual(errors({ image: 'x', commit: true, run_command: ['-dit', '--entrypoint', '/bin/bash', '{{.Image}}', '-l'] }), []);
});

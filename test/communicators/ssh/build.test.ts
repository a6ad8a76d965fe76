import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinPlugins } from '../../../core/engine/builtin-plugins';
import { build, collect, config, provisioner, texts } from '../../engine/helpers';
import { makeKey, startSshd, TEST_PASSWORD, TEST_USER, type Sshd } from '../../support/sshd';
import { scratch } from './harness';

let sshd: Sshd;
let local: string;
let remote: string;
let keyFile: string;

before(async () => {
  sshd = await startSshd();
  local = scratch();
  remote = scratch('bakehouse-ssh-remote-');
  const key = makeKey(local);
  keyFile = key.file;
  sshd.authorize(key.publicKey);
  mkdirSync(join(local, 'site', 'css'), { recursive: true });
  writeFileSync(join(local, 'site', 'index.html'), '<h1>hi</h1>\n');
  writeFileSync(join(local, 'site', 'css', 'main.css'), 'body {}\n');
});

after(async () => {
  await sshd.stop();
  rmSync(local, { recursive: true, force: true });
  rmSync(remote, { recursive: true, force: true });
});

test('the null builder with communicator "ssh" runs shell and file provisioners on the host', async () => {
  const { events, summary } = await collect({
    builds: [
      build('null', {
        builder: config({ communicator: 'ssh', ssh_host: '127.0.0.1', ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: keyFile }),
        provisioners: [
          provisioner('file', { source: join(local, 'site'), destination: join(remote, 'www') }),
          provisioner('shell', {
            inline: [`echo "built by $PACKER_BUILD_NAME on $PACKER_BUILDER_TYPE" > ${remote}/www/built.txt`, 'echo done', 'echo warning >&2'],
          }),
          provisioner('file', { direction: 'download', source: `${remote}/www/built.txt`, destination: join(local, 'out') + '/' }),
        ],
      }),
    ],
    registry: builtinPlugins(),
    cwd: local,
  });
  const lines = texts(events);
  assert.deepEqual(summary.builds.map((b) => b.result), ['succeeded'], lines.join('\n'));
  assert.equal(readFileSync(join(remote, 'www', 'site', 'index.html'), 'utf8'), '<h1>hi</h1>\n');
  assert.equal(readFileSync(join(remote, 'www', 'site', 'css', 'main.css'), 'utf8'), 'body {}\n');
  assert.equal(readFileSync(join(remote, 'www', 'built.txt'), 'utf8'), 'built by null on null\n');
  assert.equal(readFileSync(join(local, 'out', 'built.txt'), 'utf8'), 'built by null on null\n');
  for (const expected of ['Using ssh communicator to connect: 127.0.0.1', 'Waiting for SSH to become available...', 'Connected to SSH!', 'done', 'warning']) {
    assert.ok(lines.includes(expected), `missing "${expected}" in:\n${lines.join('\n')}`);
  }
});

test('a wrong password fails the build with the reason, and the password is nowhere in the events', async () => {
  const secret = 'wrong-Pw-7731';
  const { events, summary } = await collect({
    builds: [
      build('null', {
        builder: config({
          communicator: 'ssh',
          ssh_host: '127.0.0.1',
          ssh_port: sshd.port,
          ssh_username: TEST_USER,
          ssh_password: secret,
          ssh_handshake_attempts: 1,
        }),
        provisioners: [provisioner('shell', { inline: ['true'] })],
      }),
    ],
    registry: builtinPlugins(),
    cwd: local,
  });
  assert.equal(summary.builds[0].result, 'failed');
  assert.match(summary.builds[0].error ?? '', /authentication failed: the host 127\.0\.0\.1:\d+ did not accept user "bakehouse-test" with password/);
  const all = JSON.stringify(events);
  assert.ok(!all.includes(secret));
  assert.ok(!all.includes(TEST_PASSWORD));
});

test('the null builder checks host, user and credentials before it waits for SSH', async () => {
  const { summary } = await collect({ builds: [build('null', { builder: config({ communicator: 'ssh', ssh_host: 'x' }) })], registry: builtinPlugins() });
  assert.deepEqual(
    summary.prepareErrors.map((e) => e.error),
    [
      'builder null: An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".',
      'builder null: a Username must be specified, please reference your communicator documentation',
      'builder null: one authentication method must be specified, please reference your communicator documentation',
    ],
  );
});

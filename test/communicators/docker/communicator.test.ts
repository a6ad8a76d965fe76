import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DockerDriver } from '../../../core/builders/docker/driver';
import type { Result } from '../../../core/common/result';
import { DockerCommunicator } from '../../../core/communicators/docker/communicator';
import type { CommandResult } from '../../../core/engine/plugin';
import { BASE_IMAGE, docker, requireDocker, workDir } from '../../builders/docker/harness';

const runId = randomUUID();
let containerId = '';
let comm: DockerCommunicator;
const never = new AbortController().signal;

before(() => {
  requireDocker();
  containerId = docker('run', '-d', '-i', '-t', '--label', `bakehouse.run-id=${runId}`, '--entrypoint', '/bin/sh', BASE_IMAGE);
  docker('exec', containerId, 'useradd', '-m', 'runner');
  comm = communicator({ execUser: '', fixUploadOwner: true });
});

after(() => {
  if (containerId) docker('rm', '-f', containerId);
});

function communicator(o: { execUser: string; fixUploadOwner: boolean; tty?: boolean }): DockerCommunicator {
  const driver = DockerDriver.fromEnv(process.env);
  return new DockerCommunicator({ container: driver.docker.getContainer(containerId), tty: false, describe: (e) => driver.describe(e), ...o });
}

async function run(command: string, c = comm): Promise<{ result: Result<CommandResult>; lines: Array<[string, string]> }> {
  const lines: Array<[string, string]> = [];
  const result = await c.run(command, { signal: never, onLine: (s, l) => lines.push([s, l]) });
  return { result, lines };
}

function inContainer(script: string): string {
  return docker('exec', containerId, '/bin/sh', '-c', script);
}

function ok<T>(o: Result<T>): T {
  assert.ok(o.ok, o.ok ? '' : o.error);
  return o.value;
}

test('run: stdout and stderr stay apart, lines in order, the exit code comes back', async () => {
  const { result, lines } = await run('echo out1; echo err1 >&2; printf "no newline"; exit 3');
  assert.deepEqual(ok(result), { exitCode: 3 });
  assert.deepEqual(lines.filter(([s]) => s === 'stdout').map(([, l]) => l), ['out1', 'no newline']);
  assert.deepEqual(lines.filter(([s]) => s === 'stderr').map(([, l]) => l), ['err1']);
});

test('runWithInput: the bytes arrive whole on the command\'s stdin; output and exit code as run', async () => {
  const input = Buffer.concat([Buffer.from('#!/bin/sh\necho from stdin\n'), Buffer.from([0, 3, 4, 26, 255]), randomBytes(200_000)]);
  assert.ok(comm.runWithInput);
  const lines: Array<[string, string]> = [];
  const result = await comm.runWithInput(`head -c ${input.length} > /tmp/got && wc -c < /tmp/got && sha256sum /tmp/got | cut -d" " -f1; echo err >&2; exit 5`, input, {
    signal: never,
    onLine: (s, l) => lines.push([s, l]),
  });
  assert.deepEqual(ok(result), { exitCode: 5 });
  // Each stream keeps its order; between stdout and stderr (two pipes) Docker promises none.
  assert.deepEqual(
    lines.filter(([s]) => s === 'stdout'),
    [
      ['stdout', String(input.length)],
      ['stdout', createHash('sha256').update(input).digest('hex')],
    ],
  );
  assert.deepEqual(
    lines.filter(([s]) => s === 'stderr'),
    [['stderr', 'err']],
  );
  // A terminal would read ^C and ^D in the input as keys: with pty the communicator does not offer it.
  assert.equal(communicator({ execUser: '', fixUploadOwner: true, tty: true }).runWithInput, undefined);
});

test('run: a command that closes its output and goes on is waited for; its exit status comes back', async () => {
  const started = Date.now();
  const { result, lines } = await run('echo before; exec >/dev/null 2>&1; sleep 1; touch /tmp/went-on; exit 7');
  assert.deepEqual(ok(result), { exitCode: 7 });
  assert.deepEqual(lines, [['stdout', 'before']]);
  assert.ok(Date.now() - started >= 900);
  assert.equal(inContainer('ls /tmp/went-on'), '/tmp/went-on');
});

test('run: many lines arrive complete and in order', async () => {
  const { result, lines } = await run('seq 1 20000');
  assert.deepEqual(ok(result), { exitCode: 0 });
  assert.equal(lines.length, 20000);
  assert.ok(lines.every(([s, l], i) => s === 'stdout' && l === String(i + 1)));
});

test('run: cancelling returns promptly and stops the command in the container', async () => {
  const ctl = new AbortController();
  const started = Date.now();
  setTimeout(() => ctl.abort(), 300);
  const r = await comm.run('sleep 2; touch /tmp/not-cancelled', { signal: ctl.signal, onLine: () => {} });
  assert.deepEqual(r, { ok: false, error: 'Build was cancelled.' });
  assert.ok(Date.now() - started < 3000);
  // The command itself was stopped, not just our wait for it.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(inContainer('test -e /tmp/not-cancelled && echo ran || echo stopped'), 'stopped');
});

test('run with a terminal (pty): output arrives on stdout, the exit code still comes back', async () => {
  const { result, lines } = await run('test -t 1 && echo has-tty; echo to-err >&2; exit 2', communicator({ execUser: '', fixUploadOwner: true, tty: true }));
  assert.deepEqual(ok(result), { exitCode: 2 });
  assert.deepEqual(lines, [['stdout', 'has-tty'], ['stdout', 'to-err']]);
});

test('run as exec_user', async () => {
  const { result, lines } = await run('id -un', communicator({ execUser: 'runner', fixUploadOwner: true }));
  assert.deepEqual(ok(result), { exitCode: 0 });
  assert.deepEqual(lines, [['stdout', 'runner']]);
});

test('upload a file: to a new path, into an existing folder, and to a missing folder (clear error)', async () => {
  const dir = workDir();
  const local = join(dir, 'app.conf');
  writeFileSync(local, 'port=80\n');
  chmodSync(local, 0o640);
  ok(await comm.upload(local, '/etc/renamed.conf', never));
  ok(await comm.upload(local, '/opt', never));
  assert.equal(inContainer('cat /etc/renamed.conf; stat -c "%a %U" /etc/renamed.conf /opt/app.conf'), 'port=80\n640 root\n640 root');
  // Debian's /bin is a symlink to usr/bin: it is a folder to upload into, not a file to replace.
  ok(await comm.upload(local, '/bin', never));
  assert.equal(inContainer('readlink /bin; cat /usr/bin/app.conf'), 'usr/bin\nport=80');
  const missing = await comm.upload(local, '/no/such/folder/app.conf', never);
  assert.deepEqual(missing, { ok: false, error: 'Upload failed: the folder /no/such/folder does not exist in the container (create it first, or upload to an existing folder)' });
});

test('upload a folder: "dir" copies the folder, "dir/" its contents; modes, symlinks and long names survive', async () => {
  const dir = workDir();
  const src = join(dir, 'tree');
  const longName = `${'n'.repeat(120)}.txt`;
  mkdirSync(join(src, 'bin'), { recursive: true });
  mkdirSync(join(src, 'empty'));
  writeFileSync(join(src, 'bin/run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
  writeFileSync(join(src, longName), 'long\n');
  symlinkSync('bin/run.sh', join(src, 'link'));
  ok(await comm.upload(src, '/srv/a', never));
  ok(await comm.upload(`${src}/`, '/srv/b', never));
  const listing = (root: string) => inContainer(`cd ${root} && find . | LC_ALL=C sort && /bin/sh ./link && stat -c %a bin/run.sh && cat ${longName}`);
  const expected = ['.', './bin', './bin/run.sh', './empty', './link', `./${longName}`, 'ran', '755', 'long'].join('\n');
  assert.equal(listing('/srv/a/tree'), expected);
  assert.equal(listing('/srv/b'), expected);
});

test('fix_upload_owner hands uploads to exec_user; off, they stay root\'s', async () => {
  const dir = workDir();
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'd/f'), 'x');
  ok(await communicator({ execUser: 'runner', fixUploadOwner: true }).upload(join(dir, 'd'), '/home/runner', never));
  ok(await communicator({ execUser: 'runner', fixUploadOwner: false }).upload(join(dir, 'd/f'), '/home/runner/g', never));
  assert.equal(inContainer('stat -c "%U %n" /home/runner/d /home/runner/d/f /home/runner/g'), 'runner /home/runner/d\nrunner /home/runner/d/f\nroot /home/runner/g');
});

test('download a file and a folder', async () => {
  inContainer('mkdir -p /data/sub && echo one > /data/one.txt && echo two > /data/sub/two.txt && ln -s one.txt /data/link');
  const dir = workDir();
  ok(await comm.download('/data/one.txt', join(dir, 'got.txt'), never));
  assert.equal(readFileSync(join(dir, 'got.txt'), 'utf8'), 'one\n');
  ok(await comm.download('/data/', join(dir, 'copy'), never));
  assert.deepEqual(readdirSync(join(dir, 'copy')).sort(), ['link', 'one.txt', 'sub']);
  assert.equal(readFileSync(join(dir, 'copy/sub/two.txt'), 'utf8'), 'two\n');
  assert.equal(readlinkSync(join(dir, 'copy/link')), 'one.txt');
  assert.ok(lstatSync(join(dir, 'copy/link')).isSymbolicLink());
  assert.ok(statSync(join(dir, 'copy/sub')).isDirectory());
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('partial')), []);
  inContainer('ln -s /data /data-link');
  ok(await comm.download('/data-link/', join(dir, 'via-link'), never));
  assert.deepEqual(readdirSync(join(dir, 'via-link')).sort(), ['link', 'one.txt', 'sub']);
  const missing = await comm.download('/data/nope', join(dir, 'nope'), never);
  assert.deepEqual(missing, { ok: false, error: 'Download failed: /data/nope does not exist in the container' });
});

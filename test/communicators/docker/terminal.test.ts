/** `docker exec -it` into a build's container, as a paused build's terminal: a pty of the asked size, resize, close. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DockerDriver } from '../../../core/builders/docker/driver';
import { DockerCommunicator } from '../../../core/communicators/docker/communicator';
import { BASE_IMAGE, docker, requireDocker } from '../../builders/docker/harness';
import { readTerminal } from '../../support/terminal-reader';

const runId = randomUUID();
let containerId = '';
let comm: DockerCommunicator;
const never = new AbortController().signal;

before(() => {
  requireDocker();
  containerId = docker('run', '-d', '-i', '-t', '--label', `bakehouse.run-id=${runId}`, '--entrypoint', '/bin/sh', BASE_IMAGE);
  const driver = DockerDriver.fromEnv(process.env);
  comm = new DockerCommunicator({ container: driver.docker.getContainer(containerId), execUser: '', fixUploadOwner: false, tty: false, describe: (e) => driver.describe(e) });
});

after(() => {
  if (containerId) docker('rm', '-f', containerId);
});

/** The command lines running in the container (the image has no ps). */
function processes(): string {
  return docker('exec', containerId, '/bin/sh', '-c', `for d in /proc/[0-9]*; do tr '\\0' ' ' < "$d/cmdline" 2>/dev/null; echo; done`);
}

test('a shell on a pty of the asked size: typed commands run, a resize reaches the pty, exit ends it', async () => {
  const opened = await comm.openTerminal({ cols: 100, rows: 30 }, never);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  const terminal = opened.value;
  const screen = readTerminal(terminal);
  terminal.write('stty size; grep PRETTY_NAME /etc/os-release\r');
  const first = await screen.waitFor(/PRETTY_NAME="Debian[^\n]*\n/);
  assert.match(first, /^30 100\r?$/m);
  assert.match(first, /\$ |# /, 'bash prints its prompt');

  terminal.resize({ cols: 132, rows: 43 });
  await new Promise((r) => setTimeout(r, 200));
  const mark = screen.text().length;
  terminal.write('stty size\r');
  await screen.waitFor(/^43 132\r?$/m, mark);

  terminal.write('exit\r');
  await terminal.ended;
});

test('closing the terminal kills what runs in it, leaving nothing in the container', async () => {
  const opened = await comm.openTerminal({ cols: 80, rows: 24 }, never);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  const screen = readTerminal(opened.value);
  opened.value.write('echo started; sleep 777\r');
  await screen.waitFor(/^started\r?$/m);
  assert.match(processes(), /sleep 777/);
  await opened.value.close();
  assert.doesNotMatch(processes(), /sleep 777/);
});

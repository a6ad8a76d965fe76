/** An SSH shell into a build's machine, as a paused build's terminal: a pty of the asked size, resize, close hangs up. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import { makeKey, startSshd, type Sshd } from '../../support/sshd';
import { readTerminal } from '../../support/terminal-reader';
import { never, runStep, scratch, sh, sshConfig, type StepRun } from './harness';

let sshd: Sshd;
let dir: string;
let run: StepRun;

before(async () => {
  sshd = await startSshd();
  dir = scratch();
  const key = makeKey(dir);
  sshd.authorize(key.publicKey);
  run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file })));
});

after(async () => {
  await run.cleanup();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a login shell on a pty of the asked size: typed commands run, a resize reaches the pty, exit ends it', async () => {
  const comm = run.communicator!;
  assert.ok(comm.openTerminal);
  const opened = await comm.openTerminal({ cols: 100, rows: 30 }, never);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  const terminal = opened.value;
  const screen = readTerminal(terminal);
  terminal.write('stty size; echo "TERM is $TERM"\r');
  const first = await screen.waitFor(/^TERM is xterm-256color\r?$/m);
  assert.match(first, /^30 100\r?$/m);

  terminal.resize({ cols: 132, rows: 43 });
  await new Promise((r) => setTimeout(r, 200));
  const mark = screen.text().length;
  terminal.write('stty size\r');
  await screen.waitFor(/^43 132\r?$/m, mark);

  terminal.write('exit\r');
  await terminal.ended;
  // The build's own connection is untouched: commands still run over it.
  assert.deepEqual((await sh(comm, 'echo still here')).out, ['still here']);
});

test('closing the terminal hangs up its shell, and what runs in it ends', async () => {
  const comm = run.communicator!;
  const opened = await comm.openTerminal!({ cols: 80, rows: 24 }, never);
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  const screen = readTerminal(opened.value);
  opened.value.write('echo started; sleep 778\r');
  await screen.waitFor(/^started\r?$/m);
  assert.match((await sh(comm, 'pgrep -af "^sleep 778" || true')).out.join('\n'), /sleep 778/);
  await opened.value.close();
  for (let i = 0; i < 50 && (await sh(comm, 'pgrep -f "^sleep 778" || true')).out.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual((await sh(comm, 'pgrep -af "^sleep 778" || true')).out, []);
});

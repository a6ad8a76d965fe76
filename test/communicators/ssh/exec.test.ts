import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import { descendants, makeKey, startSshd, TEST_PASSWORD, TEST_USER, type Sshd } from '../../support/sshd';
import { runStep, scratch, sh, sshConfig, type StepRun } from './harness';

let sshd: Sshd;
let dir: string;
let run: StepRun;
let keyFile: string;

before(async () => {
  sshd = await startSshd();
  dir = scratch();
  const key = makeKey(dir);
  keyFile = key.file;
  sshd.authorize(key.publicKey);
  run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: keyFile })));
});

after(async () => {
  await run.cleanup();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('stdout and stderr arrive line by line, with the exit code', async () => {
  const r = await sh(run.communicator!, 'echo one; echo two >&2; printf "three\\nfour"; exit 3');
  assert.deepEqual(r, { code: 3, out: ['one', 'three', 'four'], err: ['two'] });
});

test('a command killed by a signal reports 128 + the signal number', async () => {
  const r = await sh(run.communicator!, 'kill -TERM $$');
  assert.equal(r.code, 143);
});

test('ssh_pty gives the command a terminal', async () => {
  const tty = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: keyFile, ssh_pty: true })));
  try {
    assert.deepEqual((await sh(tty.communicator!, 'test -t 1 && echo terminal')).out, ['terminal']);
    assert.deepEqual((await sh(run.communicator!, 'test -t 1 && echo terminal || echo pipe')).out, ['pipe']);
  } finally {
    await tty.cleanup();
  }
});

// sshd passes signals only to sessions of non-root users (a root session has no privilege separation).
test('cancelling a command sends it SIGTERM and closes its channel', async () => {
  const user = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD })));
  try {
    await cancelOn(user);
  } finally {
    await user.cleanup();
  }
});

async function cancelOn(run: StepRun): Promise<void> {
  const ac = new AbortController();
  const lines: string[] = [];
  const started = Date.now();
  const pending = run.communicator!.run('echo started; exec sleep 30', {
    signal: ac.signal,
    onLine: (_s, l) => {
      lines.push(l);
      if (l === 'started') ac.abort();
    },
  });
  const r = await pending;
  assert.deepEqual(r, { ok: false, error: 'Build was cancelled.' });
  assert.ok(Date.now() - started < 5000);
  for (let i = 0; i < 100 && pgrepSleep(); i++) await new Promise((res) => setTimeout(res, 50));
  assert.equal(pgrepSleep(), false);
  // The connection itself stays usable.
  assert.deepEqual((await sh(run.communicator!, 'echo still-here')).out, ['still-here']);
}

function pgrepSleep(): boolean {
  return descendants(sshdPid()).some((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep\u000030');
    } catch {
      return false;
    }
  });
}

function sshdPid(): number {
  return Number(readFileSync(`${sshd.dir}/sshd.pid`, 'utf8').trim());
}

/**
 * Cancelling copies and commands at any moment: every operation settles promptly (also when the server has stopped
 * answering), the server keeps no session for it, and the next operation on the same connection works.
 *
 * Regression: a full CI run once hung in transfer.test.ts. ssh2 never calls back an SFTP request made after its
 * channel closed, and its fastPut makes such requests from its own callbacks (a chmod after a failed fchmod, the next
 * write after a local read), so a cancel landing in the first milliseconds of an SFTP upload left the upload waiting
 * forever. Over scp, each copy after a cancel asked for the SFTP subsystem again and ssh2 left every refused channel
 * open, until sshd's MaxSessions (10) refused all further commands. Each wait here is bounded so a hang fails.
 *
 * These log in as the test user, whose shell is /bin/sh: freezing and killing sessions of root, whose bash runs the
 * machine's .bashrc, can leave that file's tools half-done (a stale lock of pyenv's rehash, seen here).
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../../../core/common/result';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { Communicator } from '../../../core/engine/plugin';
import { makeKey, startSshd, TEST_USER, type Sshd } from '../../support/sshd';
import { never, runStep, scratch, sshConfig, type StepRun } from './harness';

/** `p`, or a failure naming `what` once `ms` have passed: a hang fails the test instead of stalling the run. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const CANCELLED: Result = { ok: false, error: 'Build was cancelled.' };
const DONE: Result = { ok: true, value: undefined };

/** Cancel points: every millisecond of the start of a copy (opening the file, setting its mode), then later ones. */
const DELAYS = [...Array.from({ length: 24 }, (_v, i) => i), 30, 45, 60, 80, 100, 130, 160, 200];

for (const server of [{ name: 'SFTP', sftp: true }, { name: 'scp fallback (no SFTP on the server)', sftp: false }]) {
  describe(`cancelling over ${server.name}`, () => {
    let sshd: Sshd;
    let dir: string;
    let remote: string;
    let run: StepRun;
    let comm: Communicator;
    let big: string;

    before(async () => {
      sshd = await startSshd({ sftp: server.sftp });
      dir = scratch();
      remote = scratch('bakehouse-ssh-remote-');
      chmodSync(remote, 0o777);
      const key = makeKey(dir);
      sshd.authorize(key.publicKey);
      writeFileSync(join(dir, 'a.txt'), 'A\n');
      big = join(dir, 'big.bin');
      writeFileSync(big, '');
      truncateSync(big, 256 * 1024 * 1024);
      run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_private_key_file: key.file })));
      comm = run.communicator!;
    });

    after(async () => {
      sshd.thaw();
      await within(run.cleanup(), 10_000, 'closing the connection');
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    });

    test(`an upload cancelled at any of ${DELAYS.length} moments settles at once, and the next copy works`, { timeout: 180_000 }, async () => {
      for (const [i, delay] of DELAYS.entries()) {
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), delay);
        const r = await within(comm.upload(big, join(remote, 'big.bin'), ac.signal), 10_000, `the upload cancelled after ${delay} ms`);
        clearTimeout(timer);
        assert.ok(ac.signal.aborted ? [JSON.stringify(CANCELLED), JSON.stringify(DONE)].includes(JSON.stringify(r)) : r.ok, `cancel after ${delay} ms: ${JSON.stringify(r)}`);
        const next = await within(comm.upload(join(dir, 'a.txt'), join(remote, `next-${i}.txt`), never), 10_000, `the copy after a cancel at ${delay} ms`);
        assert.deepEqual(next, DONE, `the copy after a cancel at ${delay} ms`);
        assert.equal(readFileSync(join(remote, `next-${i}.txt`), 'utf8'), 'A\n');
      }
    });

    test('a cancelled download settles at once and leaves no partial file behind', { timeout: 120_000 }, async () => {
      const source = join(remote, 'to-download.bin');
      writeFileSync(source, '');
      truncateSync(source, 256 * 1024 * 1024);
      chmodSync(source, 0o644);
      const into = scratch('bakehouse-ssh-down-');
      try {
        for (const delay of [0, 2, 5, 10, 20, 50, 100]) {
          const ac = new AbortController();
          const timer = setTimeout(() => ac.abort(), delay);
          const r = await within(comm.download(source, join(into, 'got.bin'), ac.signal), 10_000, `the download cancelled after ${delay} ms`);
          clearTimeout(timer);
          if (r.ok) continue;
          assert.deepEqual(r, CANCELLED, `cancel after ${delay} ms`);
          assert.deepEqual(readdirSync(into), [], `left behind after a cancel at ${delay} ms`);
        }
        assert.deepEqual(await within(comm.download(join(remote, 'next-0.txt'), join(into, 'small.txt'), never), 10_000, 'the download after'), DONE);
        assert.equal(readFileSync(join(into, 'small.txt'), 'utf8'), 'A\n');
      } finally {
        rmSync(into, { recursive: true, force: true });
        rmSync(source, { force: true });
      }
    });

    test('a copy or command cancelled while the server answers nothing settles within a second', { timeout: 60_000 }, async () => {
      const ac = new AbortController();
      const copying = comm.upload(big, join(remote, 'frozen.bin'), ac.signal);
      await new Promise((r) => setTimeout(r, 150));
      sshd.freeze();
      try {
        const started = Date.now();
        ac.abort();
        assert.deepEqual(await within(copying, 6000, 'the upload cancelled while the server was frozen'), CANCELLED);
        assert.ok(Date.now() - started < 1000, `the upload took ${Date.now() - started} ms to settle`);
        const ac2 = new AbortController();
        const running = comm.run('sleep 30', { signal: ac2.signal, onLine: () => undefined });
        await new Promise((r) => setTimeout(r, 100));
        const t2 = Date.now();
        ac2.abort();
        assert.deepEqual(await within(running, 6000, 'the command cancelled while the server was frozen'), CANCELLED);
        assert.ok(Date.now() - t2 < 1000, `the command took ${Date.now() - t2} ms to settle`);
      } finally {
        sshd.thaw();
      }
      assert.deepEqual(await within(comm.upload(join(dir, 'a.txt'), join(remote, 'after-thaw.txt'), never), 10_000, 'the copy after the thaw'), DONE);
      assert.equal(readFileSync(join(remote, 'after-thaw.txt'), 'utf8'), 'A\n');
      assert.equal(existsSync(join(remote, 'after-thaw.txt')), true);
    });
  });
}

test('closing the connection of a server that answers nothing finishes within seconds', { timeout: 30_000 }, async () => {
  const sshd = await startSshd();
  const dir = scratch();
  try {
    const key = makeKey(dir);
    sshd.authorize(key.publicKey);
    const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_private_key_file: key.file })));
    assert.equal(run.result.ok, true);
    sshd.freeze();
    const started = Date.now();
    await within(run.cleanup(), 10_000, 'closing the connection');
    assert.ok(Date.now() - started < 5000, `closing took ${Date.now() - started} ms`);
  } finally {
    sshd.thaw();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import type { Communicator } from '../../../core/engine/plugin';
import { makeKey, startSshd, type Sshd } from '../../support/sshd';
import { never, runStep, scratch, sshConfig, type StepRun } from './harness';

/** The same copies, once over SFTP and once against a server without SFTP (the scp fallback). */
for (const server of [{ name: 'SFTP', sftp: true }, { name: 'scp fallback (no SFTP on the server)', sftp: false }]) {
  describe(`copies over ${server.name}`, () => {
    let sshd: Sshd;
    let dir: string;
    let remote: string;
    let run: StepRun;
    let comm: Communicator;

    before(async () => {
      sshd = await startSshd({ sftp: server.sftp });
      dir = scratch();
      remote = scratch('bakehouse-ssh-remote-');
      const key = makeKey(dir);
      sshd.authorize(key.publicKey);
      const src = join(dir, 'src');
      mkdirSync(join(src, 'sub'), { recursive: true });
      writeFileSync(join(src, 'a.txt'), 'A\n');
      writeFileSync(join(src, 'sub', 'b.txt'), 'B\n');
      writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
      chmodSync(join(src, 'run.sh'), 0o755);
      run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file })));
      comm = run.communicator!;
    });

    after(async () => {
      await run.cleanup();
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    });

    test('a file goes to the remote path named', async () => {
      assert.deepEqual(await comm.upload(join(dir, 'src', 'a.txt'), join(remote, 'renamed.txt'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(remote, 'renamed.txt'), 'utf8'), 'A\n');
    });

    test('a file sent to an existing remote folder lands inside it, keeping its mode', async () => {
      mkdirSync(join(remote, 'into'));
      assert.deepEqual(await comm.upload(join(dir, 'src', 'run.sh'), join(remote, 'into'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(remote, 'into', 'run.sh'), 'utf8'), '#!/bin/sh\necho hi\n');
      assert.equal(statSync(join(remote, 'into', 'run.sh')).mode & 0o777, 0o755);
    });

    test('a folder without a trailing slash is copied itself', async () => {
      assert.deepEqual(await comm.upload(join(dir, 'src'), join(remote, 'up1'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(remote, 'up1', 'src', 'a.txt'), 'utf8'), 'A\n');
      assert.equal(readFileSync(join(remote, 'up1', 'src', 'sub', 'b.txt'), 'utf8'), 'B\n');
    });

    test('a folder with a trailing slash has its contents copied', async () => {
      assert.deepEqual(await comm.upload(`${join(dir, 'src')}/`, join(remote, 'up2', 'deeper'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(remote, 'up2', 'deeper', 'a.txt'), 'utf8'), 'A\n');
      assert.equal(readFileSync(join(remote, 'up2', 'deeper', 'sub', 'b.txt'), 'utf8'), 'B\n');
      assert.equal(existsSync(join(remote, 'up2', 'deeper', 'src')), false);
    });

    test('a remote file downloads to the local path', async () => {
      writeFileSync(join(remote, 'down.txt'), 'down\n');
      chmodSync(join(remote, 'down.txt'), 0o640);
      assert.deepEqual(await comm.download(join(remote, 'down.txt'), join(dir, 'got', 'down-copy.txt'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(dir, 'got', 'down-copy.txt'), 'utf8'), 'down\n');
    });

    test('a remote folder downloads its contents into the local folder', async () => {
      mkdirSync(join(remote, 'tree', 'inner'), { recursive: true });
      writeFileSync(join(remote, 'tree', 'x.txt'), 'X\n');
      writeFileSync(join(remote, 'tree', 'inner', 'y.txt'), 'Y\n');
      assert.deepEqual(await comm.download(`${join(remote, 'tree')}/`, join(dir, 'tree-copy'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(dir, 'tree-copy', 'x.txt'), 'utf8'), 'X\n');
      assert.equal(readFileSync(join(dir, 'tree-copy', 'inner', 'y.txt'), 'utf8'), 'Y\n');
    });

    test('a missing remote path fails with the path', async () => {
      assert.deepEqual(await comm.download(join(remote, 'nope'), join(dir, 'nope'), never), {
        ok: false,
        error: `Download failed: ${join(remote, 'nope')} does not exist on the machine`,
      });
      assert.equal(existsSync(join(dir, 'nope')), false);
    });

    // Bounded so that a hang (as once seen in CI, see cancel.test.ts) fails the test instead of stalling the run.
    test('cancelling a large upload stops it at once, and the next copy works', { timeout: 30_000 }, async () => {
      const big = join(dir, 'big.bin');
      writeFileSync(big, '');
      truncateSync(big, 512 * 1024 * 1024);
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 300);
      assert.deepEqual(await comm.upload(big, join(remote, 'big.bin'), ac.signal), { ok: false, error: 'Build was cancelled.' });
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      rmSync(big);
      assert.deepEqual(await comm.upload(join(dir, 'src', 'a.txt'), join(remote, 'after-cancel.txt'), never), { ok: true, value: undefined });
      assert.equal(readFileSync(join(remote, 'after-cancel.txt'), 'utf8'), 'A\n');
    });

    test('a file sent into a missing remote folder fails', async () => {
      const r = await comm.upload(join(dir, 'src', 'a.txt'), join(remote, 'missing', 'a.txt'), never);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, /^Upload failed: .*(No such file|does not exist)/i);
    });
  });
}

test('ssh_file_transfer_method = "sftp" against a server without SFTP says how to fix it', async () => {
  const sshd = await startSshd({ sftp: false });
  const dir = scratch();
  try {
    const key = makeKey(dir);
    sshd.authorize(key.publicKey);
    const run = await runStep(
      waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file, ssh_file_transfer_method: 'sftp' })),
    );
    try {
      writeFileSync(join(dir, 'f'), 'f');
      const r = await run.communicator!.upload(join(dir, 'f'), join(dir, 'g'), never);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, /^Upload failed: the server offers no SFTP \(.*\); set ssh_file_transfer_method = "scp"$/);
    } finally {
      await run.cleanup();
    }
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

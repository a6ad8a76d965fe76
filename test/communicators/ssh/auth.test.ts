import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import { makeKey, startAgent, startSshd, TEST_PASSWORD, TEST_USER, type Sshd } from '../../support/sshd';
import { runStep, scratch, sh, sshConfig } from './harness';

let sshd: Sshd;
let dir: string;
let key: { file: string; publicKey: string };

before(async () => {
  sshd = await startSshd();
  dir = scratch();
  key = makeKey(dir);
  sshd.authorize(key.publicKey);
});

after(async () => {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('password authentication logs in as the user', async () => {
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD })));
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    assert.deepEqual(run.ui.lines, ['say: Using ssh communicator to connect: 127.0.0.1', 'say: Waiting for SSH to become available...', 'say: Connected to SSH!']);
    assert.deepEqual((await sh(run.communicator!, 'id -un')).out, [TEST_USER]);
  } finally {
    await run.cleanup();
  }
});

test('a private key file logs in', async () => {
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: key.file })));
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    assert.deepEqual((await sh(run.communicator!, 'id -un')).out, ['root']);
  } finally {
    await run.cleanup();
  }
});

test('ssh_agent_auth logs in with a key held by the local agent', async () => {
  const agent = await startAgent(dir, key.file);
  try {
    const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_agent_auth: true }), { agentSocket: agent.socket }));
    try {
      assert.deepEqual(run.result, { ok: true, value: undefined });
      assert.deepEqual((await sh(run.communicator!, 'echo via-agent')).out, ['via-agent']);
    } finally {
      await run.cleanup();
    }
  } finally {
    await agent.stop();
  }
});

test('ssh_agent_auth without an agent says so instead of waiting', async () => {
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_agent_auth: true })));
  assert.equal(run.result.ok, false);
  assert.match((run.result as { error: string }).error, /no SSH agent is running \(SSH_AUTH_SOCK is empty\)/);
});

test('keyboard-interactive prompts are answered with ssh_password', async () => {
  const kbd = await startSshd({ password: false, keyboardInteractive: true });
  try {
    const run = await runStep(waitForSshStep(sshConfig({ ssh_port: kbd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD })));
    try {
      assert.deepEqual(run.result, { ok: true, value: undefined });
      assert.deepEqual((await sh(run.communicator!, 'id -un')).out, [TEST_USER]);
    } finally {
      await run.cleanup();
    }
  } finally {
    await kbd.stop();
  }
});

test('a bastion host carries the connection to a machine it can reach', async () => {
  const bastion = await startSshd();
  try {
    const run = await runStep(
      waitForSshStep(
        sshConfig({
          ssh_port: sshd.port,
          ssh_username: 'root',
          ssh_private_key_file: key.file,
          ssh_bastion_host: '127.0.0.1',
          ssh_bastion_port: bastion.port,
          ssh_bastion_username: TEST_USER,
          ssh_bastion_password: TEST_PASSWORD,
        }),
      ),
    );
    try {
      assert.deepEqual(run.result, { ok: true, value: undefined });
      // The target sees the connection come from the bastion's forwarded channel, not from us.
      assert.deepEqual((await sh(run.communicator!, 'echo "$SSH_CONNECTION" | cut -d" " -f1')).out, ['127.0.0.1']);
      assert.deepEqual((await sh(run.communicator!, 'id -un')).out, ['root']);
    } finally {
      await run.cleanup();
    }
  } finally {
    await bastion.stop();
  }
});

test('a bastion host with its own key file (ssh_bastion_private_key_file) carries the connection', async () => {
  const bastion = await startSshd({ password: false });
  const bastionKey = makeKey(dir, 'bastion_ed25519');
  bastion.authorize(bastionKey.publicKey);
  try {
    const run = await runStep(
      waitForSshStep(
        sshConfig({
          ssh_port: sshd.port,
          ssh_username: 'root',
          ssh_private_key_file: key.file,
          ssh_bastion_host: '127.0.0.1',
          ssh_bastion_port: bastion.port,
          ssh_bastion_username: TEST_USER,
          ssh_bastion_private_key_file: bastionKey.file,
        }),
      ),
    );
    try {
      assert.deepEqual(run.result, { ok: true, value: undefined });
      assert.deepEqual((await sh(run.communicator!, 'id -un')).out, ['root']);
    } finally {
      await run.cleanup();
    }
  } finally {
    await bastion.stop();
  }
});

test('a wrong password fails with "authentication failed" after ssh_handshake_attempts, without printing the password', async () => {
  const secret = 'not-the-password-42';
  const run = await runStep(
    waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: secret, ssh_handshake_attempts: 2 }), { intervalMs: 50 }),
  );
  assert.equal(run.result.ok, false);
  const error = (run.result as { error: string }).error;
  assert.match(error, /^Error waiting for SSH: authentication failed: the host 127\.0\.0\.1:\d+ did not accept user "bakehouse-test" with password \(2 handshake attempts;/);
  const everything = [error, ...run.ui.lines].join('\n');
  assert.ok(!everything.includes(secret));
  assert.ok(!everything.includes(TEST_PASSWORD));
});

test('a private key never appears in messages, even when the server refuses it', async () => {
  const other = makeKey(dir, 'id_other');
  const run = await runStep(
    waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: other.file, ssh_handshake_attempts: 1 }), { intervalMs: 50 }),
  );
  assert.equal(run.result.ok, false);
  const everything = [(run.result as { error: string }).error, ...run.ui.lines].join('\n');
  assert.match(everything, /did not accept user "root" with public key/);
  const body = readFileSync(other.file, 'utf8').split('\n')[1];
  assert.ok(!everything.includes(body));
});

test('an unreadable key file stops at once and names the file', async () => {
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_private_key_file: `${dir}/missing` })));
  assert.deepEqual(run.result, { ok: false, error: `Error waiting for SSH: could not read the private key file ${dir}/missing: ENOENT` });
});

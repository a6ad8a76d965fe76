import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { readSshConfig } from '../../../core/communicators/ssh/config';
import { temporaryKeyPair } from '../../../core/communicators/ssh/keypair';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import { startSshd } from '../../support/sshd';
import { config } from '../../engine/helpers';
import { runStep, scratch, sh, sshConfig } from './harness';

for (const type of ['ed25519', 'rsa', 'ecdsa']) {
  test(`a temporary ${type} key pair logs in, and ssh_clear_authorized_keys removes it at cleanup`, async () => {
    const sshd = await startSshd();
    const dir = scratch();
    try {
      const pair = temporaryKeyPair(type);
      assert.ok(pair.ok);
      const { privateKey, publicKey, comment } = pair.value;
      assert.match(publicKey, new RegExp(` ${comment}$`));
      sshd.authorize('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeepThisOtherKeyInPlaceXXXXXXXXXXXXXXXXXXXX someone-else');
      sshd.authorize(publicKey);
      const cfg = { ...sshConfig({ ssh_port: sshd.port, ssh_username: 'root', ssh_clear_authorized_keys: true }), privateKey };
      const run = await runStep(waitForSshStep(cfg, { temporaryKeyComment: comment, authorizedKeysFiles: [join(sshd.dir, 'authorized_keys')] }));
      assert.deepEqual(run.result, { ok: true, value: undefined });
      assert.deepEqual((await sh(run.communicator!, 'echo in')).out, ['in']);
      await run.cleanup();
      assert.ok(run.ui.lines.includes('say: Trying to remove ephemeral keys from authorized_keys files'));
      assert.equal(sshd.authorizedKeys(), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeepThisOtherKeyInPlaceXXXXXXXXXXXXXXXXXXXX someone-else\n');
      // Messages never show the private key.
      assert.ok(!run.ui.lines.join('\n').includes(privateKey.split('\n')[1]));
    } finally {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('without ssh_clear_authorized_keys the temporary key stays', async () => {
  const sshd = await startSshd();
  try {
    const pair = temporaryKeyPair('ed25519');
    assert.ok(pair.ok);
    sshd.authorize(pair.value.publicKey);
    const cfg = { ...sshConfig({ ssh_port: sshd.port, ssh_username: 'root' }), privateKey: pair.value.privateKey };
    const run = await runStep(waitForSshStep(cfg, { temporaryKeyComment: pair.value.comment, authorizedKeysFiles: [join(sshd.dir, 'authorized_keys')] }));
    assert.deepEqual(run.result, { ok: true, value: undefined });
    await run.cleanup();
    assert.equal(sshd.authorizedKeys(), `${pair.value.publicKey}\n`);
  } finally {
    await sshd.stop();
  }
});

test('an unsupported temporary key type is named', () => {
  assert.deepEqual(temporaryKeyPair('dsa'), { ok: false, error: 'temporary_key_pair_type "dsa" is not supported: use rsa, ecdsa or ed25519' });
});

test('config: ssh_wait_timeout stands in for ssh_timeout, a negative keep-alive turns it off, defaults are Packer\'s', () => {
  const r = readSshConfig(config({ ssh_host: 'h', ssh_username: 'u', ssh_wait_timeout: '2m', ssh_keep_alive_interval: '-1s' }), 'null');
  assert.ok(r.ok);
  assert.equal(r.value.timeoutMs, 120_000);
  assert.equal(r.value.keepAliveMs, 0);
  assert.equal(r.value.port, 22);
  assert.equal(r.value.handshakeAttempts, 10);
  assert.equal(r.value.fileTransfer, 'auto');
  const d = readSshConfig(config({ ssh_host: 'h', ssh_timeout: 'soon' }), 'null');
  assert.equal(d.ok, false);
  const tmp = scratch();
  const file = join(tmp, 'unused');
  writeFileSync(file, '');
  const both = readSshConfig(config({ ssh_host: 'h', ssh_timeout: '1m', ssh_wait_timeout: '2m', ssh_bastion_host: 'b', ssh_private_key_file: file }), 'null');
  assert.ok(both.ok);
  assert.equal(both.value.timeoutMs, 60_000);
  assert.equal(both.value.bastion?.privateKeyFile, file);
  assert.equal(both.value.bastion?.port, 22);
  rmSync(tmp, { recursive: true, force: true });
});

test('config: SSH features not built yet are refused by name instead of ignored', () => {
  const r = readSshConfig(config({ ssh_host: 'h', ssh_username: 'u', ssh_proxy_host: 'proxy', ssh_local_tunnels: ['8080:localhost:80'], ssh_remote_tunnels: [] }), 'null');
  assert.deepEqual(r, {
    ok: false,
    error: ["null: ssh_proxy_host is not supported by Bakehouse's SSH communicator yet", "null: ssh_local_tunnels is not supported by Bakehouse's SSH communicator yet"],
  });
});

test('config: ssh_keypair_name needs ssh_private_key_file or ssh_agent_auth, and then names the key pair', () => {
  assert.deepEqual(readSshConfig(config({ ssh_host: 'h', ssh_username: 'u', ssh_keypair_name: 'build-key' }), 'null'), {
    ok: false,
    error: ['null: ssh_private_key_file must be provided or ssh_agent_auth enabled when ssh_keypair_name is specified'],
  });
  const r = readSshConfig(config({ ssh_host: 'h', ssh_username: 'u', ssh_keypair_name: 'build-key', ssh_agent_auth: true }), 'null');
  assert.ok(r.ok);
  assert.equal(r.value.keyPairName, 'build-key');
});

test('every temporary ed25519 key parses back (ssh2 sometimes writes one with a 31-byte public key; those are regenerated)', () => {
  for (let i = 0; i < 2000; i++) {
    const pair = temporaryKeyPair('ed25519');
    assert.ok(pair.ok);
    assert.ok(!(utils.parseKey(pair.value.publicKey) instanceof Error), pair.value.publicKey);
    assert.ok(!(utils.parseKey(pair.value.privateKey) instanceof Error));
  }
});

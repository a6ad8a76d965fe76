import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { waitForSshStep } from '../../../core/communicators/ssh/wait';
import { descendants, freePort, makeKey, startSshd, TEST_PASSWORD, TEST_USER } from '../../support/sshd';
import { runStep, scratch, sh, sshConfig } from './harness';

const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

test('a closed port: says "connection refused" while waiting and gives up at ssh_timeout', async () => {
  const port = await freePort();
  const started = Date.now();
  const run = await runStep(waitForSshStep(sshConfig({ ssh_port: port, ssh_username: 'root', ssh_password: 'x', ssh_timeout: '1s' }), { intervalMs: 100 }));
  const took = Date.now() - started;
  assert.deepEqual(run.result, {
    ok: false,
    error: `Timeout waiting for SSH. The last try failed: connection refused by 127.0.0.1:${port} (is the SSH server running on that port?)`,
  });
  assert.ok(took >= 900 && took < 3000, `gave up after ${took} ms`);
  assert.deepEqual(run.ui.lines, [
    'say: Using ssh communicator to connect: 127.0.0.1',
    'say: Waiting for SSH to become available...',
    `message: Waiting for SSH on root@127.0.0.1:${port} (try 1): connection refused by 127.0.0.1:${port} (is the SSH server running on that port?)`,
  ]);
});

test('the older ssh_wait_timeout is honoured when ssh_timeout is not set', async () => {
  const port = await freePort();
  const started = Date.now();
  const cfg = sshConfig({ ssh_port: port, ssh_username: 'root', ssh_password: 'x', ssh_timeout: null, ssh_wait_timeout: '500ms' });
  const run = await runStep(waitForSshStep(cfg, { intervalMs: 100 }));
  assert.equal(run.result.ok, false);
  assert.ok(Date.now() - started < 2000);
});

test('SSH that comes up later is waited for', async () => {
  const dir = scratch();
  const key = makeKey(dir);
  const sshd = await startSshd();
  sshd.authorize(key.publicKey);
  // Nothing listens on `port` at first; a relay to the real server opens there a little later, as a booting machine would.
  const port = await freePort();
  const pending = runStep(waitForSshStep(sshConfig({ ssh_port: port, ssh_username: 'root', ssh_private_key_file: key.file }), { intervalMs: 100 }));
  const relay = createServer((client) => {
    const upstream = connect(sshd.port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise((r) => setTimeout(r, 300));
  await new Promise<void>((r) => relay.listen(port, '127.0.0.1', () => r()));
  const run = await pending;
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    assert.ok(run.ui.lines.some((l) => /\(try 1\): connection refused/.test(l)));
    assert.equal(run.ui.lines.at(-1), 'say: Connected to SSH!');
  } finally {
    await run.cleanup();
    relay.close();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cancelling during the handshake returns at once and leaves no socket open', async () => {
  // A server that accepts TCP but never speaks SSH keeps the handshake pending.
  const held: Socket[] = [];
  const silent = createServer((s) => {
    held.push(s);
    s.resume();
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  const before = tcpSockets();
  const ac = new AbortController();
  const pending = runStep(waitForSshStep(sshConfig({ ssh_port: port, ssh_username: 'root', ssh_password: 'x' })), ac.signal);
  while (held.length === 0) await new Promise((r) => setTimeout(r, 20));
  const closed = new Promise<void>((r) => held[0].once('close', () => r()));
  held[0].on('error', () => undefined);
  const t = Date.now();
  ac.abort();
  const run = await pending;
  assert.deepEqual(run.result, { ok: false, error: 'Build was cancelled.' });
  assert.ok(Date.now() - t < 1000);
  await closed;
  for (let i = 0; i < 50 && tcpSockets() > before - 1; i++) await new Promise((r) => setTimeout(r, 20));
  // Our accepted server-side socket is gone too, so the count drops below the starting point.
  assert.ok(tcpSockets() < before + 1);
  silent.close();
});

test('cancelling between tries stops waiting and leaves no sshd session behind', async () => {
  const sshd = await startSshd();
  try {
    const ac = new AbortController();
    const step = waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: 'wrong', ssh_handshake_attempts: 100 }), {
      intervalMs: 60_000,
    });
    const pending = runStep(step, ac.signal);
    await new Promise((r) => setTimeout(r, 700));
    const t = Date.now();
    ac.abort();
    const run = await pending;
    assert.deepEqual(run.result, { ok: false, error: 'Build was cancelled.' });
    assert.ok(Date.now() - t < 500);
    assert.match(run.ui.lines.join('\n'), /authentication failed/);
    const pid = Number(readFileSync(`${sshd.dir}/sshd.pid`, 'utf8'));
    for (let i = 0; i < 50 && descendants(pid).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(descendants(pid), []);
  } finally {
    await sshd.stop();
  }
});

test('after the server drops the connection, the next command reconnects within start_retry_timeout', async () => {
  const sshd = await startSshd();
  const run = await runStep(
    waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD }), { intervalMs: 100, reconnectTimeoutMs: 10_000 }),
  );
  try {
    assert.deepEqual(run.result, { ok: true, value: undefined });
    const first = (await sh(run.communicator!, 'echo $PPID')).out[0];
    sshd.dropConnections();
    await new Promise((r) => setTimeout(r, 200));
    const second = await sh(run.communicator!, 'echo back');
    assert.deepEqual(second.out, ['back']);
    assert.notEqual((await sh(run.communicator!, 'echo $PPID')).out[0], first);
  } finally {
    await run.cleanup();
    await sshd.stop();
  }
});

test('a command running when the machine reboots fails, and the reconnect gives up after start_retry_timeout', async () => {
  const sshd = await startSshd();
  const run = await runStep(
    waitForSshStep(sshConfig({ ssh_port: sshd.port, ssh_username: TEST_USER, ssh_password: TEST_PASSWORD }), { intervalMs: 100, reconnectTimeoutMs: 500 }),
  );
  try {
    const pending = run.communicator!.run('echo up; sleep 20', {
      signal: new AbortController().signal,
      onLine: (_s, l) => {
        if (l === 'up') void sshd.stop();
      },
    });
    const r = await pending;
    // Depending on which process dies first, sshd may still report the command killed (137) before the connection goes.
    if (r.ok) assert.equal(r.value.exitCode, 137);
    else assert.match(r.error, /^Lost the SSH connection while the command was running/);
    const again = await run.communicator!.run('true', { signal: new AbortController().signal, onLine: () => undefined });
    assert.equal(again.ok, false, JSON.stringify(again));
    assert.match((again as { error: string }).error, /^Could not reconnect over SSH within the start retry timeout: /);
  } finally {
    await run.cleanup();
  }
});

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { createHost } from '../../core/app/host';
import { startServer, WIRE_SLICE, type RunningServer } from '../../core/app/transport/ws-server';
import { runServeCommand } from '../../core/cli/commands/serve';
import type { CliIO } from '../../core/cli/command';
import { decodeRunEvents, TOKEN_PARAM, WS_PATH } from '../../core/contract/wire';
import { inputs } from '../../core/contract/inputs';
import { METHOD_NAMES } from '../../core/contract/methods';
import type { RunEventBatch } from '../../core/contract/events';
import { connectWebSocket, trimSeen, type SocketLike } from '../../renderer/transport/ws-client';
import { webSocketUrl } from '../../renderer/transport/address';
import { workspace } from './fixtures';

const ws = workspace();
const staticDir = join(ws.dir, 'renderer');
mkdirSync(staticDir);
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Bakehouse</title>');
writeFileSync(join(staticDir, 'app.js'), 'console.log(1)');
mkdirSync(join(staticDir, 'chunks'));
writeFileSync(join(staticDir, 'chunks', 'Workspace-AB12CD34.js'), 'console.log("plain")');
writeFileSync(join(staticDir, 'chunks', 'Workspace-AB12CD34.js.gz'), gzipSync('console.log("zipped")'));
writeFileSync(join(ws.dir, 'secret.txt'), 'do not serve');
const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
let server: RunningServer;

before(async () => {
  server = await startServer({ host, staticDir });
});
after(async () => {
  await host.dispose();
  await server.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply & { raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 when it opened. */
function upgrade(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => undefined);
  });
}

const nodeSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

test('the address printed carries a token; the page is refused without it', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  assert.equal((await get('/')).status, 401);
  assert.equal((await get('/?token=wrong')).status, 401);
  assert.equal((await get('/app.js')).status, 401);
  const page = await get(`/?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Bakehouse<\/title>/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  const setCookie = String(page.headers['set-cookie']);
  assert.match(setCookie, /^bakehouse-token-\d+=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\/$/);
  const cookie = setCookie.split(';')[0];
  // The page's own assets are fetched with the cookie, not the token in their address.
  const js = await get('/app.js', { Cookie: cookie });
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
});

test('hashed assets are cached for good and sent gzipped when accepted; the page is never cached', async () => {
  const page = await get(`/?token=${server.token}`);
  assert.equal(page.headers['cache-control'], 'no-store');
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  const plain = await get('/chunks/Workspace-AB12CD34.js', { Cookie: cookie });
  assert.equal(plain.body, 'console.log("plain")');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.match(String(plain.headers['cache-control']), /immutable/);
  const zipped = await get('/chunks/Workspace-AB12CD34.js', { Cookie: cookie, 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(zipped.raw).toString(), 'console.log("zipped")');
  // Unhashed files are revalidated: the same ETag gets a 304 without a body.
  const js = await get('/app.js', { Cookie: cookie });
  assert.equal(js.headers['cache-control'], 'no-cache');
  const again = await get('/app.js', { Cookie: cookie, 'If-None-Match': String(js.headers.etag) });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
});

test('the method names the UI calls are exactly the methods whose input the host checks', async () => {
  const checked = Object.entries(inputs).flatMap(([s, methods]) => Object.keys(methods).map((m) => `${s}.${m}`));
  assert.deepEqual([...METHOD_NAMES].sort(), checked.sort());
  assert.equal(METHOD_NAMES.length, 37);
});

test('a foreign Origin or Host is refused with 403 even with the token', async () => {
  assert.equal((await get(`/?token=${server.token}`, { Origin: 'http://evil.example' })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` })).status, 200);
});

test('nothing outside the UI folder is served', async () => {
  const r = await get(`/%2e%2e/secret.txt?token=${server.token}`);
  assert.equal(r.status, 404);
  assert.ok(!r.body.includes('do not serve'));
});

test('the WebSocket needs the token and our own Origin', async () => {
  assert.equal(await upgrade('/contract'), 401);
  assert.equal(await upgrade('/contract?token=nope'), 401);
  assert.equal(await upgrade(`/contract?token=${server.token}`, { Origin: 'http://evil.example' }), 403);
  assert.equal(await upgrade(`/contract?token=${server.token}`, { Origin: `http://localhost:${server.port}` }), 101);
  assert.equal(await upgrade(`/elsewhere?token=${server.token}`), 404);
});

test('contract calls over the real WebSocket, from the browser client', async () => {
  const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });
  const conn = await connectWebSocket(url, { createSocket: nodeSocket });
  try {
    const opened = await conn.api.templates.open({ path: ws.templatePath });
    assert.ok(opened.ok);
    assert.equal(opened.value.files.length, 1);
    const bad = await conn.api.templates.open({ path: '' });
    assert.ok(!bad.ok && bad.error.code === 'invalid-input');

    const started = await conn.api.builds.start({ path: ws.templatePath, only: ['null.box'] });
    assert.ok(started.ok);
    const batches: RunEventBatch[] = [];
    const finished = new Promise<void>((resolve) => {
      conn.onRunEvents(started.value.runId, (b) => {
        batches.push(b);
        if (b.events.some((e) => e.kind === 'run-finished')) resolve();
      });
    });
    await finished;
    let seq = batches[0].firstSeq;
    for (const b of batches) {
      assert.equal(b.firstSeq, seq);
      seq += b.events.length;
    }
    const lines = batches.flatMap((b) => b.events).flatMap((e) => (e.kind === 'output' ? [e.line] : []));
    assert.ok(lines.includes('hello world'));
    assert.ok(!lines.some((l) => l.includes('hunter2')));
    const log = await conn.api.builds.readLog({ runId: started.value.runId, offset: 0, count: 5 });
    assert.ok(log.ok && log.value.lines.length === 5);
  } finally {
    conn.close();
  }
});

test('a call in flight when the server goes away fails as a result instead of hanging', async () => {
  const h = createHost({ dataDir: ws.dataDir, env: {} });
  const s = await startServer({ host: h, staticDir });
  const conn = await connectWebSocket(webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${s.port}`, search: `?token=${s.token}` }), { createSocket: nodeSocket, reconnectDelayMs: 50 });
  const listed = conn.api.builds.listRuns({});
  await s.close();
  const r = await listed;
  assert.ok(r.ok || r.error.code === 'io');
  // While the server is away, calls wait for the next attempt to connect and fail when it does not.
  const after = await conn.api.workspace.getSettings({});
  assert.ok(!after.ok && after.error.code === 'io');
  conn.close();
  await assert.rejects(connectWebSocket(`ws://127.0.0.1:${s.port}/contract`, { createSocket: nodeSocket }), /Cannot connect to Bakehouse/);
});

test('bakehouse serve prints the address, serves a 503 page when the UI is not built, and stops on Ctrl-C', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdin: process.stdin, stdinIsTTY: false, env: {}, cwd: ws.dir, color: false };
  let listening: RunningServer | undefined;
  const done = runServeCommand({ flags: new Map(), positional: [] }, io, { signals, staticDir: join(ws.dir, 'nothing-here'), dataDir: ws.dataDir, onListening: (s) => (listening = s) });
  while (!listening) await new Promise((r) => setTimeout(r, 10));
  assert.ok(out.join('').includes(listening.url));
  assert.match(err.join(''), /the UI is not built/);
  const page = await new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listening!.port, path: `/?token=${listening!.token}` }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(page.status, 503);
  assert.match(page.body, /npm run build/);
  signals.emit('SIGINT');
  assert.equal(await done, 0);
});

test('the client reconnects when the server comes back, and calls work again', async () => {
  const h = createHost({ dataDir: ws.dataDir, env: {} });
  const first = await startServer({ host: h, staticDir });
  const statuses: string[] = [];
  const conn = await connectWebSocket(webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${first.port}`, search: `?token=${first.token}` }), {
    createSocket: nodeSocket,
    reconnectDelayMs: 20,
    onStatus: (s) => statuses.push(s),
  });
  await first.close();
  const second = await startServer({ host: h, staticDir, port: first.port, token: first.token });
  try {
    for (let i = 0; i < 100 && !statuses.includes('connected'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(statuses.slice(0, 1), ['disconnected']);
    assert.equal(statuses.at(-1), 'connected');
    assert.ok((await conn.api.workspace.getSettings({})).ok);
  } finally {
    conn.close();
    await second.close();
  }
});

test('replayed events are not delivered twice; a gap stays visible in the sequence numbers', () => {
  const batch = (firstSeq: number, n: number) => ({ runId: 'r', firstSeq, events: Array.from({ length: n }, () => ({ kind: 'message', level: 'say', text: '', time: 0, build: '' }) as const) });
  assert.equal(trimSeen(batch(0, 5), 5), undefined);
  assert.deepEqual(trimSeen(batch(3, 5), 5), { runId: 'r', firstSeq: 5, events: batch(5, 3).events });
  assert.deepEqual(trimSeen(batch(9, 2), 5)?.firstSeq, 9);
});

test('a flood of output reaches the page in messages of a few thousand events, in order and complete', async () => {
  const dir = join(ws.dir, 'flood');
  mkdirSync(dir);
  const count = 2 * WIRE_SLICE + 1234;
  writeFileSync(
    join(dir, 'flood.pkr.hcl'),
    // The flood starts after a pause: this socket subscribes only once `start` answers, and a subscriber that arrives
    // after the host's replay window (5,000 events) has gone by misses the start (the UI reads that back from the run log).
    `source "null" "flood" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.flood"]\n  provisioner "shell-local" {\n    inline = ["sleep 2", "seq 1 ${count}"]\n  }\n}\n`,
  );
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}?${TOKEN_PARAM}=${server.token}`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const messages: Array<{ firstSeq: number; size: number; lines: string[]; finished: boolean }> = [];
  const done = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; id?: number; result?: { ok: boolean; value?: { runId: string } }; batch?: Parameters<typeof decodeRunEvents>[0] };
      if (msg.type === 'result' && msg.result?.ok && msg.result.value) socket.send(JSON.stringify({ type: 'subscribe', runId: msg.result.value.runId }));
      if (msg.type === 'run-events' && msg.batch) {
        const b = decodeRunEvents(msg.batch);
        const lines = b.events.flatMap((e) => (e.kind === 'output' ? [e.line] : []));
        const finished = b.events.some((e) => e.kind === 'run-finished');
        messages.push({ firstSeq: b.firstSeq, size: b.events.length, lines, finished });
        if (finished) resolve();
      }
    });
  });
  socket.send(JSON.stringify({ type: 'call', id: 1, method: 'builds.start', input: { path: dir } }));
  await done;
  socket.close();
  assert.ok(messages.every((m) => m.size <= WIRE_SLICE), `largest message: ${Math.max(...messages.map((m) => m.size))} events`);
  let seq = messages[0].firstSeq;
  for (const m of messages) {
    assert.equal(m.firstSeq, seq);
    seq += m.size;
  }
  const numbers = messages.flatMap((m) => m.lines).filter((l) => /^\d+$/.test(l));
  assert.equal(numbers.length, count);
  assert.equal(numbers[count - 1], String(count));
});

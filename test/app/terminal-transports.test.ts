/**
 * A paused build's terminal over both transports the UI uses: the loopback WebSocket (the browser client of
 * `bakehouse serve`) and Electron IPC (the main process's handlers, fed as Electron would feed them). One paused Docker
 * build, a terminal through each.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { createHost } from '../../core/app/host';
import { startServer } from '../../core/app/transport/ws-server';
import { IPC, methodChannel } from '../../core/contract/ipc';
import type { Result } from '../../core/contract/result';
import type { TerminalOutput } from '../../core/contract/terminal';
import { ourPage, type IpcEventLike, type IpcMainLike } from '../../main/ipc/sender';
import { registerSteppingIpc } from '../../main/ipc/stepping';
import { webSocketUrl } from '../../renderer/transport/address';
import { connectWebSocket, type SocketLike } from '../../renderer/transport/ws-client';
import { BASE_IMAGE, requireDocker } from '../builders/docker/harness';
import { workspace } from './fixtures';

const DOCKER = `source "docker" "box" {
  image   = "${BASE_IMAGE}"
  pull    = false
  discard = true
}

build {
  sources = ["source.docker.box"]

  provisioner "shell" {
    name   = "look"
    inline = ["echo looked"]
  }
}
`;

/** Collects a terminal's output as text, and waits for some of it. */
function screen() {
  let text = '';
  let ended = false;
  const listener = (o: TerminalOutput) => {
    if ('ended' in o) ended = true;
    else text += Buffer.from(o.data, 'base64').toString('utf8');
  };
  const until = async (done: () => boolean, what: string) => {
    for (let i = 0; i < 150 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(done(), `${what}; the terminal showed:\n${text}`);
  };
  return { listener, text: () => text, ended: () => ended, waitFor: (re: RegExp) => until(() => re.test(text), `never saw ${re}`), waitEnded: () => until(() => ended, 'never ended') };
}

test('a terminal into a paused build over the WebSocket and over IPC; both close when the build goes on', async () => {
  requireDocker();
  const ws = workspace(DOCKER);
  const staticDir = join(ws.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Bakehouse</title>');
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const server = await startServer({ host, staticDir });
  const conn = await connectWebSocket(webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` }), {
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
  try {
    const api = conn.api;
    const line = DOCKER.split('\n').findIndex((l) => l.includes('provisioner "shell"')) + 1;
    await api.stepping.setBreakpoints({ template: ws.templatePath, breakpoints: [{ kind: 'provisioner', filename: ws.templatePath, line, column: 3 }] });
    const started = await api.builds.start({ path: ws.templatePath });
    assert.ok(started.ok, JSON.stringify(started));
    const { runId } = started.value;
    const promptId = await new Promise<string>((resolve) =>
      conn.onRunEvents(runId, (b) => {
        for (const e of b.events) if (e.kind === 'prompt' && e.terminal) resolve(e.promptId);
      }),
    );

    // WebSocket: the browser client subscribes to the output and sends keys as calls.
    const overWs = screen();
    const opened = await api.stepping.openTerminal({ runId, promptId, cols: 80, rows: 24 });
    assert.ok(opened.ok, JSON.stringify(opened));
    conn.onTerminalOutput(opened.value.terminalId, overWs.listener);
    await api.stepping.terminalInput({ terminalId: opened.value.terminalId, data: 'grep ^ID= /etc/os-release\r' });
    await overWs.waitFor(/^ID=debian\r?$/m);

    // IPC: the main process's handlers, a trusted window and one that is not.
    const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
    const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
    const ipc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), on: (c, l) => listeners.set(c, l), removeHandler: (c) => void handlers.delete(c) };
    const window = (id: number) => {
      const sent: unknown[] = [];
      const event: IpcEventLike = { senderFrame: { url: 'app://bakehouse/', parent: null }, sender: { id, send: (c, o) => void (c === IPC.terminalOutput && sent.push(o)), isDestroyed: () => false, once: () => undefined } };
      return { event, sent };
    };
    const stop = registerSteppingIpc(ipc, host, ourPage(() => [1]));
    const ours = window(1);
    const stranger = window(7);
    const viaIpc = (await handlers.get(methodChannel('stepping.openTerminal'))!(ours.event, { runId, promptId, cols: 80, rows: 24 })) as Result<{ terminalId: string }>;
    assert.ok(viaIpc.ok, JSON.stringify(viaIpc));
    const refused = (await handlers.get(methodChannel('stepping.openTerminal'))!(stranger.event, { runId, promptId, cols: 80, rows: 24 })) as Result<unknown>;
    assert.ok(!refused.ok && refused.error.code === 'unauthorized');
    listeners.get(IPC.subscribeTerminal)!(ours.event, viaIpc.value.terminalId);
    listeners.get(IPC.subscribeTerminal)!(stranger.event, viaIpc.value.terminalId);
    await handlers.get(methodChannel('stepping.terminalInput'))!(ours.event, { terminalId: viaIpc.value.terminalId, data: 'echo via-$((40+2))\r' });
    const overIpc = screen();
    for (let i = 0; i < 150 && !ours.sent.some((o) => 'data' in (o as TerminalOutput) && Buffer.from((o as { data: string }).data, 'base64').includes('via-42')); i++) await new Promise((r) => setTimeout(r, 100));
    ours.sent.forEach((o) => overIpc.listener(o as TerminalOutput));
    await overIpc.waitFor(/^via-42\r?$/m);
    assert.deepEqual(stranger.sent, [], 'an untrusted window gets no output');

    await api.builds.answerPrompt({ runId, promptId, answer: 'continue' });
    await overWs.waitEnded();
    await host.whenRunDone(runId);
    assert.ok(ours.sent.some((o) => 'ended' in (o as TerminalOutput)), 'the IPC terminal ended too');
    stop();
  } finally {
    conn.close();
    await server.close();
    await host.dispose();
  }
});

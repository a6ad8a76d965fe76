import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHost } from '../../core/app/host';
import { IPC, methodChannel } from '../../core/contract/ipc';
import { METHOD_NAMES } from '../../core/contract/methods';
import type { RunEventBatch } from '../../core/contract/events';
import type { Result } from '../../core/contract/result';
import { registerBuildIpc } from '../../main/ipc/builds';
import { registerCredentialIpc } from '../../main/ipc/credentials';
import { registerHistoryIpc } from '../../main/ipc/history';
import { ourPage, type IpcEventLike, type IpcMainLike } from '../../main/ipc/sender';
import { registerSteppingIpc } from '../../main/ipc/stepping';
import { registerTemplateIpc } from '../../main/ipc/templates';
import { registerWorkspaceIpc } from '../../main/ipc/workspace';
import { workspace } from '../app/fixtures';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;

function fakeMain() {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Handler>();
  const ipc: IpcMainLike = {
    handle: (c, l) => void handlers.set(c, l),
    on: (c, l) => listeners.set(c, l),
    removeHandler: (c) => void handlers.delete(c),
  };
  return { ipc, handlers, listeners };
}

function sender(id: number, url: string, parent: unknown = null) {
  const sent: Array<[string, unknown]> = [];
  let onDestroyed: (() => void) | undefined;
  const event: IpcEventLike = {
    senderFrame: { url, parent },
    sender: { id, send: (c, a) => void sent.push([c, a]), isDestroyed: () => false, once: (_e, l) => (onDestroyed = l) },
  };
  return { event, sent, destroy: () => onDestroyed?.() };
}

test('every contract method has its own IPC handler; only our top frame on app://bakehouse is answered', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: {} });
  const { ipc, handlers } = fakeMain();
  const opened: string[] = [];
  const trusted = ourPage(() => [1]);
  registerTemplateIpc(ipc, host, trusted, (p) => opened.push(p));
  registerBuildIpc(ipc, host, trusted);
  registerCredentialIpc(ipc, host, trusted);
  registerHistoryIpc(ipc, host, trusted);
  registerSteppingIpc(ipc, host, trusted);
  registerWorkspaceIpc(ipc, host, trusted, { open: async () => '/picked', save: async () => null });
  for (const name of METHOD_NAMES) assert.ok(handlers.has(methodChannel(name)), name);

  const open = handlers.get(methodChannel('templates.open'))!;
  const ours = sender(1, 'app://bakehouse/index.html');
  const r = (await open(ours.event, { path: ws.templatePath })) as Result<{ path: string }>;
  assert.ok(r.ok);
  assert.deepEqual(opened, [ws.templatePath], 'the recent-files menu hears of it');

  for (const stranger of [sender(1, 'https://evil.example/'), sender(2, 'app://bakehouse/index.html'), sender(1, 'app://bakehouse/index.html', {}), sender(1, 'file:///etc/passwd')]) {
    const refused = (await open(stranger.event, { path: ws.templatePath })) as Result<unknown>;
    assert.ok(!refused.ok && refused.error.code === 'unauthorized');
  }
  const bad = (await open(ours.event, { path: 7 })) as Result<unknown>;
  assert.ok(!bad.ok && bad.error.code === 'invalid-input', 'the host checks inputs for IPC as for every transport');
  assert.equal(await handlers.get(IPC.openDialog)!(ours.event, {}), '/picked');
  assert.equal(await handlers.get(IPC.openDialog)!(sender(9, 'app://bakehouse/').event, {}), null);
});

test('run events go to the subscribed window in numbered batches; a closed window stops receiving them', async () => {
  const ws = workspace();
  const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
  const { ipc, handlers, listeners } = fakeMain();
  registerBuildIpc(ipc, host, ourPage(() => [1, 2]));
  const win = sender(1, 'app://bakehouse/');
  const other = sender(2, 'app://bakehouse/');
  const started = (await handlers.get(methodChannel('builds.start'))!(win.event, { path: ws.templatePath, only: ['null.box'] })) as Result<{ runId: string }>;
  assert.ok(started.ok);
  listeners.get(IPC.subscribeRun)!(win.event, started.value.runId);
  listeners.get(IPC.subscribeRun)!(other.event, started.value.runId);
  other.destroy();
  await host.whenRunDone(started.value.runId);
  const batches = win.sent.filter(([c]) => c === IPC.runEvents).map(([, b]) => b as RunEventBatch);
  assert.ok(batches.length > 0);
  let seq = 0;
  for (const b of batches) {
    assert.equal(b.firstSeq, seq);
    seq += b.events.length;
  }
  assert.equal(batches.at(-1)?.events.at(-1)?.kind, 'run-finished');
  assert.ok(other.sent.length <= 1, 'at most the replay reached the window before it closed');
});

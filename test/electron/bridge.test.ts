import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IPC, methodChannel } from '../../core/contract/ipc';
import { METHOD_NAMES } from '../../core/contract/methods';
import type { RunEventBatch } from '../../core/contract/events';
import { createBridge, type IpcRendererLike } from '../../preload/bridge';

function fakeIpc() {
  const invoked: Array<[string, unknown]> = [];
  const sent: Array<[string, unknown]> = [];
  const listeners = new Map<string, Array<(e: unknown, ...a: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, input) => {
      invoked.push([channel, input]);
      return { ok: true, value: channel };
    },
    send: (channel, arg) => void sent.push([channel, arg]),
    on: (channel, l) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
    removeListener: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
  };
  const emit = (channel: string, arg: unknown) => (listeners.get(channel) ?? []).forEach((l) => l({}, arg));
  return { ipc, invoked, sent, emit };
}

test('the bridge has one function per contract method, each on its own channel, and no generic invoke', async () => {
  const { ipc, invoked } = fakeIpc();
  const bridge = createBridge(ipc) as unknown as Record<string, unknown>;
  assert.deepEqual(Object.keys(bridge).sort(), ['builds', 'credentials', 'history', 'onMenuCommand', 'onRunEvents', 'onTerminalOutput', 'showOpenDialog', 'showSaveDialog', 'stepping', 'templates', 'workspace']);
  for (const name of METHOD_NAMES) {
    const [service, method] = name.split('.');
    const fn = (bridge[service] as Record<string, (i: unknown) => Promise<unknown>>)[method];
    assert.equal(typeof fn, 'function', name);
    assert.deepEqual(await fn({ probe: name }), { ok: true, value: methodChannel(name) });
  }
  assert.equal(invoked.length, METHOD_NAMES.length);
  assert.ok(!('invoke' in bridge) && !('send' in bridge) && !('ipcRenderer' in bridge));
});

test('run events reach the listeners of that run only, and the subscription ends with the last listener', () => {
  const { ipc, sent, emit } = fakeIpc();
  const bridge = createBridge(ipc);
  const got: RunEventBatch[] = [];
  const stopA = bridge.onRunEvents('run-a', (b) => got.push(b));
  const stopA2 = bridge.onRunEvents('run-a', () => undefined);
  assert.deepEqual(sent, [[IPC.subscribeRun, 'run-a']]);
  emit(IPC.runEvents, { runId: 'run-b', firstSeq: 0, events: [] });
  emit(IPC.runEvents, { runId: 'run-a', firstSeq: 0, events: [] });
  assert.equal(got.length, 1);
  stopA();
  assert.equal(sent.length, 1);
  stopA2();
  assert.deepEqual(sent[1], [IPC.unsubscribeRun, 'run-a']);
});

test('menu commands are delivered until the listener is removed', () => {
  const { ipc, emit } = fakeIpc();
  const bridge = createBridge(ipc);
  const got: unknown[] = [];
  const stop = bridge.onMenuCommand((c) => got.push(c));
  emit(IPC.menu, { command: 'save' });
  stop();
  emit(IPC.menu, { command: 'run' });
  assert.deepEqual(got, [{ command: 'save' }]);
});

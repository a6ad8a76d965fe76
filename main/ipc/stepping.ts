/**
 * IPC for the stepping service (breakpoints, terminals into paused builds), and a terminal's output pushed to the window
 * that subscribed to it. Subscriptions belong to a window and end when it goes away.
 */
import type { Host } from '../../core/app/host';
import { IPC } from '../../core/contract/ipc';
import { handleService, type IpcEventLike, type IpcMainLike, type SenderCheck } from './sender';

export function registerSteppingIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  const stopHandlers = handleService(ipc, host, 'stepping', trusted);
  /** By window (webContents id), by terminal id: how to stop the subscription. */
  const subscriptions = new Map<number, Map<string, () => void>>();

  ipc.on(IPC.subscribeTerminal, (event: IpcEventLike, terminalId: unknown) => {
    if (!trusted(event) || typeof terminalId !== 'string') return;
    const sender = event.sender;
    let mine = subscriptions.get(sender.id);
    if (!mine) {
      subscriptions.set(sender.id, (mine = new Map()));
      sender.once('destroyed', () => {
        for (const stop of subscriptions.get(sender.id)?.values() ?? []) stop();
        subscriptions.delete(sender.id);
      });
    }
    if (mine.has(terminalId)) return;
    mine.set(
      terminalId,
      host.subscribeTerminal(terminalId, (output) => {
        if (!sender.isDestroyed()) sender.send(IPC.terminalOutput, output);
      }),
    );
  });
  ipc.on(IPC.unsubscribeTerminal, (event: IpcEventLike, terminalId: unknown) => {
    if (typeof terminalId !== 'string') return;
    const mine = subscriptions.get(event.sender.id);
    mine?.get(terminalId)?.();
    mine?.delete(terminalId);
  });

  return () => {
    stopHandlers();
    for (const mine of subscriptions.values()) for (const stop of mine.values()) stop();
    subscriptions.clear();
  };
}

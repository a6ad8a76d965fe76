/**
 * IPC for the builds service, and run events pushed to the window in the host's numbered ~100 ms batches.
 * Subscriptions belong to a window and end when it goes away.
 */
import type { Host } from '../../core/app/host';
import { IPC } from '../../core/contract/ipc';
import { handleService, type IpcEventLike, type IpcMainLike, type SenderCheck } from './sender';

export function registerBuildIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  const stopHandlers = handleService(ipc, host, 'builds', trusted);
  /** By window (webContents id), by run id: how to stop the subscription. */
  const subscriptions = new Map<number, Map<string, () => void>>();

  ipc.on(IPC.subscribeRun, (event: IpcEventLike, runId: unknown) => {
    if (!trusted(event) || typeof runId !== 'string') return;
    const sender = event.sender;
    let mine = subscriptions.get(sender.id);
    if (!mine) {
      subscriptions.set(sender.id, (mine = new Map()));
      sender.once('destroyed', () => {
        for (const stop of subscriptions.get(sender.id)?.values() ?? []) stop();
        subscriptions.delete(sender.id);
      });
    }
    if (mine.has(runId)) return;
    mine.set(
      runId,
      host.subscribeRun(runId, (batch) => {
        if (!sender.isDestroyed()) sender.send(IPC.runEvents, batch);
      }),
    );
  });
  ipc.on(IPC.unsubscribeRun, (event: IpcEventLike, runId: unknown) => {
    if (typeof runId !== 'string') return;
    const mine = subscriptions.get(event.sender.id);
    mine?.get(runId)?.();
    mine?.delete(runId);
  });

  return () => {
    stopHandlers();
    for (const mine of subscriptions.values()) for (const stop of mine.values()) stop();
    subscriptions.clear();
  };
}

/**
 * IPC for the builds service, and run events pushed to the window in the host's numbered ~100 ms batches.
 * Subscriptions belong to a window and end when it goes away.
 */
import type { Host } from '../../core/app/host';
import { IPC } from '../../core/contract/ipc';
import { handleService, handleSubscriptions, type IpcMainLike, type SenderCheck } from './sender';

export function registerBuildIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  const stopHandlers = handleService(ipc, host, 'builds', trusted);
  const stopSubscriptions = handleSubscriptions(ipc, trusted, { subscribe: IPC.subscribeRun, unsubscribe: IPC.unsubscribeRun, push: IPC.runEvents }, (runId, push) => host.subscribeRun(runId, push));
  return () => {
    stopHandlers();
    stopSubscriptions();
  };
}

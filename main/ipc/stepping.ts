/**
 * IPC for the stepping service (breakpoints, terminals into paused builds), and a terminal's output pushed to the window
 * that subscribed to it. Subscriptions belong to a window and end when it goes away.
 */
import type { Host } from '../../core/app/host';
import { IPC } from '../../core/contract/ipc';
import { handleService, handleSubscriptions, type IpcMainLike, type SenderCheck } from './sender';

export function registerSteppingIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  const stopHandlers = handleService(ipc, host, 'stepping', trusted);
  const stopSubscriptions = handleSubscriptions(
    ipc,
    trusted,
    { subscribe: IPC.subscribeTerminal, unsubscribe: IPC.unsubscribeTerminal, push: IPC.terminalOutput },
    (terminalId, push) => host.subscribeTerminal(terminalId, push),
  );
  return () => {
    stopHandlers();
    stopSubscriptions();
  };
}

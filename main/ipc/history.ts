/** IPC for the history service: the build history's runs and each run's record, read-only. */
import type { Host } from '../../core/app/host';
import { handleService, type IpcMainLike, type SenderCheck } from './sender';

export function registerHistoryIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  return handleService(ipc, host, 'history', trusted);
}

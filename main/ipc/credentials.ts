/**
 * IPC for the credentials service. Secrets travel only into the main process (add, edit, unlock); every answer the
 * window gets back carries names and metadata, as the host's service answers them.
 */
import type { Host } from '../../core/app/host';
import { handleService, type IpcMainLike, type SenderCheck } from './sender';

export function registerCredentialIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck): () => void {
  return handleService(ipc, host, 'credentials', trusted);
}

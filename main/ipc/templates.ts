/** IPC for the templates service; opening a template updates the recent-files menu. */
import type { Host } from '../../core/app/host';
import { handleService, type IpcMainLike, type SenderCheck } from './sender';

export function registerTemplateIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck, onOpened: (path: string) => void): () => void {
  return handleService(ipc, host, 'templates', trusted, (method, result) => {
    if (method === 'open' && result.ok) onOpened((result.value as { path: string }).path);
  });
}

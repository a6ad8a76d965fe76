/** IPC for the templates service; opening a template updates the recent-files menu. */
import type { Host } from '../../core/app/host';
import { handleService, type IpcMainLike, type SenderCheck } from './sender';

export function registerTemplateIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck, onOpened: (path: string) => void): () => void {
  return handleService(ipc, host, 'templates', trusted, (method, result) => {
    // `templates.open` answers with an OpenedTemplate; a call by wire name returns it untyped, so its path is read with care.
    const opened = method === 'templates.open' && result.ok ? result.value : undefined;
    if (typeof opened === 'object' && opened !== null && 'path' in opened && typeof opened.path === 'string') onOpened(opened.path);
  });
}

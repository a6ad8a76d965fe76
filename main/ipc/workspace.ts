/** IPC for the workspace service and the native open/save dialogs (the dialogs exist only in the desktop app). */
import type { Host } from '../../core/app/host';
import { IPC } from '../../core/contract/ipc';
import { handleService, type IpcMainLike, type SenderCheck } from './sender';

export interface Dialogs {
  /** `credentialFile`: a file to import credentials from, rather than a template. */
  open(options: { folder: boolean; credentialFile?: boolean }): Promise<string | null>;
  save(options: { defaultPath?: string }): Promise<string | null>;
}

export function registerWorkspaceIpc(ipc: IpcMainLike, host: Host, trusted: SenderCheck, dialogs: Dialogs): () => void {
  const stop = handleService(ipc, host, 'workspace', trusted);
  ipc.handle(IPC.openDialog, (event, options) => {
    if (!trusted(event)) return null;
    return dialogs.open({ folder: isRecord(options) && options.folder === true, credentialFile: isRecord(options) && options.credentialFile === true });
  });
  ipc.handle(IPC.saveDialog, (event, options) => {
    if (!trusted(event)) return null;
    const defaultPath = isRecord(options) && typeof options.defaultPath === 'string' ? options.defaultPath : undefined;
    return dialogs.save({ defaultPath });
  });
  return () => {
    stop();
    ipc.removeHandler(IPC.openDialog);
    ipc.removeHandler(IPC.saveDialog);
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

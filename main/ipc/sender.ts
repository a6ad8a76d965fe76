/**
 * Which IPC messages the main process answers: only those from the top frame of our own window showing our own page,
 * so an iframe, a navigated page or another window can never reach the host.
 */
import { METHOD_NAMES, type MethodName, type ServiceName } from '../../core/contract/methods';
import { failure, type Result } from '../../core/contract/result';
import { methodChannel } from '../../core/contract/ipc';
import type { Host } from '../../core/app/host';

export const APP_ORIGIN = 'app://bakehouse';

/** What the checks read of an IPC event (Electron's IpcMainInvokeEvent / IpcMainEvent). */
export interface IpcEventLike {
  senderFrame: { url: string; parent: unknown } | null;
  sender: { id: number; send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean; once(event: 'destroyed', listener: () => void): unknown };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeHandler(channel: string): void;
}

/** Decides whether a message comes from a window we trust (ours, top frame, our page). */
export type SenderCheck = (event: IpcEventLike) => boolean;

export function ourPage(windowIds: () => number[]): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent) return false;
    if (!windowIds().includes(event.sender.id)) return false;
    return frame.url === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
  };
}

/** One `ipcMain.handle` per method of a service, each checking its sender and calling the host by the method's wire name. */
export function handleService(
  ipc: IpcMainLike,
  host: Host,
  service: ServiceName,
  trusted: SenderCheck,
  after?: (method: MethodName, result: Result<unknown>) => void,
): () => void {
  const channels: string[] = [];
  for (const name of METHOD_NAMES.filter((n) => n.startsWith(`${service}.`))) {
    const channel = methodChannel(name);
    channels.push(channel);
    ipc.handle(channel, async (event, input) => {
      if (!trusted(event)) return failure('unauthorized', 'This window may not call Bakehouse.');
      const result = await host.call(name, input);
      after?.(name, result);
      return result;
    });
  }
  return () => channels.forEach((c) => ipc.removeHandler(c));
}

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

/** The messages of one kind of pushed stream: a window subscribes to and unsubscribes from one by id, and is pushed its items. */
export interface StreamChannels {
  subscribe: string;
  unsubscribe: string;
  push: string;
}

/**
 * A kind of stream the host pushes to windows (a run's event batches, a terminal's output): each trusted window's
 * subscriptions by stream id, one per id, all of a window's ended when it goes away, and every one by the returned stop.
 */
export function handleSubscriptions<T>(ipc: IpcMainLike, trusted: SenderCheck, channels: StreamChannels, subscribe: (id: string, push: (item: T) => void) => () => void): () => void {
  /** By window (webContents id), by stream id: how to stop the subscription. */
  const subscriptions = new Map<number, Map<string, () => void>>();
  ipc.on(channels.subscribe, (event: IpcEventLike, id: unknown) => {
    if (!trusted(event) || typeof id !== 'string') return;
    const sender = event.sender;
    let mine = subscriptions.get(sender.id);
    if (!mine) {
      subscriptions.set(sender.id, (mine = new Map()));
      sender.once('destroyed', () => {
        for (const stop of subscriptions.get(sender.id)?.values() ?? []) stop();
        subscriptions.delete(sender.id);
      });
    }
    if (mine.has(id)) return;
    mine.set(
      id,
      subscribe(id, (item) => {
        if (!sender.isDestroyed()) sender.send(channels.push, item);
      }),
    );
  });
  ipc.on(channels.unsubscribe, (event: IpcEventLike, id: unknown) => {
    if (typeof id !== 'string') return;
    const mine = subscriptions.get(event.sender.id);
    mine?.get(id)?.();
    mine?.delete(id);
  });
  return () => {
    for (const mine of subscriptions.values()) for (const stop of mine.values()) stop();
    subscriptions.clear();
  };
}

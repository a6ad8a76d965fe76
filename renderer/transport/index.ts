/**
 * How the UI reaches the host: Electron IPC when the preload put `window.bakehouse` there, otherwise the WebSocket of
 * `bakehouse serve` on the page's own origin, with the token from the page's address (or the cookie it set).
 */
import { webSocketUrl } from './address';
import type { Connection } from './connection';
import { connectIpc } from './ipc-client';
import { connectWebSocket, type WsClientOptions } from './ws-client';

export { webSocketUrl } from './address';
export type { Connection, MenuCommand } from './connection';

export function connect(opts: Pick<WsClientOptions, 'onStatus'> = {}): Promise<Connection> {
  if (window.bakehouse) return Promise.resolve(connectIpc(window.bakehouse));
  return connectWebSocket(webSocketUrl(window.location), opts);
}

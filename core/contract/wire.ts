/**
 * The contract on a socket: the messages `bakehouse serve` and the browser client exchange over the loopback WebSocket.
 * Electron IPC carries the same calls on one channel per method instead (see preload/).
 */
import type { RunEventBatch } from './methods';
import type { Result } from './result';

/** Where the WebSocket listens, and the query parameter (and cookie prefix) carrying the session token. */
export const WS_PATH = '/contract';
export const TOKEN_PARAM = 'token';

export type ClientMessage =
  /** `method` is a contract method's wire name, e.g. `templates.open`. */
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'subscribe'; runId: string }
  | { type: 'unsubscribe'; runId: string };

export type ServerMessage = { type: 'result'; id: number; result: Result<unknown> } | { type: 'run-events'; batch: RunEventBatch };

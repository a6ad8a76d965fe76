/**
 * The contract over the loopback WebSocket of `bakehouse serve`: numbered requests, run-event subscriptions that survive a
 * reconnect, and calls that fail as results (never hang) when the connection drops.
 */
// The channel's proxy loads no zod: the schemas stay in the host, which checks every input.
import { toService } from '../../core/contract/channel';
import type { RunEventBatch } from '../../core/contract/events';
import type { TerminalOutput } from '../../core/contract/terminal';
import { failure, type Result } from '../../core/contract/result';
import { decodeRunEvents, type ClientMessage, type ServerMessage } from '../../core/contract/wire';
import type { Connection } from './connection';

/** The parts of the browser's WebSocket the client uses, so tests may pass another implementation. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  /** Default: the browser's WebSocket. */
  createSocket?: (url: string) => SocketLike;
  /** First wait before reconnecting; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Told when the connection drops and comes back, for a status indicator. */
  onStatus?: (status: 'connected' | 'disconnected') => void;
}

const OPEN = 1;
/** The most run events handed to listeners in one task (a few milliseconds of work in the log viewer). */
export const DELIVERY_SLICE = 4000;

/** Connects and resolves once the socket is open; rejects if the first attempt fails. */
export function connectWebSocket(url: string, opts: WsClientOptions = {}): Promise<Connection> {
  const create = opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
  const baseDelay = opts.reconnectDelayMs ?? 250;
  const maxDelay = opts.maxReconnectDelayMs ?? 5000;
  let socket: SocketLike;
  let nextId = 1;
  let delay = baseDelay;
  let closed = false;
  let everOpened = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const outbox: ClientMessage[] = [];
  const listeners = new Map<string, Set<(b: RunEventBatch) => void>>();
  const terminalListeners = new Map<string, (o: TerminalOutput) => void>();
  /** Per run, the sequence number after the last event delivered: a resubscription's replay must not repeat events. */
  const delivered = new Map<string, number>();

  const send = (m: ClientMessage) => {
    if (socket.readyState === OPEN) socket.send(JSON.stringify(m));
    else outbox.push(m);
  };

  const call = (method: string, input: unknown): Promise<Result<unknown>> => {
    if (closed) return Promise.resolve(failure('io', 'The connection to Bakehouse is closed.'));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      send({ type: 'call', id, method, input });
    });
  };

  // A flood arrives as batches of tens of thousands of lines (one per ~100 ms); handing them on in slices, one task each,
  // lets the page draw frames in between instead of stalling for the whole batch.
  const queue: Array<{ batch: RunEventBatch; at: number }> = [];
  const hand = (batch: RunEventBatch) => {
    for (const l of listeners.get(batch.runId) ?? []) l(batch);
  };
  const drain = () => {
    const head = queue[0];
    const end = Math.min(head.batch.events.length, head.at + DELIVERY_SLICE);
    const slice = { runId: head.batch.runId, firstSeq: head.batch.firstSeq + head.at, events: head.batch.events.slice(head.at, end) };
    head.at = end;
    if (end === head.batch.events.length) queue.shift();
    hand(slice);
    if (queue.length > 0) setTimeout(drain, 0);
  };
  const deliver = (batch: RunEventBatch) => {
    if (queue.length === 0 && batch.events.length <= DELIVERY_SLICE) return hand(batch);
    queue.push({ batch, at: 0 });
    if (queue.length === 1) drain();
  };

  return new Promise<Connection>((resolveFirst, rejectFirst) => {
    const open = () => {
      socket = create(url);
      socket.onopen = () => {
        delay = baseDelay;
        // A reconnect starts a new server-side session: subscriptions are made again.
        for (const runId of listeners.keys()) socket.send(JSON.stringify({ type: 'subscribe', runId } satisfies ClientMessage));
        for (const terminalId of terminalListeners.keys()) socket.send(JSON.stringify({ type: 'subscribe-terminal', terminalId } satisfies ClientMessage));
        for (const m of outbox.splice(0)) socket.send(JSON.stringify(m));
        if (everOpened) opts.onStatus?.('connected');
        else {
          everOpened = true;
          resolveFirst(connection);
        }
      };
      socket.onmessage = (ev) => {
        let msg: ServerMessage;
        try {
          msg = JSON.parse(String(ev.data)) as ServerMessage;
        } catch {
          return;
        }
        if (msg.type === 'result') {
          const resolve = pending.get(msg.id);
          pending.delete(msg.id);
          resolve?.(msg.result);
        } else if (msg.type === 'terminal-output') {
          terminalListeners.get(msg.output.terminalId)?.(msg.output);
        } else if (msg.type === 'run-events') {
          const batch = trimSeen(decodeRunEvents(msg.batch), delivered.get(msg.batch.runId) ?? 0);
          if (!batch) return;
          delivered.set(batch.runId, batch.firstSeq + batch.events.length);
          deliver(batch);
        }
      };
      socket.onerror = () => undefined;
      socket.onclose = () => {
        // Whatever was in flight may or may not have run; the caller decides whether to retry.
        for (const resolve of pending.values()) resolve(failure('io', 'Lost the connection to Bakehouse before it answered.'));
        pending.clear();
        outbox.length = 0;
        if (closed) return;
        if (!everOpened) {
          closed = true;
          rejectFirst(new Error(`Cannot connect to Bakehouse at ${url.replace(/token=[^&]*/, 'token=…')}`));
          return;
        }
        opts.onStatus?.('disconnected');
        retry = setTimeout(open, delay);
        delay = Math.min(delay * 2, maxDelay);
      };
    };

    const connection: Connection = {
      kind: 'websocket',
      api: toService(call),
      onRunEvents(runId, listener) {
        let set = listeners.get(runId);
        if (!set) {
          listeners.set(runId, (set = new Set()));
          send({ type: 'subscribe', runId });
        }
        set.add(listener);
        return () => {
          const s = listeners.get(runId);
          if (!s?.delete(listener) || s.size > 0) return;
          listeners.delete(runId);
          delivered.delete(runId);
          send({ type: 'unsubscribe', runId });
        };
      },
      onTerminalOutput(terminalId, listener) {
        // One view per terminal: a second subscriber replaces the first.
        terminalListeners.set(terminalId, listener);
        send({ type: 'subscribe-terminal', terminalId });
        return () => {
          if (terminalListeners.get(terminalId) !== listener) return;
          terminalListeners.delete(terminalId);
          send({ type: 'unsubscribe-terminal', terminalId });
        };
      },
      close() {
        closed = true;
        if (retry !== undefined) clearTimeout(retry);
        socket.close();
      },
    };
    open();
  });
}

/** The part of a batch not delivered yet (after a reconnect the host replays what it still holds); undefined if none. */
export function trimSeen(batch: RunEventBatch, next: number): RunEventBatch | undefined {
  const end = batch.firstSeq + batch.events.length;
  if (end <= next) return undefined;
  if (batch.firstSeq >= next) return batch;
  return { runId: batch.runId, firstSeq: next, events: batch.events.slice(next - batch.firstSeq) };
}

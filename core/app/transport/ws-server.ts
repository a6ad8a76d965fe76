/**
 * `bakehouse serve`'s server: the built UI over HTTP and the contract over a WebSocket, on 127.0.0.1 only, both behind
 * the session token. The same host handlers serve Electron IPC, so the browser UI behaves as the desktop app does.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { failure } from '../../contract/result';
import { encodeRunEvents, TOKEN_PARAM, WS_PATH, type ClientMessage, type ServerMessage } from '../../contract/wire';
import type { Host } from '../host';
import { checkRequest, cookieName } from './access';
import { securityHeaders, send, serveStatic } from './static-files';

export interface ServerOptions {
  host: Host;
  /** The built renderer (index.html and its assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
}

export interface RunningServer {
  /** The address to open: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * A client this far behind stops getting run events until it catches up: it sees the gap in the sequence numbers and
 * reads the missing lines from the run log, so a flood of output cannot grow the server's memory without bound.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Events per WebSocket message: small enough for the page to parse one between two frames (~10 ms here). */
export const WIRE_SLICE = 5000;

/** Larger messages are refused: the biggest legitimate one is a template's text. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  let port = 0;
  const http = createServer((req, res) => handleHttp(req, res, opts.staticDir, port, token));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(req, port, token);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!verdict.ok || path !== WS_PATH) {
      const status = verdict.ok ? 404 : verdict.error.status;
      const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, opts.host));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    // Loopback only: the token keeps other local users' browsers out, the address keeps the network out.
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function handleHttp(req: IncomingMessage, res: ServerResponse, staticDir: string, port: number, token: string): void {
  const headers = securityHeaders(port);
  const verdict = checkRequest(req, port, token);
  if (!verdict.ok) {
    send(res, verdict.error.status, 'text/plain; charset=utf-8', `${verdict.error.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${verdict.error.reason}\n`, headers);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD are served here; the contract runs over the WebSocket.\n', { ...headers, Allow: 'GET, HEAD' });
    return;
  }
  // The page's scripts, styles and workers are fetched without the token in their address: the cookie carries it.
  if (verdict.value.viaQuery) headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  serveStatic(staticDir, new URL(req.url ?? '/', 'http://127.0.0.1').pathname, res, headers, req.method === 'HEAD', req.headers);
}

function serveConnection(ws: WebSocket, host: Host): void {
  const subscriptions = new Map<string, () => void>();
  const terminals = new Map<string, () => void>();
  const reply = (m: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  ws.on('message', (data) => {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(String(data)) as ClientMessage;
    } catch {
      ws.close(1003, 'Messages are JSON');
      return;
    }
    if (msg.type === 'call' && typeof msg.id === 'number') {
      if (typeof msg.method !== 'string') {
        reply({ type: 'result', id: msg.id, result: failure('invalid-input', 'A call names its method.') });
        return;
      }
      void host.call(msg.method, msg.input).then((result) => reply({ type: 'result', id: msg.id, result }));
    } else if (msg.type === 'subscribe' && typeof msg.runId === 'string' && !subscriptions.has(msg.runId)) {
      subscriptions.set(
        msg.runId,
        host.subscribeRun(msg.runId, (batch) => {
          // A flood's 100 ms batch holds tens of thousands of lines: sent as several messages, the page parses each in a
          // task of its own and draws frames in between.
          for (let at = 0; at < batch.events.length; at += WIRE_SLICE) {
            const events = batch.events.slice(at, at + WIRE_SLICE);
            const last = events[events.length - 1];
            // The run's end always goes out, so a client that fell behind still learns that the run is over.
            if (ws.bufferedAmount < MAX_BUFFERED_BYTES || last?.kind === 'run-finished') {
              reply({ type: 'run-events', batch: encodeRunEvents({ runId: batch.runId, firstSeq: batch.firstSeq + at, events }) });
            }
          }
        }),
      );
    } else if (msg.type === 'subscribe-terminal' && typeof msg.terminalId === 'string' && !terminals.has(msg.terminalId)) {
      // Keys echo through here: sent at once, never batched, so typing feels local.
      terminals.set(msg.terminalId, host.subscribeTerminal(msg.terminalId, (output) => reply({ type: 'terminal-output', output })));
    } else if (msg.type === 'unsubscribe-terminal' && typeof msg.terminalId === 'string') {
      terminals.get(msg.terminalId)?.();
      terminals.delete(msg.terminalId);
    } else if (msg.type === 'unsubscribe' && typeof msg.runId === 'string') {
      subscriptions.get(msg.runId)?.();
      subscriptions.delete(msg.runId);
    }
  });
  ws.on('close', () => {
    for (const stop of [...subscriptions.values(), ...terminals.values()]) stop();
    subscriptions.clear();
    terminals.clear();
  });
}

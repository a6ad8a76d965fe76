/**
 * A small HTTP proxy in front of moto that counts EC2 calls by Action and injects the faults real AWS shows: throttling
 * (503 RequestLimitExceeded), an instance not yet visible right after RunInstances, an error at any call, and a dropped
 * connection — before the call reaches moto, or after moto did it (the reply lost, so a retry meets what the first call
 * made). It can also answer a call moto does not implement with a recorded reply (`respond`). Tests point
 * `custom_endpoint_ec2` at it; the bench reads its counts. EC2's Query API names the call in the form body
 * (`Action=RunInstances&…`), which is all the proxy reads.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** EC2's throttling answer, which the SDK retries with backoff. */
  | { kind: 'throttle' }
  /** Any EC2 error reply, e.g. InvalidInstanceID.NotFound (400) or InternalError (500). */
  | { kind: 'error'; status: number; code: string; message: string }
  /** The socket is destroyed before the call reaches moto. */
  | { kind: 'drop-before' }
  /** moto does the call, then the socket is destroyed instead of its reply. */
  | { kind: 'drop-after' }
  /** No answer at all until the proxy stops: a build waiting on it can be killed there. */
  | { kind: 'hang' }
  /** The call reaches moto only after `ms`, even if the client has given up by then (a slow network, as EC2 sees it). */
  | { kind: 'delay'; ms: number }
  /**
   * This reply instead of moto's (never forwarded): a recorded answer standing in for a call moto does not implement
   * (ImportImage). `body` gets the call's form parameters and may make real calls first, so what the reply names exists.
   */
  | { kind: 'respond'; status?: number; body: (params: URLSearchParams) => string | Promise<string> };

export interface FaultRule {
  action: string;
  /** Which calls of that action (1 = the first) get the fault; every call when absent. */
  calls?: number[];
  /** Only once this Action has been called (e.g. DescribeImages after CreateImage). */
  afterAction?: string;
  fault: Fault;
}

export const THROTTLE: Fault = { kind: 'throttle' };

/** What EC2 answers for an instance it does not know yet (eventual consistency right after RunInstances). */
export function instanceNotFound(): Fault {
  return { kind: 'error', status: 400, code: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-unknown' does not exist" };
}

export interface FaultProxy {
  endpoint: string;
  /** Calls seen per Action, faulted ones included. */
  counts(): Record<string, number>;
  /** The Actions in the order they arrived. */
  calls(): string[];
  /** Faults injected so far, as `Action#n kind`. */
  injected(): string[];
  /** Replaces the rules; counts go on. */
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

/** EC2's XML error body (the Query protocol's shape, which the SDK parses into the error's name and message). */
function ec2ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>bakehouse-fault-proxy</RequestID></Response>`;
}

function actionOf(method: string | undefined, url: string, body: string): string {
  const fromBody = new URLSearchParams(body).get('Action');
  if (fromBody) return fromBody;
  return new URL(url, 'http://proxy').searchParams.get('Action') ?? `${method ?? 'GET'} ${url}`;
}

export async function startFaultProxy(target: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const order: string[] = [];
  const injected: string[] = [];
  let active = rules;

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse | undefined, dropAfter: () => void): void => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (reply) => {
        if (!res) {
          reply.resume();
          reply.once('end', dropAfter);
          return;
        }
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.once('error', (e) => {
      if (res && !res.headersSent) res.writeHead(502).end(String(e));
      else dropAfter();
    });
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(req.method, req.url ?? '/', body.toString('utf8'));
      const n = (counts.get(action) ?? 0) + 1;
      counts.set(action, n);
      order.push(action);
      const rule = active.find(
        (r) => r.action === action && (r.calls === undefined || r.calls.includes(n)) && (r.afterAction === undefined || counts.has(r.afterAction)),
      );
      if (!rule) return forward(req, body, res, () => undefined);
      injected.push(`${action}#${n} ${rule.fault.kind === 'error' ? rule.fault.code : rule.fault.kind}`);
      const fault = rule.fault;
      switch (fault.kind) {
        case 'throttle':
          res.writeHead(503, { 'content-type': 'text/xml' }).end(ec2ErrorXml('RequestLimitExceeded', 'Request limit exceeded.'));
          return;
        case 'error':
          res.writeHead(fault.status, { 'content-type': 'text/xml' }).end(ec2ErrorXml(fault.code, fault.message));
          return;
        case 'drop-before':
          req.socket.destroy();
          return;
        case 'drop-after':
          forward(req, body, undefined, () => req.socket.destroy());
          return;
        case 'hang':
          return;
        case 'delay':
          setTimeout(() => forward(req, body, res.destroyed ? undefined : res, () => undefined), fault.ms);
          return;
        case 'respond':
          Promise.resolve()
            .then(() => fault.body(new URLSearchParams(body.toString('utf8'))))
            .then(
              (xml) => res.writeHead(fault.status ?? 200, { 'content-type': 'text/xml' }).end(xml),
              (e: unknown) => res.writeHead(500, { 'content-type': 'text/xml' }).end(ec2ErrorXml('InternalError', `stand-in failed: ${String(e)}`)),
            );
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => Object.fromEntries(counts),
    calls: () => [...order],
    injected: () => [...injected],
    setRules(next) {
      active = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

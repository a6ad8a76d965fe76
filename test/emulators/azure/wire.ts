/**
 * Resource Manager's wire conventions shared by every handler: the error body `{"error":{"code","message"}}`
 * (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors), JSON replies, and the
 * request as a handler sees it.
 */
import type { ServerResponse } from 'node:http';
import type { JsonRequest } from '../http';

export interface ArmError {
  status: number;
  code: string;
  message: string;
  /** Extra headers, e.g. Retry-After on a 429. */
  headers?: Record<string, string>;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): ArmError {
  return { status, code, message, ...(headers ? { headers } : {}) };
}

export interface ArmReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler needs of a request: its method, case-preserved path segments, query, and parsed JSON body (test/emulators/http.ts). */
export type ArmRequest = JsonRequest;

export { readJsonRequest as readRequest } from '../http';

export function send(res: ServerResponse, reply: ArmReply): void {
  const headers: Record<string, string> = { 'x-ms-request-id': crypto.randomUUID(), ...(reply.headers ?? {}) };
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function errorReply(e: ArmError): ArmReply {
  return { status: e.status, body: { error: { code: e.code, message: e.message } }, ...(e.headers ? { headers: e.headers } : {}) };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A nested field of a request body, or undefined when any step is missing. */
export function field(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

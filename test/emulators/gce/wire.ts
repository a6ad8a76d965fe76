/**
 * Google's wire conventions every handler shares: the error body of Google APIs
 * (`{"error":{"code","message","errors":[{message,domain,reason}],"status"}}`, cloud.google.com/apis/design/errors and
 * cloud.google.com/compute/docs/api/handle-errors), JSON replies, and the request as a handler sees it.
 */
import type { ServerResponse } from 'node:http';
import type { JsonRequest } from '../http';

export interface GoogleReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request as the emulator reads it (test/emulators/http.ts). */
export type GoogleRequest = JsonRequest;

/** The canonical status names Google pairs with each HTTP code (google.rpc.Code). */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function googleError(status: number, reason: string, message: string, headers?: Record<string, string>): GoogleReply {
  return {
    status,
    body: { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: STATUS_NAMES[status] ?? 'UNKNOWN' } },
    ...(headers ? { headers } : {}),
  };
}

export const notFound = (what: string): GoogleReply => googleError(404, 'notFound', `The resource '${what}' was not found`);
export const alreadyExists = (what: string): GoogleReply => googleError(409, 'alreadyExists', `The resource '${what}' already exists`);
export const invalid = (message: string): GoogleReply => googleError(400, 'invalid', message);

export { readJsonRequest as readRequest } from '../http';

export function send(res: ServerResponse, reply: GoogleReply): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(reply.headers ?? {}), 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** The last path segment of a URL or partial URL (`zones/us-central1-a/machineTypes/e2-micro` → `e2-micro`). */
export function lastSegment(link: string): string {
  return link.split('/').filter(Boolean).at(-1) ?? '';
}

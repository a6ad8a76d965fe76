/**
 * Who may talk to `bakehouse serve`: requests to 127.0.0.1 or localhost on our port (no DNS rebinding), from no Origin or our
 * own (no other web page), carrying the session token in the URL or in the cookie set when the tokened URL was opened.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { err, ok, type Result } from '../../common/result';
import { TOKEN_PARAM } from '../../contract/wire';

/** A refused request: the HTTP status to answer with and why. */
export interface Refusal {
  status: 401 | 403;
  reason: string;
}

export function cookieName(port: number): string {
  // Cookies ignore ports: two servers on one machine must not overwrite each other's token.
  return `bakehouse-token-${port}`;
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function checkRequest(req: IncomingMessage, port: number, token: string): Result<{ viaQuery: boolean }, Refusal> {
  const host = req.headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return err({ status: 403, reason: `Host "${host ?? ''}" is not this server.` });
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).includes(origin)) return err({ status: 403, reason: `Requests from ${origin} are not allowed.` });
  const url = new URL(req.url ?? '/', `http://${host}`);
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  if (fromQuery !== null && sameSecret(fromQuery, token)) return ok({ viaQuery: true });
  const fromCookie = readCookie(req.headers.cookie, cookieName(port));
  if (fromCookie !== undefined && sameSecret(fromCookie, token)) return ok({ viaQuery: false });
  return err({ status: 401, reason: 'Open the address `bakehouse serve` printed: it carries the session token.' });
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

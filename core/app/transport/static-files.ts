/** Serves the built renderer (dist/renderer) read-only, with a strict Content-Security-Policy; nothing outside the folder. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Monaco injects styles and starts workers from our own origin; nothing is loaded from elsewhere. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    // The token is in the address: never send it onwards as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export function serveStatic(root: string, pathname: string, res: ServerResponse, headers: Record<string, string>, head: boolean): void {
  const base = resolve(root);
  if (!existsSync(join(base, 'index.html'))) {
    send(res, 503, 'text/html; charset=utf-8', notBuiltPage(base), headers, head);
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    send(res, 400, 'text/plain; charset=utf-8', 'Bad path.\n', headers, head);
    return;
  }
  const file = normalize(join(base, rel === '/' ? 'index.html' : rel));
  if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
    // Browsers ask for a favicon on their own; an empty answer keeps a 404 out of the console.
    if (rel === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', `Not found: ${pathname}\n`, headers, head);
    return;
  }
  send(res, 200, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', readFileSync(file), headers, head);
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string>, head = false): void {
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function notBuiltPage(dir: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Bakehouse: UI not built</title>
<h1>The Bakehouse UI is not built</h1>
<p>No <code>index.html</code> in <code>${escapeHtml(dir)}</code>. Build it with <code>npm run build</code>, then reload this page.</p>
<p>The contract WebSocket is running, so API clients work already.</p>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

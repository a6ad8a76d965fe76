/**
 * Serves the built renderer (dist/renderer) read-only, with a strict Content-Security-Policy; nothing outside the folder.
 * Files whose names carry a content hash (the build's `main-<hash>.js`, `chunks/…`) may be kept by the browser for good;
 * the rest is revalidated. A `.gz` beside a file (the build writes them for the large scripts) is sent to browsers that
 * accept gzip.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
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

/** `main-ABCD1234.js`, `chunks/Workspace-ABCD1234.js`: esbuild's content hash, 8 characters of base32. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

export function cacheControl(rel: string): string {
  if (HASHED.test(rel)) return 'public, max-age=31536000, immutable';
  // index.html names the current hashed files (and the page's address carries the token): never from a cache.
  if (rel === '/' || rel.endsWith('.html')) return 'no-store';
  return 'no-cache';
}

export function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  headers: Record<string, string>,
  head: boolean,
  request: IncomingHttpHeaders = {},
): void {
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
  const stat = statSync(file);
  const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
  const out: Record<string, string> = { ...headers, 'Cache-Control': cacheControl(rel), ETag: etag, Vary: 'Accept-Encoding' };
  if (request['if-none-match'] === etag) {
    res.writeHead(304, out);
    res.end();
    return;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const gz = `${file}.gz`;
  if (/\bgzip\b/.test(String(request['accept-encoding'] ?? '')) && existsSync(gz) && statSync(gz).mtimeMs >= stat.mtimeMs) {
    send(res, 200, type, readFileSync(gz), { ...out, 'Content-Encoding': 'gzip' }, head);
    return;
  }
  send(res, 200, type, readFileSync(file), out, head);
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

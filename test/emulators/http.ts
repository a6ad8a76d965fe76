/**
 * What the cloud emulators (test/emulators/azure, test/emulators/gce) share of HTTP: a request read whole, its JSON body
 * parsed when it says it is JSON, and its path split into decoded segments; and their command lines' port flags.
 */
import type { IncomingMessage } from 'node:http';

export interface JsonRequest {
  method: string;
  path: string;
  segments: string[];
  query: URLSearchParams;
  body: unknown;
  rawBody: string;
  authorization: string;
}

export async function readJsonRequest(req: IncomingMessage, base: string): Promise<JsonRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', base);
  let body: unknown;
  if (rawBody && (req.headers['content-type'] ?? '').includes('json')) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: url.searchParams,
    body,
    rawBody,
    authorization: req.headers.authorization ?? '',
  };
}

/** A `--name N` port flag of an emulator's command line; a value that is no port ends the process with a message. */
export function portFlag(name: string, argv: readonly string[] = process.argv): number | undefined {
  const i = argv.indexOf(name);
  if (i === -1) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`${name} takes a port number\n`);
    process.exit(2);
  }
  return n;
}

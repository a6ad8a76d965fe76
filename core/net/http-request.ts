/**
 * One HTTP request as Go's net/http client makes it for Packer (the http data source, a checksum file's download):
 * node:http, up to 10 redirects (303 turns into a GET; 307 and 308 keep the method and body), no timeout of its own (a
 * cancelled load aborts it), and a failure in Go's words (`Get "URL": dial tcp …`). Not fetch(): it refuses ports the
 * browser blocks (6000, 10080, …), which Go does not.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { err, ok, type Result } from '../common/result';
import { goNetError } from './go-errors';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpResponse {
  status: number;
  /** Go's canonical names (Content-Type), repeated headers joined with ", " as RFC 2616 allows. */
  headers: Record<string, string>;
  text: string;
}

export async function httpRequest(req: HttpRequest, signal: AbortSignal | undefined, redirects = 0): Promise<Result<HttpResponse, string>> {
  const verb = req.method[0] + req.method.slice(1).toLowerCase();
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    return err(`${verb} ${JSON.stringify(req.url)}: unsupported protocol scheme ""`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return err(`${verb} ${JSON.stringify(req.url)}: unsupported protocol scheme ${JSON.stringify(target.protocol.replace(/:$/, ''))}`);
  const client = target.protocol === 'https:' ? https : http;
  const answer = await new Promise<Result<{ status: number; raw: string[]; bytes: Buffer }, string>>((resolve) => {
    const r = client.request(target, { method: req.method, headers: req.headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve(ok({ status: res.statusCode ?? 0, raw: res.rawHeaders, bytes: Buffer.concat(chunks) })));
      res.on('error', (e) => resolve(err(`${verb} ${JSON.stringify(req.url)}: ${goNetError(e, target)}`)));
    });
    r.on('error', (e) => resolve(err(`${verb} ${JSON.stringify(req.url)}: ${goNetError(e, target)}`)));
    r.end(req.body === '' ? undefined : req.body);
  });
  if (!answer.ok) return answer;
  const { status, raw, bytes } = answer.value;
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalHeaderName(raw[i]);
    headers[name] = headers[name] === undefined ? raw[i + 1] : `${headers[name]}, ${raw[i + 1]}`;
  }
  const location = headers.Location;
  if ([301, 302, 303, 307, 308].includes(status) && location) {
    if (redirects >= 10) return err(`${verb} ${JSON.stringify(req.url)}: stopped after 10 redirects`);
    const keep = status === 307 || status === 308 || req.method === 'GET' || req.method === 'HEAD';
    const next = { ...req, url: new URL(location, target).toString(), ...(keep ? {} : { method: 'GET', body: '' }) };
    return httpRequest(next, signal, redirects + 1);
  }
  return ok({ status, headers, text: bytes.toString('utf8') });
}

function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w))
    .join('-');
}

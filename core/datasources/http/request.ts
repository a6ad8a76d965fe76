/**
 * The request of the `http` data source, as Packer 1.14 makes it: the method (GET by default), the headers and body as
 * written, no timeout of its own (a cancelled load aborts it); a status outside 2xx fails, and a body that is not text
 * is returned with a warning (Packer prints the same notice and goes on).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { err, ok, type Result } from '../../common/result';
import { viewOf } from '../../components/checks';
import type { ComponentConfig } from '../../template/model';
import { T_STRING } from '../../template/values/type';
import { map, object, str, type Value } from '../../template/values/value';
import type { DataSourceOutput } from '../types';

export const HTTP_METHODS = ['HEAD', 'GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;

export async function runHttpDataSource(config: ComponentConfig, signal?: AbortSignal): Promise<Result<DataSourceOutput, string>> {
  const c = viewOf(config);
  const url = c.string('url');
  const method = c.string('method') || 'GET';
  const body = c.string('request_body');
  const response = await send({ url, method, headers: stringEntries(config.values.request_headers), body }, signal);
  if (!response.ok) return response;
  const { status, headers, text } = response.value;
  if (status < 200 || status >= 300) return err(`HTTP request error. Response code: ${status}`);
  const warnings: string[] = [];
  const contentType = headers['Content-Type'] ?? '';
  if (!isTextContentType(contentType)) {
    warnings.push(`Content-Type is not recognized as a text type, got ${JSON.stringify(contentType)}; if the content is binary data, it may not be handled properly.`);
  }
  const responseHeaders: Record<string, Value> = {};
  for (const [name, value] of Object.entries(headers)) responseHeaders[name] = str(value);
  return ok({ value: object({ url: str(url), body: str(text), request_headers: map(T_STRING, responseHeaders) }), warnings });
}

interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

interface Response {
  status: number;
  /** Go's canonical names (Content-Type), repeated headers joined with ", " as RFC 2616 allows. */
  headers: Record<string, string>;
  text: string;
}

/**
 * One request with node:http, following up to 10 redirects as Go's client does (303 turns into a GET; 307 and 308 keep
 * the method and body). Not fetch(): it refuses ports the browser blocks (6000, 10080, …), which Packer does not.
 */
async function send(req: Request, signal: AbortSignal | undefined, redirects = 0): Promise<Result<Response, string>> {
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
      res.on('error', (e) => resolve(err(`${verb} ${JSON.stringify(req.url)}: ${e.message}`)));
    });
    r.on('error', (e) => resolve(err(`${verb} ${JSON.stringify(req.url)}: ${e.message}`)));
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
    return send(next, signal, redirects + 1);
  }
  return ok({ status, headers, text: bytes.toString('utf8') });
}

/** `text/*`, `application/json` and SAML metadata, in UTF-8 or ASCII, as Packer accepts. */
export function isTextContentType(contentType: string): boolean {
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim());
  const media = type.toLowerCase();
  if (!/^text\/.+/.test(media) && media !== 'application/json' && !media.startsWith('application/samlmetadata+xml')) return false;
  const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '').toLowerCase() ?? '';
  return charset === '' || charset === 'utf-8' || charset === 'us-ascii';
}

function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w))
    .join('-');
}

function stringEntries(v: Value | undefined): Record<string, string> {
  const entries = v?.kind === 'map' ? v.entries : v?.kind === 'object' ? v.attrs : {};
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(entries)) if (e.kind === 'string' || e.kind === 'number' || e.kind === 'bool') out[k] = String(e.value);
  return out;
}

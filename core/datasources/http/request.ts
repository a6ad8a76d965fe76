/**
 * The request of the `http` data source, as Packer 1.14 makes it: the method (GET by default), the headers and body as
 * written, sent as Go's client does (core/net/http-request.ts); a status outside 2xx fails, and a body that is not text
 * is returned with a warning (Packer prints the same notice and goes on).
 */
import { err, ok, type Result } from '../../common/result';
import { viewOf } from '../../components/checks';
import { httpRequest } from '../../net/http-request';
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
  const response = await httpRequest({ url, method, headers: stringEntries(config.values.request_headers), body }, signal);
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

/** `text/*`, `application/json` and SAML metadata, in UTF-8 or ASCII, as Packer accepts. */
export function isTextContentType(contentType: string): boolean {
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim());
  const media = type.toLowerCase();
  if (!/^text\/.+/.test(media) && media !== 'application/json' && !media.startsWith('application/samlmetadata+xml')) return false;
  const charset = params.find((p) => p.toLowerCase().startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '').toLowerCase() ?? '';
  return charset === '' || charset === 'utf-8' || charset === 'us-ascii';
}

function stringEntries(v: Value | undefined): Record<string, string> {
  const entries = v?.kind === 'map' ? v.entries : v?.kind === 'object' ? v.attrs : {};
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(entries)) if (e.kind === 'string' || e.kind === 'number' || e.kind === 'bool') out[k] = String(e.value);
  return out;
}

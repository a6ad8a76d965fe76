/**
 * Packer's `http` data source (datasource/http in Packer 1.14): one request, whose body and response headers become its
 * output. The request itself is in request.ts.
 */
import { problem, type Check } from '../../components/checks';
import { mapOf, objectOf, T_STRING } from '../../template/values/type';
import { dataSourceSchema } from '../schema';
import type { DataSourceType } from '../types';
import { HTTP_METHODS, runHttpDataSource } from './request';

const urlRequired: Check = (c) => (c.isSet('url') ? [] : [problem('the `url` must be specified')]);

// Go prints the list as `[HEAD GET …]`; the method is compared as written (lower case is refused too).
const knownMethod: Check = (c) => {
  const method = c.string('method') || 'GET';
  if (c.isUnknown('method') || (HTTP_METHODS as readonly string[]).includes(method)) return [];
  return [problem(`the \`method\` must be one of [${HTTP_METHODS.join(' ')}]`)];
};

export const httpDataSource: DataSourceType = {
  schema: dataSourceSchema('http', 'Requests a URL and returns the response body and headers.', {
    url: 'The URL to request; it must answer with a 2xx status.',
    method: `The HTTP method: one of ${HTTP_METHODS.join(', ')}. Default GET.`,
    request_headers: 'Headers to send with the request.',
    request_body: 'The request payload. Default empty.',
  }),
  checks: [urlRequired, knownMethod],
  // Packer names the response headers `request_headers` in its output.
  output: objectOf({ url: T_STRING, body: T_STRING, request_headers: mapOf(T_STRING) }),
  run: { kind: 'io', run: runHttpDataSource },
};

/**
 * Where the upload post-processor sends files, read from its `destination`: an S3 bucket and prefix (`s3://bucket/prefix/`)
 * or an Azure Blob container and prefix, in Azure's own URL (`https://ACCOUNT.blob.core.windows.net/container/prefix/`)
 * or the emulator's path-style one (`http://127.0.0.1:10000/ACCOUNT/container/prefix/`). A SAS query string on the Blob
 * URL is taken apart here so it is used as the credential and never printed with the address.
 */
import { isIP } from 'node:net';
import { err, ok, type Result } from '../../common/result';

export interface S3Destination {
  kind: 's3';
  bucket: string;
  /** '' or ending with '/'. */
  prefix: string;
}

export interface BlobDestination {
  kind: 'blob';
  /** The account's service URL, without a query: `https://acct.blob.core.windows.net` or `http://127.0.0.1:10000/acct`. */
  serviceUrl: string;
  account: string;
  container: string;
  /** '' or ending with '/'. */
  prefix: string;
  /** The SAS query string the URL carried, without its `?`; '' when it had none. */
  sas: string;
}

export type Destination = S3Destination | BlobDestination;

const FIELD = 'destination';
const EXAMPLES = 's3://bucket/prefix/ or https://ACCOUNT.blob.core.windows.net/container/prefix/';

/** Bucket names as S3 accepts them (3–63 lower-case letters, digits, dots and hyphens). */
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Container names as Blob storage accepts them (3–63 lower-case letters, digits and single hyphens). */
const CONTAINER = /^(?:\$root|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62})$/;

export function parseDestination(text: string): Result<Destination> {
  if (text.trim() === '') return err(`${FIELD}: required; give ${EXAMPLES}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return err(`${FIELD}: "${withoutQuery(text)}" is not a URL; give ${EXAMPLES}`);
  }
  if (url.protocol === 's3:') return s3(url);
  if (url.protocol === 'https:' || url.protocol === 'http:') return blob(url);
  return err(`${FIELD}: the scheme "${url.protocol}" is not one upload sends to; give ${EXAMPLES}`);
}

/** The destination as it may be shown: without the SAS token a Blob URL may carry. */
export function displayDestination(d: Destination): string {
  return d.kind === 's3' ? `s3://${d.bucket}/${d.prefix}` : `${d.serviceUrl}/${d.container}/${d.prefix}`;
}

function s3(url: URL): Result<Destination> {
  const bucket = url.hostname;
  if (!S3_BUCKET.test(bucket)) return err(`${FIELD}: "${bucket}" is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)`);
  if (url.search !== '') return err(`${FIELD}: an s3:// destination takes no query string`);
  return ok({ kind: 's3', bucket, prefix: prefixOf(decodeURIComponent(url.pathname.replace(/^\/+/, ''))) });
}

function blob(url: URL): Result<Destination> {
  if (/\.amazonaws\.com$/i.test(url.hostname)) return err(`${FIELD}: write an S3 destination as s3://bucket/prefix/`);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  // A SAS or shared key sent in the clear is anyone's on the way; only the emulator on this machine is spoken to over http.
  if (url.protocol === 'http:' && !loopback) return err(`${FIELD}: Blob storage is reached over https (http only for an emulator on this machine)`);
  const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  // The emulator (and any IP or localhost endpoint) names the account in the path, as Azure's SDKs read such URLs.
  const pathStyle = loopback || isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0;
  const account = pathStyle ? (segments.shift() ?? '') : url.hostname.split('.')[0];
  if (pathStyle && account === '') return err(`${FIELD}: the emulator's URL names the account first: ${url.origin}/ACCOUNT/container/prefix/`);
  if (!pathStyle && !/\.blob\./i.test(url.hostname)) return err(`${FIELD}: "${url.hostname}" is not a Blob storage endpoint (ACCOUNT.blob.core.windows.net)`);
  const container = segments.shift() ?? '';
  if (container === '') return err(`${FIELD}: the URL names no container; give ${url.origin}${pathStyle ? `/${account}` : ''}/container/prefix/`);
  if (!CONTAINER.test(container)) return err(`${FIELD}: "${container}" is not a Blob container name (3 to 63 lower-case letters, digits and single hyphens)`);
  const serviceUrl = `${url.origin}${pathStyle ? `/${encodeURIComponent(account)}` : ''}`;
  return ok({ kind: 'blob', serviceUrl, account, container, prefix: prefixOf(segments.join('/')), sas: url.search.replace(/^\?/, '') });
}

/** Every file goes under the prefix by its base name, so the path is a folder whether or not it ends with '/'. */
function prefixOf(path: string): string {
  return path === '' || path.endsWith('/') ? path : `${path}/`;
}

function withoutQuery(text: string): string {
  const at = text.indexOf('?');
  return at < 0 ? text : `${text.slice(0, at)}?…`;
}

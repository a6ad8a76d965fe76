/**
 * Node's network errors in the words of Go's net package, for messages where Packer quotes Go's error (a failed
 * download is `Get "URL": dial tcp: lookup HOST on 10.0.0.53:53: no such host`, never `getaddrinfo ENOTFOUND HOST`).
 * Only the errors whose Go wording is certain are translated; any other keeps Node's message.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** What Node attaches to a failed lookup, connect or TLS handshake. */
interface NodeNetError {
  code?: string;
  message: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** The connect(2) errors Go reports as `dial tcp ADDR: connect: <strerror>`. */
const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
};

/** Node's certificate-chain codes Go sums up as an unknown authority. */
const UNKNOWN_AUTHORITY = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

/** Go's text for a failed dial or handshake with the URL's host (`url` only names the host when Node does not). */
export function goNetError(e: unknown, url?: URL): string {
  const n = (e ?? {}) as NodeNetError;
  const code = n.code ?? '';
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${n.hostname ?? url?.hostname ?? ''} on ${goResolver()}: no such host`;
  const connect = CONNECT_ERRORS[code];
  if (connect && n.address !== undefined) return `dial tcp ${hostPort(n.address, n.port)}: connect: ${connect}`;
  if (UNKNOWN_AUTHORITY.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return n.message ?? String(e);
}

function hostPort(address: string, port: number | undefined): string {
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

let resolver: string | undefined;

/**
 * The DNS server Go's resolver names in a failed lookup: the first `nameserver` of /etc/resolv.conf, as Go reads it,
 * or Go's default (127.0.0.1) when there is none.
 */
export function goResolver(): string {
  if (resolver !== undefined) return resolver;
  let server = '127.0.0.1';
  try {
    const fields = readFileSync('/etc/resolv.conf', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[0] === 'nameserver' && f[1] !== undefined && isIP(f[1]) !== 0);
    if (fields) server = fields[1];
  } catch {
    // Without resolv.conf Go asks the local server too.
  }
  resolver = `${hostPort(server, 53)}`;
  return resolver;
}

/**
 * The emulator's TLS: a certificate authority made fresh at every start and a server certificate it signs for 127.0.0.1
 * and localhost, through Debian's openssl (Node has no certificate-signing API). The SDKs must speak HTTPS to Resource
 * Manager (their bearer-token policy refuses plain HTTP), so a client trusts the CA: `tlsOptions.ca` in process, or
 * NODE_EXTRA_CA_CERTS=caPath for a child process, as a user behind a private CA would.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmulatorTls {
  /** The CA certificate (PEM) a client trusts. */
  caCert: string;
  /** The same CA as a file, for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  key: string;
  cert: string;
  /** Where the files live; removed by the emulator on close. */
  dir: string;
}

/** `name` labels the CA and its folder (the GCE emulator shares this with the Azure one). */
export function makeTls(name = 'Azure'): EmulatorTls {
  const dir = mkdtempSync(join(tmpdir(), `bakehouse-${name.toLowerCase()}-emulator-`));
  const f = (name: string): string => join(dir, name);
  const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=Bakehouse ${name} emulator CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr')]);
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2',
    '-extfile', f('server.ext'), '-out', f('server.pem')]);
  return { caCert: readFileSync(f('ca.pem'), 'utf8'), caPath: f('ca.pem'), key: readFileSync(f('server.key'), 'utf8'), cert: readFileSync(f('server.pem'), 'utf8'), dir };
}

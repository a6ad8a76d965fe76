/**
 * A Compute Engine of the project's own (Google offers no emulator of it), for the googlecompute builder's tests and for
 * a person trying a template offline: HTTPS with a CA made at start (the Azure emulator's, test/emulators/azure/ca.ts),
 * the OAuth token endpoint a service account key's JWT is exchanged at (oauth.ts), and Compute REST v1's zones,
 * machine types, instances (sshd containers), disks, images and operations with Google's error JSON (compute.ts), and
 * the instances' metadata server and startup scripts (guest.ts).
 * A template reaches it through Packer's own `custom_endpoints = { compute = "<computeUrl>" }` and the key file's
 * token_uri; a client trusts its CA through NODE_EXTRA_CA_CERTS. Start it with `startGceEmulator()`, or
 * `node --import tsx test/emulators/gce/main.ts --port N`.
 */
import { createServer, type Server } from 'node:https';
import { rmSync } from 'node:fs';
import { makeTls } from '../azure/ca';
import { Machines, type Machine } from '../azure/machines';
import { Compute } from './compute';
import { Faults } from './faults';
import { ensureGuestImage, Guest } from './guest';
import { OAuth } from './oauth';
import { Operations } from './operations';
import { googleError, readRequest, send, type GoogleReply, type GoogleRequest } from './wire';

export interface GceEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The projects the service account may build in (default `bakehouse-emulator`). */
  projects?: string[];
  /** How long an operations.wait call waits at most before answering an operation not yet DONE (default 2000 ms). */
  waitMs?: number;
}

export interface GceEmulator {
  /** The root every URL is under, `https://127.0.0.1:PORT`. */
  url: string;
  /** What custom_endpoints' `compute` takes. */
  computeUrl: string;
  tokenUri: string;
  caCert: string;
  caPath: string;
  project: string;
  /** A service account key file (JSON) whose token_uri is this emulator's. */
  keyFile: string;
  /** A key file of the same account signed with another private key: the token endpoint refuses it. */
  wrongKeyFile: string;
  serviceAccountEmail: string;
  /** Calls per REST method id (compute.instances.insert, …) and `oauth.token`. */
  calls: Record<string, number>;
  faults: Faults;
  /** The machine behind a boot disk (`project/zone/disk`). */
  machine(diskKey: string): Machine | undefined;
  machines(): Machine[];
  reserveSshPort(port?: number): Promise<number>;
  /** The Docker label on every container this emulator starts. */
  containerLabel: string;
  /** Instances, disks and images of the served projects (not the public images). */
  resources(): string[];
  compute: Compute;
  close(): Promise<void>;
}

export async function startGceEmulator(opts: GceEmulatorOptions = {}): Promise<GceEmulator> {
  const tls = makeTls('GCE');
  const projects = opts.projects ?? ['bakehouse-emulator'];
  const project = projects[0] ?? 'bakehouse-emulator';
  let base = '';
  const calls: Record<string, number> = {};
  const count = (method: string): number => (calls[method] = (calls[method] ?? 0) + 1);
  const containerLabel = `bakehouse-gce-emulator=${crypto.randomUUID()}`;
  const machines = new Machines(containerLabel, 'local/gce-emulator-image');
  const ops = new Operations(opts.waitMs ?? 2000);
  const faults = new Faults();
  const oauth = new OAuth(() => `${base}/token`);
  const account = oauth.addServiceAccount(project);
  const stranger = new OAuth(() => `${base}/token`).addServiceAccount(project);
  const callCompute = async (r: GoogleRequest): Promise<GoogleReply> => {
    const caller = oauth.caller(r.authorization);
    if (!caller) {
      return googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' });
    }
    return compute.handle(r, caller);
  };
  ensureGuestImage();
  const guest = new Guest({ instanceAt: (ip) => compute.guestView(ip), compute: callCompute, token: (email) => oauth.issue(email) });
  await guest.start();
  const compute: Compute = new Compute({ base: () => base, projects: new Set(projects), ops, faults, machines, guest, defaultServiceAccount: account.email, count });

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    readRequest(req, base)
      .then(async (r) => {
        if (r.path === '/token' && r.method === 'POST') {
          count('oauth.token');
          return send(res, oauth.handleToken(r));
        }
        if (r.segments[0] !== 'compute' || r.segments[1] !== 'v1') return send(res, googleError(404, 'notFound', `Not found: ${r.path}`));
        send(res, await callCompute(r));
      })
      .catch((e: unknown) => send(res, googleError(500, 'backendError', (e as Error).message)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const keyFile = oauth.keyFile(account, project);
  const wrong = JSON.parse(keyFile) as Record<string, string>;
  wrong.private_key = stranger.privateKey;

  return {
    url: base,
    computeUrl: `${base}/compute/v1/`,
    tokenUri: `${base}/token`,
    caCert: tls.caCert,
    caPath: tls.caPath,
    project,
    keyFile,
    wrongKeyFile: JSON.stringify(wrong),
    serviceAccountEmail: account.email,
    calls,
    faults,
    machine: (key) => machines.get(key),
    machines: () => [...machines.byVm.values()],
    reserveSshPort: (port) => machines.reservePort(port),
    containerLabel,
    resources: () => compute.resourceNames(),
    compute,
    async close() {
      await ops.settle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await machines.closeAll();
      await guest.close();
      rmSync(tls.dir, { recursive: true, force: true });
    },
  };
}

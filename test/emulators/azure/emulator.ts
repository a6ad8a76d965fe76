/**
 * An Azure Resource Manager of the project's own (there is no independent emulator of it), for the azure-arm builder's
 * tests and for a person trying a template offline: HTTPS with a CA made at start, the identity platform's token
 * endpoint, and Resource Manager's resource groups, network, VMs (sshd containers), disks, images and galleries with
 * Azure's long-running-operation headers and states and its error JSON. Start it with `startAzureEmulator()`, or
 * `node --import tsx test/emulators/azure/main.ts --port N`.
 */
import { createServer, type Server } from 'node:https';
import { rmSync } from 'node:fs';
import { makeTls } from './ca';
import { COMPUTE_KINDS } from './compute';
import { Faults } from './faults';
import { GALLERY_KINDS } from './galleries';
import { Identity } from './identity';
import type { Env } from './kinds';
import { Machines, type Machine } from './machines';
import { NETWORK_KINDS } from './network';
import { Operations } from './operations';
import { createRouter } from './router';
import { Store, type ArmResource } from './store';
import { errorReply, readRequest, send } from './wire';

export interface AzureEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  subscriptionId?: string;
  /** How many polls of a long-running operation answer InProgress before it ends (default 1). */
  pollsBeforeDone?: number;
  /** How long an operation nobody polls takes to end once its work is done (default 1000 ms). */
  settleMs?: number;
  /** The Retry-After the operation headers carry (default 0: the client polls at its own interval). */
  retryAfterSeconds?: number;
}

export interface AzureEmulator {
  /** Resource Manager's endpoint (AZURE_RESOURCE_MANAGER_ENDPOINT). */
  armUrl: string;
  /** The identity platform's authority host (AZURE_AUTHORITY_HOST). */
  authorityHost: string;
  /** The CA (PEM) a client trusts, and the same as a file for NODE_EXTRA_CA_CERTS. */
  caCert: string;
  caPath: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  /** Calls per operationId (ResourceGroups_CreateOrUpdate, VirtualMachines_Deallocate, Identity_Token, …). */
  calls: Record<string, number>;
  faults: Faults;
  /** The machine behind each VM (by VM resource id, any case): where to SSH. */
  machine(vmId: string): Machine | undefined;
  machines(): Machine[];
  /** The port the next VM's SSH is published on, for a template's ssh_port. */
  reserveSshPort(port?: number): Promise<number>;
  /** The Docker label (key=value) on every container this emulator starts. */
  containerLabel: string;
  /** Every resource the emulator holds (what a leak check looks at). */
  resourceIds(): string[];
  /** One resource as the emulator holds it (its tags and properties), by id in any case. */
  resource(id: string): ArmResource | undefined;
  close(): Promise<void>;
}

export const DEFAULT_PRINCIPAL = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '9d2c8a1e-5b1f-4c3e-8f0a-6e7d1c2b3a40',
  clientSecret: 'emulator~Secret.7Qx-9kLm2',
  subscriptionId: '0b1f6471-1bf0-4dda-aec3-cb9272f09590',
};

export async function startAzureEmulator(opts: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const tls = makeTls();
  const principal = { tenantId: opts.tenantId ?? DEFAULT_PRINCIPAL.tenantId, clientId: opts.clientId ?? DEFAULT_PRINCIPAL.clientId, clientSecret: opts.clientSecret ?? DEFAULT_PRINCIPAL.clientSecret };
  const subscriptionId = opts.subscriptionId ?? DEFAULT_PRINCIPAL.subscriptionId;
  let base = '';
  const calls: Record<string, number> = {};
  const count = (operation: string): number => (calls[operation] = (calls[operation] ?? 0) + 1);
  const instance = crypto.randomUUID();
  const containerLabel = `bakehouse-azure-emulator=${instance}`;
  const machines = new Machines(containerLabel);
  const env: Env = {
    store: new Store(),
    ops: new Operations({ pollsBeforeDone: opts.pollsBeforeDone ?? 1, settleMs: opts.settleMs ?? 1000, retryAfterSeconds: opts.retryAfterSeconds ?? 0 }, () => base),
    faults: new Faults(),
    machines,
    subscriptionId,
    armUrl: () => base,
  };
  const identity = new Identity(principal, () => base);
  const router = createRouter(env, [...NETWORK_KINDS, ...COMPUTE_KINDS, ...GALLERY_KINDS], (a) => identity.accepts(a), count);

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    readRequest(req, base).then(
      (r) => {
        const fromIdentity = identity.handle(r);
        if (fromIdentity) {
          count(r.segments.at(-1) === 'token' ? 'Identity_Token' : 'Identity_Metadata');
          return send(res, fromIdentity);
        }
        send(res, router.handle(r, req.headers.authorization));
      },
      (e: unknown) => send(res, errorReply({ status: 500, code: 'InternalServerError', message: (e as Error).message })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    armUrl: base,
    authorityHost: base,
    caCert: tls.caCert,
    caPath: tls.caPath,
    ...principal,
    subscriptionId,
    calls,
    faults: env.faults,
    machine: (id) => machines.get(id),
    machines: () => [...machines.byVm.values()],
    reserveSshPort: (port) => machines.reservePort(port),
    containerLabel,
    resourceIds: () => env.store.all().map((r) => r.id),
    resource: (id) => env.store.get(id),
    async close() {
      env.ops.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await machines.closeAll();
      rmSync(tls.dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Compute Engine clients a googlecompute build shares (@google-cloud/compute over its REST transport, loaded lazily
 * so a build without googlecompute never loads it), made once with the build's credentials (core/cloud/google/) and
 * custom_endpoints.compute. It adds what the plugin's driver (lib/common/driver_gce.go) does around the calls: waiting
 * for an operation to be DONE through operations.wait (and reading its errors), waiting for an instance's or image's
 * state, and retrying a call Google answers 429 or 503 with backoff, as Google's client libraries do
 * (cloud.google.com/compute/docs/api/handle-errors). Every wait stops at the build's cancel or state_timeout.
 */
import type * as ComputeModule from '@google-cloud/compute';
import { ok, type Result } from '../../common/result';
import { sleep } from '../../engine/retry';
import { googleCredentials, type GoogleCredentials } from '../../cloud/google/credentials';
import { RUN_ID_LABEL } from '../../cloud/run-tag';
import type { GooglecomputeConfig } from './read-config';

type Compute = typeof ComputeModule;
type Op = ComputeModule.protos.google.cloud.compute.v1.IOperation;

/** The template's labels and the run's own (GCE label keys take no colon, so not RUN_ID_TAG). */
export function labelsWithRun(labels: Record<string, string>, runId: string): Record<string, string> {
  return { ...labels, [RUN_ID_LABEL]: runId.toLowerCase() };
}

export class GceDriver {
  private constructor(
    readonly zones: InstanceType<Compute['ZonesClient']>,
    readonly machineTypes: InstanceType<Compute['MachineTypesClient']>,
    readonly instances: InstanceType<Compute['InstancesClient']>,
    readonly disks: InstanceType<Compute['DisksClient']>,
    readonly images: InstanceType<Compute['ImagesClient']>,
    private readonly zoneOps: InstanceType<Compute['ZoneOperationsClient']>,
    private readonly globalOps: InstanceType<Compute['GlobalOperationsClient']>,
    readonly credentials: GoogleCredentials,
    readonly projectId: string,
  ) {}

  static async create(cfg: Pick<GooglecomputeConfig, 'auth' | 'computeEndpoint' | 'universeDomain' | 'projectId'>, env: Record<string, string | undefined>, signal: AbortSignal): Promise<Result<GceDriver>> {
    // The library loads (about a second) while the credentials are worked out, not after.
    const sdk = import('@google-cloud/compute');
    const creds = await googleCredentials(cfg.auth, env, signal);
    if (!creds.ok) {
      sdk.catch(() => undefined);
      return creds;
    }
    const compute = await sdk;
    const options = clientOptions(cfg, creds.value);
    return ok(
      new GceDriver(
        new compute.ZonesClient(options),
        new compute.MachineTypesClient(options),
        new compute.InstancesClient(options),
        new compute.DisksClient(options),
        new compute.ImagesClient(options),
        new compute.ZoneOperationsClient(options),
        new compute.GlobalOperationsClient(options),
        creds.value,
        cfg.projectId,
      ),
    );
  }

  /** A call, retried while Google answers 429 or 503 (at most 6 tries, 1 s doubling), stopped by `signal`. */
  async call<T>(signal: AbortSignal, what: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw new Error('cancelled');
      try {
        return await what();
      } catch (e) {
        const status = statusOf(e);
        if ((status !== 429 && status !== 503) || attempt >= 5) throw e;
        if (!(await sleep(1000 * 2 ** attempt, signal))) throw e;
      }
    }
  }

  /** Waits until the operation is DONE (operations.wait answers at its deadline or when done); its errors become one Error. */
  async waitForOperation(op: unknown, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // An insert's `latestResponse` is typed as google.longrunning's Operation, but over REST it is Compute's own.
    let current = op as Op;
    const zone = current.zone ? lastSegment(current.zone) : '';
    while (String(current.status) !== 'DONE') {
      if (signal.aborted) throw new Error('cancelled');
      if (Date.now() > deadline) throw new Error(`time out while waiting for operation ${current.name ?? ''}`);
      const name = current.name ?? '';
      const [next] = zone
        ? await this.call(signal, () => this.zoneOps.wait({ project: this.projectId, zone, operation: name }))
        : await this.call(signal, () => this.globalOps.wait({ project: this.projectId, operation: name }));
      current = next;
    }
    const errors = current.error?.errors ?? [];
    if (errors.length > 0) throw new Error(errors.map((e) => e.message ?? e.code ?? 'unknown error').join('; '));
  }

  /** Polls until `read` answers `want` (WaitForInstance / waitForImageState), or an error, the timeout or the cancel. */
  async waitForState(what: string, want: string, read: () => Promise<string>, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.call(signal, read);
      if (state === want) return;
      if (state === 'FAILED') throw new Error(`${what} is ${state}`);
      if (Date.now() > deadline) throw new Error(`time out while waiting for ${what} to become ${want.toLowerCase()}`);
      if (!(await sleep(500, signal))) throw new Error('cancelled');
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.zones, this.machineTypes, this.instances, this.disks, this.images, this.zoneOps, this.globalOps].map((c) => c.close()));
  }
}

type ClientOptions = NonNullable<ConstructorParameters<Compute['ZonesClient']>[0]>;

function clientOptions(cfg: Pick<GooglecomputeConfig, 'computeEndpoint' | 'universeDomain'>, creds: GoogleCredentials): ClientOptions {
  // google-gax types its own copy of google-auth-library's AuthClient; ours is the same class at run time.
  const base: ClientOptions = { authClient: creds.client as unknown as ClientOptions['authClient'], fallback: true };
  if (cfg.universeDomain) base.universeDomain = cfg.universeDomain;
  if (cfg.computeEndpoint) {
    const url = new URL(cfg.computeEndpoint);
    base.apiEndpoint = url.hostname;
    base.port = Number(url.port) || (url.protocol === 'http:' ? 80 : 443);
    base.protocol = url.protocol.replace(':', '');
  }
  return base;
}

/** The HTTP status of a failed call (the REST transport's error carries it as `code`). */
export function statusOf(e: unknown): number | undefined {
  const x = e as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [x.response?.status, x.code, x.status]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e) === 404;
}

/** Google's own message of a failed call (the REST transport's message is the error body's JSON), in one line. */
export function describeGoogleError(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  try {
    const body = JSON.parse(message) as { error?: { code?: number; message?: string; status?: string } };
    if (body.error?.message) return `googleapi: Error ${body.error.code ?? ''}: ${body.error.message}${body.error.status ? ` (${body.error.status})` : ''}`;
  } catch {
    // Not JSON: the message is already words.
  }
  return message;
}

export function lastSegment(link: string): string {
  return link.split('/').filter(Boolean).at(-1) ?? '';
}


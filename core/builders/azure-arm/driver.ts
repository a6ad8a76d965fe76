/**
 * The Resource Manager clients the azure-arm steps share: compute, network and resources, made once per build with the
 * cloud, credentials and subscription (core/cloud/azure/), and loaded lazily so a build without azure-arm never loads
 * the Azure SDKs. Long-running operations go through the SDKs' pollers; `lro` bounds each by polling_duration_timeout
 * and the build's cancel, as the plugin bounds its pollers with a context.
 */
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { NetworkManagementClient } from '@azure/arm-network';
import type { ResourceManagementClient } from '@azure/arm-resources';
import { ok, type Result } from '../../common/result';
import { azureClientSetup, describeAzureError, type AzureClientSetup } from '../../cloud/azure/client';
import type { BoundAzureCredential } from '../../cloud/azure/credentials';
import { RUN_ID_TAG } from '../../cloud/run-tag';
import { afterGrace, CREATE_GRACE_MS } from '../../engine/retry';
import type { AzureArmConfig } from './read-config';

/** The template's azure_tags and the run's own, as Azure takes them. */
export function azureTagsWithRun(tags: Record<string, string>, runId: string): Record<string, string> {
  return { ...tags, [RUN_ID_TAG]: runId };
}

interface Poller<T> {
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}
type Started<T> = Promise<Poller<T>> | (Poller<T> & { submitted(): Promise<void> });

function isSubmittable<T>(s: Started<T>): s is Poller<T> & { submitted(): Promise<void> } {
  return 'submitted' in s && 'pollUntilDone' in s;
}

export class AzureDriver {
  private constructor(
    readonly compute: ComputeManagementClient,
    readonly network: NetworkManagementClient,
    readonly resources: ResourceManagementClient,
    readonly setup: AzureClientSetup,
    private readonly pollingTimeoutMs: number,
  ) {}

  get subscriptionId(): string {
    return this.setup.subscriptionId;
  }

  /** Where the credentials came from, in the user's words. */
  get credentialsFrom(): string {
    return this.setup.credentialsFrom;
  }

  static async create(cfg: Pick<AzureArmConfig, 'cloud' | 'auth' | 'pollingTimeoutMs'>, env: Record<string, string | undefined>, bound?: BoundAzureCredential, signal?: AbortSignal): Promise<Result<AzureDriver>> {
    // The SDKs load (about a second) while the cloud and credentials are worked out, not after.
    const sdks = Promise.all([import('@azure/arm-compute'), import('@azure/arm-network'), import('@azure/arm-resources')]);
    const setup = await azureClientSetup({ ...cfg.cloud, ...cfg.auth }, env, bound, signal);
    if (!setup.ok) {
      sdks.catch(() => undefined);
      return setup;
    }
    const { credential, subscriptionId, options } = setup.value;
    const [compute, network, resources] = await sdks;
    return ok(
      new AzureDriver(
        new compute.ComputeManagementClient(credential, subscriptionId, options),
        new network.NetworkManagementClient(credential, subscriptionId, options),
        new resources.ResourceManagementClient(credential, subscriptionId, options),
        setup.value,
        cfg.pollingTimeoutMs,
      ),
    );
  }

  /** One line for the user; a refused credential names where it came from. */
  describe(e: unknown): string {
    return describeAzureError(e, this.credentialsFrom);
  }

  /** The signal a long-running operation is given: the build's cancel, or polling_duration_timeout (or `timeoutMs`) passing. */
  lroSignal(signal: AbortSignal, timeoutMs = this.pollingTimeoutMs): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  }

  /**
   * Sends a create (its PUT) and waits for Azure to finish it. A cancel lets the PUT itself answer, within
   * CREATE_GRACE_MS: Azure goes on creating what it accepted, so cut short it could appear after cleanup looked for it.
   * The wait after it stops at once on a cancel, or when polling_duration_timeout (or `timeoutMs`) passes.
   */
  async created<T>(signal: AbortSignal, begin: (options: { abortSignal: AbortSignal; updateIntervalInMs: number }) => Started<T>, timeoutMs = this.pollingTimeoutMs): Promise<T> {
    const started = begin({ abortSignal: afterGrace(signal, CREATE_GRACE_MS), updateIntervalInMs: 1000 });
    // arm-compute's pollers are promises of the result with `submitted()`; arm-network's `begin…` resolve to the poller once submitted.
    let poller: Poller<T>;
    if (isSubmittable(started)) {
      await started.submitted();
      poller = started;
    } else poller = await started;
    return poller.pollUntilDone({ abortSignal: this.lroSignal(signal, timeoutMs) });
  }

  /** The resource id Azure gives a resource of `type` in `group`. */
  id(group: string, type: string, name: string, subscription = this.subscriptionId): string {
    return `/subscriptions/${subscription}/resourceGroups/${group}/providers/${type}/${name}`;
  }
}

/**
 * Finds what crashed or killed azure-arm runs left in a subscription, for `bakehouse cleanup -subscription`: everything
 * a build creates carries the run's `bakehouse:run-id` tag, so the temporary resource groups are found by that tag first
 * of all (deleting one deletes all inside it), then the run's resources outside them (a VM, disk, NIC, public IP or
 * network in a build_resource_group_name group, a managed image). A managed image is a leftover unless its build
 * finished (the last step tags it `bakehouse:completed`), as AWS's AMIs. Whether a run may still be going is
 * read from its run log here (`core/cloud/run-liveness.ts`).
 */
import type { GenericResourceExpanded, ResourceGroup } from '@azure/arm-resources';
import { err, ok, type Result } from '../../common/result';
import { isNotFound } from '../../cloud/azure/client';
import { liveness, runRecords } from '../../cloud/run-liveness';
import { COMPLETED_TAG, RUN_ID_TAG } from '../../cloud/run-tag';
import type { AzureDriver } from './driver';

/**
 * The order they are removed in: what uses a thing goes before it (a VM before its disk and NIC, a NIC before its IP
 * and network), and the groups last, so a resource of the run inside a group not the run's own is not missed.
 */
export const AZURE_LEFTOVER_TYPES = [
  'Microsoft.Compute/virtualMachines',
  'Microsoft.Compute/disks',
  'Microsoft.Network/networkInterfaces',
  'Microsoft.Network/publicIPAddresses',
  'Microsoft.Network/virtualNetworks',
  'Microsoft.Compute/images',
  'Microsoft.Resources/resourceGroups',
] as const;

export interface AzureLeftover {
  /** One of AZURE_LEFTOVER_TYPES. */
  type: string;
  id: string;
  name: string;
  runId: string;
  /** Whether the run that made it may still be using it (its process is alive here, or no run log here knows it). */
  maybeInUse: boolean;
  why: string;
}

const GROUP = 'Microsoft.Resources/resourceGroups';

function order(type: string): number {
  const i = AZURE_LEFTOVER_TYPES.findIndex((t) => t.toLowerCase() === type.toLowerCase());
  return i === -1 ? AZURE_LEFTOVER_TYPES.length - 1 : i;
}

/** Every leftover in the driver's subscription, of one run or of all; an Azure error is one line naming the credentials' source. */
export async function findAzureLeftovers(azure: AzureDriver, opts: { runId?: string; dataDir: string }): Promise<Result<AzureLeftover[]>> {
  // Resources - List and Resource Groups - List take one tag condition: the tag's name, or its name and value.
  const filter = opts.runId ? `tagName eq '${RUN_ID_TAG}' and tagValue eq '${opts.runId}'` : `tagName eq '${RUN_ID_TAG}'`;
  const recordOf = runRecords(opts.dataDir);
  const found: Omit<AzureLeftover, 'maybeInUse' | 'why'>[] = [];
  try {
    const groups: ResourceGroup[] = [];
    for await (const g of azure.resources.resourceGroups.list({ filter })) groups.push(g);
    const inGroups = new Set(groups.map((g) => (g.name ?? '').toLowerCase()));
    for (const g of groups) found.push({ type: GROUP, id: g.id ?? '', name: g.name ?? '', runId: g.tags?.[RUN_ID_TAG] ?? '' });
    const resources: GenericResourceExpanded[] = [];
    for await (const r of azure.resources.resources.list({ filter })) resources.push(r);
    for (const r of resources) {
      const group = /\/resourceGroups\/([^/]+)\//i.exec(r.id ?? '')?.[1]?.toLowerCase() ?? '';
      // Deleting the run's group deletes it.
      if (inGroups.has(group)) continue;
      const runId = r.tags?.[RUN_ID_TAG] ?? '';
      // A finished build's image carries COMPLETED_TAG (its last step sets it); one of a run whose log here shows success
      // is kept too (built before the tag existed).
      if ((r.type ?? '').toLowerCase() === 'microsoft.compute/images' && (r.tags?.[COMPLETED_TAG] !== undefined || recordOf(runId)?.succeeded === true)) continue;
      found.push({ type: r.type ?? '', id: r.id ?? '', name: r.name ?? '', runId });
    }
  } catch (e) {
    return err(`could not list what runs left in subscription ${azure.subscriptionId}: ${azure.describe(e)}`);
  }
  return ok(found.sort((a, b) => order(a.type) - order(b.type)).map((l) => ({ ...l, ...liveness(recordOf(l.runId)) })));
}

/** How a leftover reads in the sweep's report: `resource group pkr-Resource-Group-abc (run 1234…)`. */
export function describeAzureLeftover(l: AzureLeftover): string {
  const label = l.type === GROUP ? 'resource group' : l.type;
  return `${label} ${l.type === GROUP ? l.name : l.id} (run ${l.runId})`;
}

/**
 * Removes one leftover and waits for Azure to finish: a group with everything in it, any other resource through its own
 * client (which knows its api-version), as the build's cleanup removes it.
 */
export async function removeAzureLeftover(azure: AzureDriver, l: AzureLeftover, signal: AbortSignal): Promise<Result> {
  const poll = { abortSignal: signal, updateIntervalInMs: 1000 };
  const group = /\/resourceGroups\/([^/]+)\//i.exec(l.id)?.[1] ?? '';
  try {
    switch (l.type.toLowerCase()) {
      case GROUP.toLowerCase():
        await azure.resources.resourceGroups.beginDeleteAndWait(l.name, { ...poll, updateIntervalInMs: 2000 });
        break;
      case 'microsoft.compute/virtualmachines':
        await azure.compute.virtualMachines.delete(group, l.name, poll);
        break;
      case 'microsoft.compute/disks':
        await azure.compute.disks.delete(group, l.name, poll);
        break;
      case 'microsoft.compute/images':
        await azure.compute.images.delete(group, l.name, poll);
        break;
      case 'microsoft.network/networkinterfaces':
        await azure.network.networkInterfaces.beginDeleteAndWait(group, l.name, poll);
        break;
      case 'microsoft.network/publicipaddresses':
        await azure.network.publicIPAddresses.beginDeleteAndWait(group, l.name, poll);
        break;
      case 'microsoft.network/virtualnetworks':
        await azure.network.virtualNetworks.beginDeleteAndWait(group, l.name, poll);
        break;
      default:
        return err(`Bakehouse does not remove ${l.type} resources; remove ${l.id} yourself`);
    }
    return ok();
  } catch (e) {
    // Gone already (with its VM or group): nothing left to remove.
    if (isNotFound(e)) return ok();
    return err(azure.describe(e));
  }
}

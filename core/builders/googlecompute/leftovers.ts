/**
 * Finds what crashed or killed googlecompute runs left in a project and zone, for `bakehouse cleanup -project P -zone Z`:
 * every instance, disk and image a build creates carries the run's `bakehouse-run-id` label, so each list is filtered
 * by it (`labels.bakehouse-run-id:*`, cloud.google.com/compute/docs/reference/rest/v1/instances/list: filter). An image
 * is a leftover unless it carries the `bakehouse-completed` label or the run log here shows its run succeeded, as the
 * Azure sweep decides for managed images. Removed instances first (waited for), then disks, then images.
 */
import { err, ok, type Result } from '../../common/result';
import { liveness, runRecords } from '../../cloud/run-liveness';
import { COMPLETED_LABEL, RUN_ID_LABEL } from '../../cloud/run-tag';
import { describeGoogleError, isNotFound, type GceDriver } from './driver';

export const GCE_LEFTOVER_KINDS = ['instance', 'disk', 'image'] as const;
export type GceLeftoverKind = (typeof GCE_LEFTOVER_KINDS)[number];

export interface GceLeftover {
  kind: GceLeftoverKind;
  name: string;
  runId: string;
  maybeInUse: boolean;
  why: string;
}

export async function findGceLeftovers(gce: GceDriver, zone: string, opts: { runId?: string; dataDir: string }): Promise<Result<GceLeftover[]>> {
  const filter = opts.runId ? `labels.${RUN_ID_LABEL} = "${opts.runId.toLowerCase()}"` : `labels.${RUN_ID_LABEL}:*`;
  const recordOf = runRecords(opts.dataDir);
  const project = gce.projectId;
  const found: Omit<GceLeftover, 'maybeInUse' | 'why'>[] = [];
  const signal = AbortSignal.timeout(120_000);
  try {
    const [instances] = await gce.call(signal, () => gce.instances.list({ project, zone, filter }));
    for (const i of instances) found.push({ kind: 'instance', name: i.name ?? '', runId: i.labels?.[RUN_ID_LABEL] ?? '' });
    const [disks] = await gce.call(signal, () => gce.disks.list({ project, zone, filter }));
    for (const d of disks) found.push({ kind: 'disk', name: d.name ?? '', runId: d.labels?.[RUN_ID_LABEL] ?? '' });
    const [images] = await gce.call(signal, () => gce.images.list({ project, filter }));
    for (const i of images) {
      const runId = i.labels?.[RUN_ID_LABEL] ?? '';
      // A finished build's image carries COMPLETED_LABEL (its last step sets it); one of a run whose log here shows success is kept too.
      if (i.labels?.[COMPLETED_LABEL] !== undefined || recordOf(runId)?.succeeded === true) continue;
      found.push({ kind: 'image', name: i.name ?? '', runId });
    }
  } catch (e) {
    return err(`could not list what runs left in project ${project}, zone ${zone}: ${describeGoogleError(e)}`);
  }
  return ok(found.map((l) => ({ ...l, ...liveness(recordOf(l.runId)) })));
}

export function describeGceLeftover(l: GceLeftover): string {
  return `${l.kind} ${l.name} (run ${l.runId})`;
}

/** Removes one leftover and waits for Compute Engine to finish; one already gone is fine. */
export async function removeGceLeftover(gce: GceDriver, zone: string, l: GceLeftover, signal: AbortSignal): Promise<Result> {
  const project = gce.projectId;
  try {
    const [op] =
      l.kind === 'instance'
        ? await gce.call(signal, () => gce.instances.delete({ project, zone, instance: l.name }))
        : l.kind === 'disk'
          ? await gce.call(signal, () => gce.disks.delete({ project, zone, disk: l.name }))
          : await gce.call(signal, () => gce.images.delete({ project, image: l.name }));
    await gce.waitForOperation(op.latestResponse, signal, 600_000);
    return ok();
  } catch (e) {
    if (isNotFound(e)) return ok();
    return err(describeGoogleError(e));
  }
}

/**
 * Where a tracked resource stands in a run's ledger (the `resource` events of the run log): about to be created, created
 * with its id known, removed by its cleanup, or released — it became the build's output (handed over during the run, or
 * kept by its cleanup after a successful build), so it is no longer the run's to remove.
 */
export const RESOURCE_PHASES = ['creating', 'created', 'removed', 'released'] as const;
export type ResourcePhase = (typeof RESOURCE_PHASES)[number];

/** -on-error: what a failed build does with what it created (Packer's cleanup, abort, ask, run-cleanup-provisioner). */

export type OnErrorPolicy = 'cleanup' | 'abort' | 'ask' | 'run-cleanup-provisioner';

export const ON_ERROR_POLICIES: readonly OnErrorPolicy[] = ['cleanup', 'abort', 'ask', 'run-cleanup-provisioner'];

export function parseOnError(text: string | undefined): { ok: true; policy: OnErrorPolicy } | { ok: false; error: string } {
  if (text === undefined || text === '') return { ok: true, policy: 'cleanup' };
  if ((ON_ERROR_POLICIES as readonly string[]).includes(text)) return { ok: true, policy: text as OnErrorPolicy };
  return { ok: false, error: `-on-error has to be one of: ${ON_ERROR_POLICIES.join(', ')}; got "${text}"` };
}

/** Packer's question when a step fails under -on-error=ask. */
export const ASK_TEXT = '[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?';

/** Whether a halted or cancelled build skips a step's cleanup: abort skips all, run-cleanup-provisioner all but provisioning. */
export function skipsCleanup(policy: OnErrorPolicy, askedToAbort: boolean, step: { runsCleanupProvisioner?: boolean }): boolean {
  if (policy === 'run-cleanup-provisioner') return !step.runsCleanupProvisioner;
  return policy === 'abort' || askedToAbort;
}

/** -on-error: how the CLI reads the policy, and what each policy means for a failed build's cleanups. */
import { isOnErrorPolicy, ON_ERROR_POLICIES, type OnErrorPolicy } from '../common/on-error';
import { err, ok, type Result } from '../common/result';

export function parseOnError(text: string | undefined): Result<OnErrorPolicy> {
  if (text === undefined || text === '') return ok('cleanup');
  if (isOnErrorPolicy(text)) return ok(text);
  return err(`-on-error has to be one of: ${ON_ERROR_POLICIES.join(', ')}; got "${text}"`);
}

/** Packer's question when a step fails under -on-error=ask. */
export const ASK_TEXT = '[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?';

/** Whether a halted or cancelled build skips a step's cleanup: abort skips all, run-cleanup-provisioner all but provisioning. */
export function skipsCleanup(policy: OnErrorPolicy, askedToAbort: boolean, step: { runsCleanupProvisioner?: boolean }): boolean {
  if (policy === 'run-cleanup-provisioner') return !step.runsCleanupProvisioner;
  return policy === 'abort' || askedToAbort;
}

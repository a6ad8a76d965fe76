/** -on-error: what a failed build does with what it created (Packer's cleanup, abort, ask, run-cleanup-provisioner). */
export const ON_ERROR_POLICIES = ['cleanup', 'abort', 'ask', 'run-cleanup-provisioner'] as const;
export type OnErrorPolicy = (typeof ON_ERROR_POLICIES)[number];

export function isOnErrorPolicy(text: unknown): text is OnErrorPolicy {
  return (ON_ERROR_POLICIES as readonly unknown[]).includes(text);
}

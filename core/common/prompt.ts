/**
 * Why the engine is waiting: a failed step (-on-error=ask), a breakpoint provisioner, -debug between steps, or a pause
 * before a provisioner or post-processor (a breakpoint on it, or stepping from the last pause).
 */
export const PROMPT_REASONS = ['on-error', 'breakpoint', 'debug', 'step'] as const;
export type PromptReason = (typeof PROMPT_REASONS)[number];

/**
 * Answers a prompt may take; `breakpoint` and `debug` prompts only ever take `continue`, `step` prompts `continue`, `step`
 * (pause before the next provisioner or post-processor) and `abort` (stop the build and clean up, as a cancel does).
 */
export const PROMPT_ANSWERS = ['cleanup', 'abort', 'retry', 'continue', 'step'] as const;
export type PromptAnswer = (typeof PROMPT_ANSWERS)[number];

/** Why the engine is waiting: a failed step (-on-error=ask), a breakpoint provisioner, or -debug between steps. */
export const PROMPT_REASONS = ['on-error', 'breakpoint', 'debug'] as const;
export type PromptReason = (typeof PROMPT_REASONS)[number];

/** Answers a prompt may take; `breakpoint` and `debug` prompts only ever take `continue`. */
export const PROMPT_ANSWERS = ['cleanup', 'abort', 'retry', 'continue'] as const;
export type PromptAnswer = (typeof PROMPT_ANSWERS)[number];

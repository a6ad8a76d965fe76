/**
 * Breakpoints: a build pauses before a provisioner or post-processor a breakpoint names, and the user continues, steps
 * (pauses again before the next one) or aborts. Declared here because the CLI, the engine, the workspace file and the
 * contract all carry them.
 */

/** What a build can pause before. */
export const STEP_KINDS = ['provisioner', 'post-processor'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Where a provisioner or post-processor block is written: the graph's node for it (its header's first character). */
export interface BlockPlace {
  kind: StepKind;
  filename: string;
  line: number;
  column: number;
}

/**
 * `name`: a glob over a step's `name`, or its type when it has none — Packer's rule for naming a post-processor in
 * `-except` (`bakehouse build -debug-step=NAME`). `at`: the block where it is written, as the app's graph sets them.
 */
export type Breakpoint = { name: string } | { at: BlockPlace };

/** The provisioner or post-processor a build is paused before, as a prompt event carries it. */
export interface PausePlace {
  kind: StepKind;
  /** Its place among the build's provisioners, or among its post-processors over all chains (the lifecycle events' `index`). */
  index: number;
  type: string;
  name?: string;
  /** Where its block is written, when the template says (a bridged build's steps have no place). */
  at?: BlockPlace;
}

/** The step's name as `-debug-step` and Packer's `-except` match it: its `name`, or its type when unnamed. */
export function stepName(step: { type: string; name?: string }): string {
  return step.name ?? step.type;
}

export function sameBlock(a: BlockPlace, b: BlockPlace): boolean {
  return a.kind === b.kind && a.filename === b.filename && a.line === b.line && a.column === b.column;
}

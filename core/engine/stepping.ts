/**
 * Pausing a build before a provisioner or post-processor: at a breakpoint that names it, or at every one after the user
 * chose Step. Packer's `-debug` pauses after every builder step with no way to choose (hashicorp/packer#1687, #11736);
 * this pauses where the user asked, and only between the parts of the template the user wrote.
 */
import { sameBlock, stepName, type Breakpoint, type PausePlace } from '../common/breakpoint';
import type { Range } from '../common/diagnostic';
import type { PromptAnswer } from '../common/prompt';
import { globToRegExp } from './glob';
import type { Ui } from './plugin';

/** The question at a pause; the CLI reads the letters, the app shows buttons for the choices. */
export const STEP_TEXT = '[c] Continue, [s] step (pause before the next provisioner or post-processor), or [a] abort the build?';

/** What the build does after a pause: go on, or stop as a cancel does. */
export type PauseVerdict = 'go' | 'abort';

export interface StepperOptions {
  /** Read at each provisioner and post-processor, so breakpoints set while the build runs take effect. */
  breakpoints(): readonly Breakpoint[];
  ui: Ui;
}

/** One build's pauses: which breakpoints hit, and whether the user is stepping. */
export class Stepper {
  private stepping = false;

  constructor(private readonly opts: StepperOptions) {}

  /** Waits for the user when `place` has a breakpoint or the user is stepping; otherwise answers `go` at once. */
  async before(place: PausePlace, signal: AbortSignal): Promise<PauseVerdict> {
    if (signal.aborted) return 'go';
    const hit = this.opts.breakpoints().some((b) => hits(b, place));
    if (!hit && !this.stepping) return 'go';
    const { ui } = this.opts;
    ui.say(`Paused before ${place.kind} ${describe(place)}${hit ? ' at a breakpoint' : ''}.`);
    const answer: PromptAnswer = await ui.ask('step', STEP_TEXT, ['continue', 'step', 'abort'], place);
    if (answer === 'abort' && !signal.aborted) {
      ui.error(`Aborted before ${place.kind} ${describe(place)}.`);
      return 'abort';
    }
    this.stepping = answer === 'step';
    return 'go';
  }
}

export function hits(b: Breakpoint, place: PausePlace): boolean {
  if ('name' in b) return globToRegExp(b.name).test(stepName(place));
  return place.at !== undefined && sameBlock(b.at, place.at);
}

/** Where a provisioner or post-processor's block begins, as a breakpoint set on its graph node names it. */
export function blockPlace(kind: PausePlace['kind'], range: Range | undefined): PausePlace['at'] {
  return range && { kind, filename: range.filename, line: range.start.line, column: range.start.column };
}

function describe(place: PausePlace): string {
  return place.name ? `"${place.name}" (${place.type})` : place.type;
}

/** `-debug-step=NAME`: checks that each NAME pauses somewhere, so a typo fails at once rather than after the build ran. */
import { stepName } from '../common/breakpoint';
import { globToRegExp } from '../engine/glob';
import type { PlannedBuild } from '../template/model';

/** The problem with the names, or undefined when each names a provisioner or post-processor of the builds about to run. */
export function debugStepProblem(names: readonly string[], builds: readonly PlannedBuild[]): string | undefined {
  const steps = builds.flatMap((b) => [...b.provisioners, ...b.postProcessors.flat()].map(stepName));
  const missing = names.filter((n) => !steps.some((s) => globToRegExp(n).test(s)));
  if (missing.length === 0) return undefined;
  const known = [...new Set(steps)];
  return `-debug-step=${missing.join(', -debug-step=')}: no provisioner or post-processor of the builds to run is called that (a step is named by its name, or its type when unnamed${known.length > 0 ? `: ${known.join(', ')}` : '; these builds have none'})`;
}

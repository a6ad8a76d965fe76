/**
 * -resume (and the app's Resume) picks a failed build up after its last cached step, which only a builder that snapshots
 * its machine can do. Asked of any other builder it is refused before anything starts, rather than quietly rebuilding
 * from the start, which for a cloud builder costs the user real time and money they thought they were saving.
 */
import type { PlannedBuild } from '../template/model';
import type { PluginRegistry } from './plugin';

/** The builds whose builder keeps no build cache, as `name (type)`: empty when every build can resume. */
export function buildsUnableToResume(builds: readonly PlannedBuild[], registry: PluginRegistry): string[] {
  return builds.filter((b) => registry.builder(b.type)?.cachesSteps !== true).map((b) => `${b.name} (${b.type})`);
}

/** The CLI's refusal of -resume, in its flags' words. */
export function resumeProblem(builds: readonly PlannedBuild[], registry: PluginRegistry): string | undefined {
  const unable = buildsUnableToResume(builds, registry);
  if (unable.length === 0) return undefined;
  return `-resume: ${unable.join(', ')} cannot resume: only the docker and qemu builders keep a build cache to resume from. Build without -resume, or with -only= the builds that can.`;
}

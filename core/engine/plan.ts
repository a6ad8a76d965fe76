/**
 * Which builds and post-processors a run includes, from -only/-except.
 * The template loader already applied each block's own `only`/`except`; these are the command line's.
 */
import type { BuildIdentity, PlannedBuild, PostProcessorModel } from '../template/model';
import { matchesAny } from './glob';

export interface Selection {
  only: string[];
  except: string[];
}

/** Packer: with -only, keep builds matching one pattern; with -except, drop builds matching one. */
export function selectBuilds(builds: readonly PlannedBuild[], sel: Selection): PlannedBuild[] {
  return builds.filter((b) => {
    const names = buildNames(b);
    if (sel.only.length > 0 && !names.some((n) => matchesAny(n, sel.only))) return false;
    if (sel.except.length > 0 && names.some((n) => matchesAny(n, sel.except))) return false;
    return true;
  });
}

/** -except also names post-processors (by `name`, else type): each such post-processor is left out of its chain. */
export function selectPostProcessors(chains: readonly PostProcessorModel[][], except: readonly string[]): PostProcessorModel[][] {
  if (except.length === 0) return chains.map((c) => [...c]);
  return chains.map((chain) => chain.filter((pp) => !matchesAny(pp.name ?? pp.type, except))).filter((chain) => chain.length > 0);
}

/** The names a build answers to: its full name and, for HCL2, `type.source` without the build block's name. */
export function buildNames(b: BuildIdentity): string[] {
  const names = [b.name];
  const short = `${b.type}.${b.sourceName}`;
  if (b.buildName && !names.includes(short)) names.push(short);
  return names;
}

/** The builds a run will start, each with its post-processor chains trimmed by -except. */
export function planRun(builds: readonly PlannedBuild[], sel: Selection): PlannedBuild[] {
  return selectBuilds(builds, sel).map((b) => ({ ...b, postProcessors: selectPostProcessors(b.postProcessors, sel.except) }));
}

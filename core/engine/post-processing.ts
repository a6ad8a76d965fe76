/**
 * Runs a build's post-processor chains as Packer does: each chain starts from the builder's artifact and hands each
 * result to the next; keep_input_artifact (or the post-processor's default) decides which intermediate artifacts
 * survive and which are destroyed.
 */
import type { Range } from '../common/diagnostic';
import { err } from '../common/result';
import type { Artifact } from './artifact';
import type { PostProcessContext, PostProcessor } from './plugin';
import { errorText } from './steps';

export interface PreparedPostProcessor {
  type: string;
  name?: string;
  postProcessor: PostProcessor;
  /** The user's keep_input_artifact, when written. */
  keepInputArtifact?: boolean;
  /** Where its block is written, so a breakpoint set on its graph node finds it. */
  range?: Range;
}

export interface PostProcessingOptions {
  builderArtifact: Artifact;
  chains: PreparedPostProcessor[][];
  /** A context per post-processor, whose Ui labels lines "build (type)". */
  contextFor(pp: PreparedPostProcessor): PostProcessContext;
  say(text: string): void;
  /** Packer 1.6.6 names HCL2 post-processors "name (type t)" (an empty name when unnamed), JSON ones by type. */
  hcl2?: boolean;
  signal: AbortSignal;
  /** Told when each post-processor begins and ends; `index` counts post-processors over all chains in order. */
  lifecycle?: PostProcessorLifecycle;
  /**
   * Asked before each post-processor starts (a breakpoint may pause there); on `abort` the caller has aborted `signal`,
   * so the chains stop as on a cancel.
   */
  beforeEach?(place: PostProcessorPlace, pp: PreparedPostProcessor): Promise<'go' | 'abort'>;
}

export interface PostProcessorPlace {
  index: number;
  chain: number;
  position: number;
}

export interface PostProcessorLifecycle {
  started(place: PostProcessorPlace, pp: PreparedPostProcessor): void;
  finished(place: PostProcessorPlace, pp: PreparedPostProcessor, error: string | undefined, durationMs: number, cancelled: boolean): void;
}

export interface PostProcessingOutcome {
  /** Everything the build leaves, in Packer's order (the builder's artifact first when kept). */
  artifacts: Artifact[];
  errors: string[];
}

export async function runPostProcessors(opts: PostProcessingOptions): Promise<PostProcessingOutcome> {
  const { builderArtifact } = opts;
  const artifacts: Artifact[] = [];
  const errors: string[] = [];
  let keepOriginal = opts.chains.length === 0;

  // Where each chain starts in the build's written order, however far earlier chains got.
  let offset = 0;
  for (const [c, chain] of opts.chains.entries()) {
    const first = offset;
    offset += chain.length;
    let prior: Artifact | undefined = builderArtifact;
    for (let i = 0; i < chain.length; i++) {
      const pp = chain[i];
      if (opts.signal.aborted) {
        prior = undefined;
        break;
      }
      const place = { index: first + i, chain: c, position: i };
      if (opts.beforeEach) await opts.beforeEach(place, pp);
      if (opts.signal.aborted) {
        prior = undefined;
        break;
      }
      opts.say(`Running post-processor: ${postProcessorLabel(pp, opts.hcl2 ?? false)}`);
      opts.lifecycle?.started(place, pp);
      const started = performance.now();
      let outcome;
      try {
        outcome = await pp.postProcessor.postProcess(opts.contextFor(pp), prior!);
      } catch (e) {
        outcome = err(errorText(e));
      }
      opts.lifecycle?.finished(place, pp, outcome.ok ? undefined : outcome.error, performance.now() - started, opts.signal.aborted);
      if (!outcome.ok) {
        errors.push(`Post-processor failed: ${outcome.error}`);
        prior = undefined;
        break;
      }
      const { artifact, forceOverride } = outcome.value;
      if (!artifact) {
        prior = undefined;
        break;
      }
      let keep = outcome.value.keep;
      if (pp.keepInputArtifact !== undefined && !(keep && !pp.keepInputArtifact && forceOverride)) keep = pp.keepInputArtifact;
      if (i === 0) {
        // Other chains may still need the builder's artifact, so it is only destroyed at the very end.
        if (keep) keepOriginal = true;
      } else if (keep) {
        artifacts.push(prior!);
      } else if (prior!.destroy) {
        try {
          await prior!.destroy();
        } catch (e) {
          errors.push(`Failed cleaning up prior artifact: ${errorText(e)}; pp is ${pp.type}`);
        }
      }
      prior = artifact;
    }
    if (prior) artifacts.push(prior);
  }

  if (keepOriginal) artifacts.unshift(builderArtifact);
  else if (builderArtifact.destroy) {
    try {
      await builderArtifact.destroy();
    } catch (e) {
      errors.push(`Error destroying builder artifact: ${errorText(e)}`);
    }
  }
  return { artifacts, errors };
}

/** Packer 1.6.6's label: "name (type t)" when named; unnamed ones by type in JSON and as " (type t)" in HCL2. */
function postProcessorLabel(pp: PreparedPostProcessor, hcl2: boolean): string {
  if (pp.name) return `${pp.name} (type ${pp.type})`;
  return hcl2 ? ` (type ${pp.type})` : pp.type;
}

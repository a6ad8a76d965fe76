/**
 * Packer's StepOutputDir, as the local VM builders share it: the folder must not be there (or, for some plugins, must be
 * empty) unless -force deletes it; it is made, and removed again when the build fails or is cancelled — it holds the
 * machine while the build runs and is the build's output once it succeeds.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BuildInfo } from './plugin';
import { CONTINUE, halt, type Step } from './steps';

export interface OutputDirOptions {
  /** output_directory as written (for messages) and resolved against the template's folder. */
  outputDir: string;
  /** The plugin's words when the folder is there without -force; by default those of the SDK's commonsteps.StepOutputDir. */
  exists?: string;
  /** Whether an empty folder that is already there is taken as free (the vmware plugin's rule). */
  emptyIsFree?: boolean;
  /** What the step says first, if the plugin says anything. */
  announce?: string;
}

export function outputDirStep<S>(o: OutputDirOptions, build: BuildInfo): Step<S> {
  const dir = resolve(build.cwd, o.outputDir);
  return {
    name: 'StepOutputDir',
    async run(_state, ctx) {
      if (o.announce) ctx.ui.say(o.announce);
      if (existsSync(dir) && !(o.emptyIsFree && readdirSync(dir).length === 0)) {
        if (!build.force) return halt(o.exists ?? `Output directory exists: ${o.outputDir}\n\nUse the force flag to delete it prior to building.`);
        ctx.ui.say('Deleting previous output directory...');
        rmSync(dir, { recursive: true, force: true });
      }
      ctx.track({
        description: `output directory ${o.outputDir}`,
        howToRemove: `rm -rf ${dir}`,
        async remove(c) {
          if (!c.halted && !c.cancelled) return;
          c.ui.say('Deleting output directory...');
          rmSync(dir, { recursive: true, force: true });
        },
      });
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        return halt(`Error creating output directory ${o.outputDir}: ${(e as Error).message}`);
      }
      return CONTINUE;
    },
  };
}

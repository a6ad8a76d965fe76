/** artifice: replaces the build's artifact with files the user names, so later post-processors work on them. */
import { err, ok } from '../../common/result';
import { fileArtifact } from '../../engine/artifact';
import { ConfigFields } from '../../engine/config-fields';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const ARTIFICE_BUILDER_ID = 'packer.post-processor.artifice';

export const artificePostProcessor: PostProcessorPlugin = {
  type: 'artifice',
  prepare(config) {
    const f = new ConfigFields(config, 'artifice');
    const files = f.stringList('files');
    if (files.length === 0 && f.errors.length === 0) f.error('No files specified in artifice configuration');
    if (f.errors.length > 0) return err(f.errors);
    return {
      ok: true,
      value: {
        async postProcess({ ui, build }) {
          ui.say(`Using these artifact files: ${files.join(', ')}`);
          const artifact = fileArtifact(ARTIFICE_BUILDER_ID, files, `Created artifact from files: ${files.join(', ')}`, build.cwd);
          return ok({ artifact, keep: true, forceOverride: false });
        },
      },
    };
  },
};

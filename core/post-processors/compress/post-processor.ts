/** compress: packs the artifact's files into one archive (tar, tar.gz, zip) or gzips a single file; the inputs are not kept by default. */
import { createReadStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { err, ok } from '../../common/result';
import { fileArtifact } from '../../engine/artifact';
import { pipeToNewFile, writeFileAtomic } from '../../files/atomic-write';
import { ConfigFields } from '../../engine/config-fields';
import { fillPlaceholders } from '../../engine/placeholders';
import type { PostProcessorPlugin } from '../../engine/plugin';
import { detectFormat, type CompressionKind } from './formats';
import { createLz4Encoder } from './lz4';
import { createParallelGzip } from '../../archives/parallel-gzip';
import { packFlat } from '../../archives/tar';
import { zipArchive } from './zip';

export const COMPRESS_BUILDER_ID = 'packer.post-processor.compress';
const DEFAULT_OUTPUT = 'packer_{{.BuildName}}_{{.BuilderType}}';

export const compressPostProcessor: PostProcessorPlugin = {
  type: 'compress',
  prepare(config) {
    const f = new ConfigFields(config, 'compress');
    let output = f.string('output');
    const detected = detectFormat(f.string('format') || output || 'tar.gz');
    if (!detected.ok) f.error(detected.error);
    if (!output) output = `${DEFAULT_OUTPUT}.tar.gz`;
    else if (detected.ok && detected.value.defaulted && !f.has('format')) output = `${output}.tar.gz`;
    let level = f.number('compression_level', 6);
    // Packer cannot tell 0 from unset, so 0 (like -1) means the default level.
    if (level === 0 || level === -1) level = 6;
    if (level > 9) level = 9;
    if (level < -1) f.error(`compression_level must be between -1 and 9; got ${level}`);
    if (f.errors.length > 0 || !detected.ok) return err(f.errors);
    const { archive, compression } = detected.value.format;
    return {
      ok: true,
      value: {
        async postProcess({ ui, build, signal }, input) {
          const target = fillPlaceholders(output, { BuildName: build.name, BuilderType: build.builderType });
          const targetPath = resolve(build.cwd, target);
          const inputs = input.files.map((f) => ({ name: f, path: resolve(build.cwd, f) }));
          mkdirSync(dirname(targetPath), { recursive: true });
          // The archive appears at its path only once complete; a cancel or failure removes the partial file.
          const partial = join(dirname(targetPath), `.${basename(targetPath)}.${process.pid}.${Date.now()}.partial`);
          try {
            if (archive === 'zip') {
              ui.say(`Zipping ${target}`);
              writeFileAtomic(targetPath, zipArchive(inputs, level));
            } else if (archive === 'tar') {
              ui.say(compression ? `Tarring ${target} with ${compression} (level ${level})` : `Tarring ${target} with no compression`);
              const stages = compression ? [compressor(compression, level)] : [];
              await pipeToNewFile([packFlat(inputs.map((i) => i.path)), ...stages], partial, signal);
              renameSync(partial, targetPath);
            } else {
              if (input.files.length !== 1) {
                return err(`Can only have 1 input file when not using tar/zip. Found ${input.files.length} files: [${input.files.join(' ')}]`);
              }
              ui.say(`Archiving ${input.files[0]} with ${compression ?? 'gzip'} (level ${level})`);
              await pipeToNewFile([createReadStream(inputs[0].path), compressor(compression ?? 'gzip', level)], partial, signal);
              renameSync(partial, targetPath);
            }
          } catch (e) {
            rmSync(partial, { force: true });
            return err(`Failed to compress: ${(e as Error).message}`);
          }
          ui.say(`Archive ${target} completed`);
          const artifact = fileArtifact(COMPRESS_BUILDER_ID, [target], `compressed artifacts in: ${target}`, build.cwd);
          return ok({ artifact, keep: false, forceOverride: false });
        },
      },
    };
  },
};

function compressor(kind: CompressionKind, level: number): NodeJS.ReadWriteStream {
  // LZ4 trades ratio for speed and has no levels worth exposing here; gzip honours compression_level, on every core as
  // Packer's pgzip does.
  return kind === 'lz4' ? createLz4Encoder() : createParallelGzip({ level });
}

/**
 * checksum: writes one `<hash>\t<file name>` line per input file into a file per checksum type, appending as Packer
 * does, and passes on an artifact holding the inputs plus the checksum files it created.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, appendFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { err, ok } from '../../common/result';
import { fileArtifact } from '../../engine/artifact';
import { ConfigFields } from '../../engine/config-fields';
import { fillPlaceholders } from '../../engine/placeholders';
import type { PostProcessorPlugin } from '../../engine/plugin';

export const CHECKSUM_BUILDER_ID = 'packer.post-processor.checksum';
export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const DEFAULT_OUTPUT = 'packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum';

export const checksumPostProcessor: PostProcessorPlugin = {
  type: 'checksum',
  prepare(config) {
    const f = new ConfigFields(config, 'checksum');
    let types = f.stringList('checksum_types');
    if (types.length === 0) types = ['md5'];
    for (const t of types) if (!CHECKSUM_TYPES.includes(t)) f.error(`Unrecognized checksum type: ${t}`);
    const output = f.string('output', DEFAULT_OUTPUT) || DEFAULT_OUTPUT;
    if (f.errors.length > 0) return err(f.errors);
    return {
      ok: true,
      value: {
        async postProcess({ build }, input) {
          const files = [...input.files];
          for (const type of types) {
            const checksumFile = fillPlaceholders(output, { BuildName: build.name, BuilderType: build.builderType, ChecksumType: type });
            const checksumPath = resolve(build.cwd, checksumFile);
            for (const file of input.files) {
              // Packer lists a checksum file only when this run created it; an existing file is appended to.
              if (!existsSync(checksumPath)) files.push(checksumFile);
              mkdirSync(dirname(checksumPath), { recursive: true });
              const digest = await hashFile(type, resolve(build.cwd, file));
              appendFileSync(checksumPath, `${digest}\t${basename(file)}\n`, { mode: 0o644 });
            }
          }
          const artifact = fileArtifact(CHECKSUM_BUILDER_ID, files, `Created artifact from files: ${files.join(', ')}`, build.cwd);
          return ok({ artifact, keep: true, forceOverride: false });
        },
      },
    };
  },
};

function hashFile(type: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash(type);
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

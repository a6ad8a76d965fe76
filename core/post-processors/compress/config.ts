/** The compress post-processor's configuration: packs the artifact's files into an archive chosen by the output's extension. */
import { problem, type Check } from '../../components/checks';
import { numberField, stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const compressPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'compress',
  description: 'Compresses the artifact into an archive (.tar.gz, .zip, .lz4, .bgzf, …) chosen by the output\'s extension.',
  fields: [
    stringField('output', 'Path of the archive; its extension picks the format.', { default: 'packer_{{.BuildName}}_{{.BuilderType}}' }),
    stringField('format', 'Archive format, when the output\'s extension should not decide it.'),
    numberField('compression_level', 'Compression level from 1 (fastest) to 9 (smallest); 0 and -1 mean the default.', { default: 6 }),
  ],
};

/** Packer quietly lowers a level above 9 to 9; say so rather than fail. */
const levelCheck: Check = (c) => {
  const level = c.number('compression_level') ?? 0;
  return level > 9 ? [problem(`compression_level ${level} is above 9, the highest; 9 is used.`, 'compression_level', 'warning')] : [];
};

export const compressPostProcessorChecks: Check[] = [levelCheck];

/** The checksum post-processor's configuration: writes checksum files for the artifact's files. */
import { problem, type Check } from '../../components/checks';
import { stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

export const checksumPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'checksum',
  description: 'Computes checksums of the artifact\'s files and writes them next to it.',
  fields: [
    stringListField('checksum_types', `Hash algorithms to use: ${CHECKSUM_TYPES.join(', ')}.`, { default: ['md5'] }),
    stringField('output', 'Path template of each checksum file; {{.ChecksumType}} names the algorithm.', {
      default: 'packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum',
    }),
  ],
};

const typesCheck: Check = (c) =>
  c
    .strings('checksum_types')
    .filter((t) => !CHECKSUM_TYPES.includes(t))
    .map((t) => problem(`Unrecognized checksum type: ${t}`, 'checksum_types'));

export const checksumPostProcessorChecks: Check[] = [typesCheck];

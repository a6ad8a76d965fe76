/** The manifest post-processor's configuration: records each build's artifacts in a JSON file. */
import { boolField, stringField, stringMapField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const manifestPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'manifest',
  description: 'Writes a JSON manifest listing the artifacts of each build.',
  fields: [
    stringField('output', 'Path of the manifest file.', { default: 'packer-manifest.json' }),
    boolField('strip_path', 'Record only file names, without their folders.', { default: false }),
    boolField('strip_time', 'Leave the build time out of the manifest.', { default: false }),
    stringMapField('custom_data', 'Extra key/value pairs recorded with each build.'),
  ],
};

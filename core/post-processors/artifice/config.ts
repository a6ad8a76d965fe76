/** The artifice post-processor's configuration: replaces the artifact with files the build left on this machine. */
import { boolField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const artificePostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'artifice',
  description: 'Turns local files (for example ones a provisioner downloaded) into the build\'s artifact.',
  fields: [
    stringListField('files', 'Local files that make up the new artifact.', { required: true }),
    boolField('keep_input_artifact', 'Keep the artifact this post-processor received instead of deleting it.'),
  ],
  messages: { required: { files: 'No files specified in artifice configuration' } },
};

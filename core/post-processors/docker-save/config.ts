/** The docker-save post-processor's configuration: saves the Docker image to a tar file. */
import { stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const dockerSavePostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'docker-save',
  description: 'Saves the Docker image produced by the build to a local tar file (docker save).',
  fields: [stringField('path', 'Path of the tar file to write.')],
};

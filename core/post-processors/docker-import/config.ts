/** The docker-import post-processor's configuration: imports an exported container filesystem as a Docker image. */
import { stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const dockerImportPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'docker-import',
  description: 'Imports a tar exported by the docker builder as a Docker image.',
  fields: [
    stringField('repository', 'Repository of the imported image.'),
    stringField('tag', 'Tag of the imported image.'),
    stringListField('changes', 'Dockerfile instructions (CMD, ENV, …) applied while importing.'),
  ],
};

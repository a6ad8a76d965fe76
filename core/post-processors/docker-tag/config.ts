/** The docker-tag post-processor's configuration: tags the Docker image artifact. */
import { boolField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const dockerTagPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'docker-tag',
  description: 'Tags the Docker image produced by the build.',
  fields: [
    stringField('repository', 'Repository to tag the image into.'),
    stringListField('tag', 'Tags to apply.'),
    stringListField('tags', 'Tags to apply (same as tag).'),
    boolField('force', 'Replace an existing tag (only for old Docker versions).', { default: false }),
  ],
};

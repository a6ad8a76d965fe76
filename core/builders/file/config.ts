/** The file builder's configuration: its artifact is one local file, copied from `source` or written from `content`. */
import { problem, type Check } from '../../components/checks';
import { stringField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const fileBuilderSchema: ComponentSchema = {
  kind: 'builder',
  type: 'file',
  description: 'Produces a single local file as the artifact, mostly for testing post-processors.',
  fields: [
    stringField('source', 'Local file to copy to target.'),
    stringField('target', 'Path of the file to produce.', { required: true }),
    stringField('content', 'Text to write to target instead of copying a file.'),
  ],
  conflicts: [['source', 'content']],
  messages: {
    required: { target: 'target required' },
    conflicts: ['Cannot specify source file AND content'],
  },
};

const emptyWarning: Check = (c) =>
  !c.isSet('source') && !c.isSet('content')
    ? [problem('Both source file and contents are blank; target will have no content', undefined, 'warning')]
    : [];

export const fileBuilderChecks: Check[] = [emptyWarning];

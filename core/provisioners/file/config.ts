/** The file provisioner's configuration: copies files or folders to (or from) the machine. */
import { pathProblems, type Check } from '../../components/checks';
import { boolField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const fileProvisionerSchema: ComponentSchema = {
  kind: 'provisioner',
  type: 'file',
  description: 'Uploads files or folders to the machine, or downloads them from it.',
  fields: [
    stringField('source', 'Local path (remote path when downloading) of the file or folder to copy.'),
    stringListField('sources', 'Several paths to copy to the same destination.'),
    stringField('content', 'Text to write to the destination instead of copying a file (Packer 1.7+).'),
    stringField('destination', 'Where the copy goes: a remote path when uploading, a local path when downloading.', { required: true }),
    stringField('direction', 'Whether to copy to the machine or from it.', { default: 'upload', enum: ['upload', 'download'] }),
    boolField('generated', 'The source is created during the build, so it need not exist when the template is checked.', { default: false }),
  ],
  atLeastOneOf: [['source', 'sources', 'content']],
  messages: {
    required: { destination: 'Destination must be specified.' },
    atLeastOneOf: ['Source must be specified.'],
    enum: { direction: 'Direction must be one of: download, upload.' },
  },
};

/** Uploaded sources must exist on this machine, unless the build creates them (`generated`). */
const sourcesExistCheck: Check = (c) => {
  if ((c.string('direction') || 'upload') !== 'upload' || c.bool('generated')) return [];
  const source = c.string('source');
  return [
    ...pathProblems(c, 'sources', c.strings('sources'), 'any', { missing: (p, err) => `Bad source '${p}': ${err}` }),
    ...pathProblems(c, 'source', source ? [source] : [], 'any', { missing: (p, err) => `Bad source '${p}': ${err}` }),
  ];
};

export const fileProvisionerChecks: Check[] = [sourcesExistCheck];

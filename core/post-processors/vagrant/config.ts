/** The vagrant post-processor's configuration: packages the artifact as a Vagrant box for its provider. */
import { boolField, field, numberField, stringField, stringListField } from '../../components/fields';
import type { ComponentSchema } from '../../components/schema';

export const VAGRANT_PROVIDERS = [
  'aws',
  'azure',
  'digitalocean',
  'docker',
  'google',
  'hyperv',
  'libvirt',
  'lxc',
  'parallels',
  'scaleway',
  'virtualbox',
  'vmware',
];

export const vagrantPostProcessorSchema: ComponentSchema = {
  kind: 'post-processor',
  type: 'vagrant',
  description: 'Packages the artifact as a Vagrant box (.box file).',
  fields: [
    numberField('compression_level', 'Compression level of the box, 0 (none) to 9 (smallest).', { default: 6 }),
    stringListField('include', 'Extra local files to put in the box.'),
    stringField('output', 'Path template of the box file.', { default: 'packer_{{ .BuildName }}_{{.Provider}}.box' }),
    // Each provider's settings are themselves an object in JSON templates, so values are not limited to strings.
    field('override', { map: 'any' }, 'Settings that apply only to one provider, keyed by provider name.'),
    stringField('vagrantfile_template', 'Vagrantfile template to put in the box.'),
    boolField('vagrantfile_template_generated', 'The Vagrantfile template is created during the build, so need not exist yet.', {
      default: false,
    }),
    stringField('provider_override', 'Package for this provider instead of the one matching the builder.', { enum: VAGRANT_PROVIDERS }),
  ],
  messages: {
    enum: { provider_override: `The given provider_override %s is not valid. Please choose from one of ${VAGRANT_PROVIDERS.join(', ')}` },
  },
};

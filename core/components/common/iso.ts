/** Where a builder downloads its install ISO from and how the download is verified (qemu, virtualbox-iso). */
import { boolField, stringField, stringListField } from '../fields';
import type { ComponentSchema, FieldSpec } from '../schema';

export const ISO_FIELDS: FieldSpec[] = [
  stringField('iso_checksum', 'Checksum of the ISO as "type:value" (e.g. "sha256:…"), a checksum file URL, or "none".', { required: true }),
  stringField('iso_url', 'URL or local path of the ISO to boot from.'),
  stringListField('iso_urls', 'Several places to fetch the same ISO from, tried in order.'),
  stringField('iso_target_path', 'Where the downloaded ISO is stored; defaults to Packer\'s cache.'),
  stringField('iso_target_extension', 'File extension of the stored ISO.', { default: 'iso' }),
];

/** The ISO rules from Prepare, with Packer's messages, to merge into a builder's schema. */
export const ISO_RULES: Pick<ComponentSchema, 'exactlyOneOf' | 'messages'> = {
  exactlyOneOf: [['iso_url', 'iso_urls']],
  messages: {
    required: { iso_checksum: 'A checksum must be specified' },
    exactlyOneOf: [
      { none: 'One of iso_url or iso_urls must be specified', many: 'Only one of iso_url or iso_urls must be specified' },
    ],
  },
};

export const ISO_SKIP_CACHE = boolField('iso_skip_cache', 'Use the ISO in place instead of copying it into the cache (local files only).', {
  default: false,
});

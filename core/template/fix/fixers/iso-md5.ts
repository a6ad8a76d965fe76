import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';

/** Packer 0.x's "iso_md5" became a checksum with its type (which iso-checksum-type-and-url later folds into one string). */
export const isoMd5: Fixer = {
  name: 'iso-md5',
  description: 'Moves "iso_md5" to "iso_checksum" with "iso_checksum_type": "md5"',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const md5 = b.get('iso_md5');
      if (typeof md5 !== 'string') return;
      b.delete('iso_md5');
      b.set('iso_checksum', md5);
      b.set('iso_checksum_type', 'md5');
    }),
};

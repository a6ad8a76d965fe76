import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';
import type { FixValue } from '../value';

const text = (v: FixValue | undefined): string => (typeof v === 'string' ? v : '');

/** Today's "iso_checksum" carries its type ("sha256:…") or the file that lists it ("file:https://…"). */
export const isoChecksumTypeAndUrl: Fixer = {
  name: 'iso-checksum-type-and-url',
  description: 'Folds "iso_checksum_type" and "iso_checksum_url" into "iso_checksum" ("type:value" or "file:url")',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const url = text(b.get('iso_checksum_url'));
      const type = text(b.get('iso_checksum_type'));
      let checksum = text(b.get('iso_checksum'));
      b.delete('iso_checksum_url');
      b.delete('iso_checksum_type');
      if (checksum === '' && url === '') return;
      if (url !== '') checksum = `file:${url}`;
      else if (type !== '') checksum = `${type}:${checksum}`;
      b.set('iso_checksum', checksum);
    }),
};

import { fixBuilders, typeOf } from '../decode';
import type { Fixer } from '../fixer';
import { isObject } from '../value';

export const azureExcludeFromLatest: Fixer = {
  name: 'azure-exclude_from_latest',
  description: 'Corrects "exlude_from_latest" to "exclude_from_latest" in the "shared_image_destination" of azure-chroot builders',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const destination = b.get('shared_image_destination');
      if (!typeOf(b)?.startsWith('azure-chroot') || !isObject(destination) || !destination.has('exlude_from_latest')) return;
      destination.set('exclude_from_latest', destination.get('exlude_from_latest')!);
      destination.delete('exlude_from_latest');
    }),
};

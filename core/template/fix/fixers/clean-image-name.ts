import { err } from '../../../common/result';
import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';
import { isObject } from '../value';

const OLD_NAME = /clean_(image|ami)_name/g;
const renamed = (s: string): string => s.replace(OLD_NAME, 'clean_resource_name');

/** Every string of a builder, and every string directly inside its objects, as Packer's fixer reaches them. */
export const cleanImageName: Fixer = {
  name: 'clean-image-name',
  description: 'Replaces the template functions clean_image_name and clean_ami_name with clean_resource_name in builders',
  fix: (template) =>
    fixBuilders(template, (b) => {
      for (const [key, value] of b) {
        if (typeof value === 'string') b.set(key, renamed(value));
        else if (isObject(value)) {
          for (const [k, v] of value) if (typeof v === 'string') value.set(k, renamed(v));
        } else if (key === 'image_labels') {
          // Packer 1.14 crashes on image labels that are not an object; say what is wrong instead.
          return err(`"image_labels" must be an object of label names to values, not ${JSON.stringify(value)}`);
        }
      }
    }),
};

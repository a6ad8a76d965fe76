import { fixEachPostProcessor } from '../decode';
import type { Fixer } from '../fixer';

export const manifestFilename: Fixer = {
  name: 'manifest-filename',
  description: 'Renames "filename" of the "manifest" post-processor to "output"',
  fix: (template) =>
    fixEachPostProcessor(template, (pp) => {
      const filename = pp.get('filename');
      if (pp.get('type') !== 'manifest' || typeof filename !== 'string') return;
      pp.delete('filename');
      pp.set('output', filename);
    }),
};

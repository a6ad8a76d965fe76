import { err, ok } from '../../../common/result';
import { decodeError, decodePostProcessors, postProcessorObjects } from '../decode';
import type { Fixer } from '../fixer';

export const manifestFilename: Fixer = {
  name: 'manifest-filename',
  description: 'Renames "filename" of the "manifest" post-processor to "output"',
  fix(template) {
    if ((template.get('post-processors') ?? null) === null) return ok();
    const problems: string[] = [];
    const list = decodePostProcessors(template, problems);
    if (problems.length > 0) return err(decodeError(problems));
    for (const pp of postProcessorObjects(list)) {
      const filename = pp.get('filename');
      if (pp.get('type') !== 'manifest' || typeof filename !== 'string') continue;
      pp.delete('filename');
      pp.set('output', filename);
    }
    template.set('post-processors', list);
    return ok();
  },
};

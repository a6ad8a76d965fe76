import { err, ok } from '../../../common/result';
import { decodeBuilders, decodeError, decodePostProcessors, postProcessorObjects } from '../decode';
import type { Fixer } from '../fixer';

/** Docker dropped e-mail login; as in Packer, the builders are only looked at when the template has post-processors. */
export const dockerEmail: Fixer = {
  name: 'docker-email',
  description: 'Drops "login_email" from builders and post-processors (Docker no longer takes it)',
  fix(template) {
    if ((template.get('post-processors') ?? null) === null) return ok();
    const problems: string[] = [];
    const builders = decodeBuilders(template, problems);
    const list = decodePostProcessors(template, problems);
    if (problems.length > 0) return err(decodeError(problems));
    for (const b of builders ?? []) b?.delete('login_email');
    for (const pp of postProcessorObjects(list)) pp.delete('login_email');
    template.set('builders', builders);
    template.set('post-processors', list);
    return ok();
  },
};

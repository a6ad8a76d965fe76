import { ok } from '../../../common/result';
import { decodeMap, decodeWeakList } from '../decode';
import type { Fixer } from '../fixer';

export const sshWaitTimeout: Fixer = {
  name: 'ssh-wait-timeout',
  description: 'Renames "ssh_wait_timeout" to "ssh_timeout" (dropping it where "ssh_timeout" is set)',
  fix(template) {
    const builders = decodeWeakList(template, 'Builders');
    for (const [i, raw] of builders.entries()) {
      const decoded = decodeMap(raw);
      const b = decoded.ok ? decoded.value : null;
      if (!b) continue;
      if (b.has('ssh_timeout')) b.delete('ssh_wait_timeout');
      else {
        const timeout = b.get('ssh_wait_timeout');
        if (typeof timeout !== 'string') continue;
        b.delete('ssh_wait_timeout');
        b.set('ssh_timeout', timeout);
      }
      builders[i] = b;
    }
    if (builders.length > 0) template.set('builders', builders);
    return ok();
  },
};

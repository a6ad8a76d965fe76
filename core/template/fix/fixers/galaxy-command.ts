import { ok } from '../../../common/result';
import { decodeMap, decodeWeakList } from '../decode';
import type { Fixer } from '../fixer';

export const galaxyCommand: Fixer = {
  name: 'galaxy-command',
  description: 'Renames "galaxycommand" of ansible-local provisioners to "galaxy_command"',
  fix(template) {
    const provisioners = decodeWeakList(template, 'Provisioners');
    for (const [i, raw] of provisioners.entries()) {
      const decoded = decodeMap(raw);
      const p = decoded.ok ? decoded.value : null;
      if (!p || p.get('type') !== 'ansible-local') continue;
      if (p.has('galaxy_command')) p.delete('galaxycommand');
      else {
        const command = p.get('galaxycommand');
        if (typeof command !== 'string') continue;
        p.delete('galaxycommand');
        p.set('galaxy_command', command);
      }
      provisioners[i] = p;
    }
    if (provisioners.length > 0) template.set('provisioners', provisioners);
    return ok();
  },
};

import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';

export const virtualBoxGaAttach: Fixer = {
  name: 'virtualbox-gaattach',
  description: 'Turns "guest_additions_attach" of VirtualBox builders into "guest_additions_mode" ("attach" or "upload")',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const attach = b.get('guest_additions_attach');
      // Runs before virtualbox-rename, so the old type name is the one to look for.
      if (b.get('type') !== 'virtualbox' || typeof attach !== 'boolean') return;
      b.delete('guest_additions_attach');
      b.set('guest_additions_mode', attach ? 'attach' : 'upload');
    }),
};

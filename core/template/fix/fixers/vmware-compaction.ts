import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';

/** Compacting an ESXi disk that is not thin fails, so such builders skip compaction (and get the old default disk type). */
export const vmwareCompaction: Fixer = {
  name: 'vmware-compaction',
  description: 'Sets "skip_compaction": true on "vmware-iso" builders for ESXi whose disk is not thin',
  fix: (template) =>
    fixBuilders(template, (b) => {
      if (b.get('type') !== 'vmware-iso' || b.get('remote_type') !== 'esx5') return;
      if (!b.has('disk_type_id')) b.set('disk_type_id', 'zeroedthick');
      else {
        const disk = b.get('disk_type_id');
        if (typeof disk !== 'string' || disk === 'thin') return;
      }
      const skip = b.get('skip_compaction');
      if (b.has('skip_compaction') && typeof skip !== 'boolean') return;
      b.set('skip_compaction', true);
    }),
};

import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';

export const qemuDiskSize: Fixer = {
  name: 'qemu-disk-size',
  description: 'Writes a numeric "disk_size" of QEMU builders as a string in megabytes ("10240M")',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const size = b.get('disk_size');
      // Go converts the float to an int, dropping any fraction.
      if (b.get('type') === 'qemu' && typeof size === 'number') b.set('disk_size', `${Math.trunc(size) || 0}M`);
    }),
};

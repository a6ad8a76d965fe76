import { err, ok } from '../../../common/result';
import { decodeMap, decodeWeakList } from '../decode';
import type { Fixer } from '../fixer';

/** Port forwarding options lost their "ssh_" prefix when they came to serve every communicator. */
const RENAMES: Array<[string, string]> = [
  ['ssh_host_port_min', 'host_port_min'],
  ['ssh_host_port_max', 'host_port_max'],
  ['ssh_skip_nat_mapping', 'skip_nat_mapping'],
];

export const commConfig: Fixer = {
  name: 'comm-config',
  description: 'Drops the "ssh_" prefix of "ssh_host_port_min", "ssh_host_port_max" and "ssh_skip_nat_mapping" in VirtualBox builders',
  fix(template) {
    const builders = decodeWeakList(template, 'Builders');
    for (const [i, raw] of builders.entries()) {
      const decoded = decodeMap(raw);
      if (!decoded.ok) continue;
      const b = decoded.value;
      const type = b?.get('type');
      // Packer 1.14 crashes on a builder without a type string; say so instead.
      if (!b || typeof type !== 'string') return err(`builder ${i + 1} has no "type": every builder needs one, such as "virtualbox-iso"`);
      if (!type.startsWith('virtualbox')) continue;
      for (const [from, to] of RENAMES) {
        if (b.has(to)) b.delete(from);
        else if (b.has(from)) {
          const v = b.get(from)!;
          // skip_nat_mapping moves only when it is a boolean.
          if (to === 'skip_nat_mapping' && typeof v !== 'boolean') continue;
          b.delete(from);
          b.set(to, v);
        }
      }
      builders[i] = b;
    }
    if (builders.length > 0) template.set('builders', builders);
    return ok();
  },
};

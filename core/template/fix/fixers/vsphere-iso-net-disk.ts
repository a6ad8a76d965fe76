import { err, ok } from '../../../common/result';
import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';
import type { FixObject, FixValue } from '../value';

/**
 * vsphere-iso once had one network and one disk as flat options; today each is an item of "network_adapters" or
 * "storage". The old ones become a first item, ahead of any the builder already lists.
 */
function gather(b: FixObject, moves: Array<[string, string]>, listKey: string): ReturnType<Fixer['fix']> {
  const item: FixObject = new Map();
  for (const [from, to] of moves) {
    if (!b.has(from)) continue;
    item.set(to, b.get(from)!);
    b.delete(from);
  }
  if (item.size === 0) return ok();
  const existing = b.get(listKey);
  // Packer 1.14 crashes on an existing value that is not a list; say what is wrong instead.
  if (existing !== undefined && !Array.isArray(existing)) return err(`vsphere-iso "${listKey}" must be a list, not ${JSON.stringify(existing)}`);
  b.set(listKey, [item as FixValue, ...(existing ?? [])]);
  return ok();
}

export const vsphereNetworkDisk: Fixer = {
  name: 'vsphere-iso-net-disk',
  description: 'Moves the network and disk options of "vsphere-iso" builders into "network_adapters" and "storage"',
  fix: (template) =>
    fixBuilders(template, (b) => {
      if (b.get('type') !== 'vsphere-iso') return;
      const network = gather(
        b,
        [
          ['network', 'network'],
          ['networkCard', 'network_card'],
          ['network_card', 'network_card'],
        ],
        'network_adapters',
      );
      if (!network.ok) return network;
      return gather(
        b,
        [
          ['disk_size', 'disk_size'],
          ['disk_thin_provisioned', 'disk_thin_provisioned'],
          ['disk_eagerly_scrub', 'disk_eagerly_scrub'],
        ],
        'storage',
      );
    }),
};

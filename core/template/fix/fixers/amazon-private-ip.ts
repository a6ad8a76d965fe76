import { err, ok } from '../../../common/result';
import { fixBuilders, typeOf } from '../decode';
import type { Fixer } from '../fixer';

// Go's strconv.ParseBool.
const BOOLS: Record<string, boolean> = { '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false };

export const amazonPrivateIp: Fixer = {
  name: 'amazon-private-ip',
  description: 'Turns "ssh_private_ip" of Amazon builders into "ssh_interface" ("private_ip" or "public_ip")',
  fix: (template) =>
    fixBuilders(template, (b) => {
      if (!typeOf(b)?.startsWith('amazon-') || b.has('ssh_interface') || !b.has('ssh_private_ip')) return;
      const raw = b.get('ssh_private_ip');
      let privateIp: boolean;
      if (typeof raw === 'boolean') privateIp = raw;
      else if (typeof raw === 'string' && Object.hasOwn(BOOLS, raw)) privateIp = BOOLS[raw];
      else if (typeof raw === 'string') return err(`ssh_private_ip is not a boolean, strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
      // Packer 1.14 crashes on any other value; say what is wrong instead.
      else return err(`ssh_private_ip is not a boolean: ${JSON.stringify(raw)}`);
      b.delete('ssh_private_ip');
      b.set('ssh_interface', privateIp ? 'private_ip' : 'public_ip');
      return ok();
    }),
};

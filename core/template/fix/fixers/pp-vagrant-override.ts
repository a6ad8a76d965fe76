import { fixEachPostProcessor } from '../decode';
import type { Fixer } from '../fixer';
import type { FixObject } from '../value';

const PROVIDERS = ['aws', 'digitalocean', 'virtualbox', 'vmware'];

export const vagrantOverride: Fixer = {
  name: 'pp-vagrant-override',
  description: 'Moves the provider sections of a "vagrant" post-processor into its "override"',
  fix: (template) =>
    fixEachPostProcessor(template, (pp) => {
      if (pp.get('type') !== 'vagrant') return;
      const override: FixObject = new Map();
      for (const name of PROVIDERS) {
        if (!pp.has(name)) continue;
        override.set(name, pp.get(name)!);
        pp.delete(name);
      }
      // As Packer does, the moved sections replace any "override" already there.
      if (override.size > 0) pp.set('override', override);
    }),
};

import { ok } from '../../../common/result';
import { decodeBuilders, decodeMap, decodeWeakList } from '../decode';
import type { Fixer } from '../fixer';

/** Renames the "virtualbox" builder type, and the provisioners' overrides that name it. */
export const virtualBoxRename: Fixer = {
  name: 'virtualbox-rename',
  description: 'Renames the "virtualbox" builder type to "virtualbox-iso", in builders and provisioner overrides',
  fix(template) {
    // Packer decodes weakly here; the strict fixers before it have already refused builders that are not objects.
    const builders = decodeBuilders(template, []);
    const provisioners = decodeWeakList(template, 'Provisioners');
    for (const b of builders ?? []) if (b?.get('type') === 'virtualbox') b.set('type', 'virtualbox-iso');
    for (const [i, raw] of provisioners.entries()) {
      const decoded = decodeMap(raw, true);
      const p = decoded.ok ? decoded.value : null;
      if (!p?.has('override')) continue;
      const decodedOverride = decodeMap(p.get('override')!, true);
      if (!decodedOverride.ok) return decodedOverride;
      const override = decodedOverride.value;
      if (!override?.has('virtualbox')) continue;
      override.set('virtualbox-iso', override.get('virtualbox')!);
      override.delete('virtualbox');
      p.set('override', override);
      provisioners[i] = p;
    }
    if (builders && builders.length > 0) template.set('builders', builders);
    if (provisioners.length > 0) template.set('provisioners', provisioners);
    return ok();
  },
};


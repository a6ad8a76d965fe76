import { err, ok } from '../../../common/result';
import { decodeMap, decodeWeakList } from '../decode';
import type { Fixer } from '../fixer';
import type { FixValue } from '../value';

/** PowerShell's backtick escapes of $ " ` and ', which the powershell provisioner now adds itself. */
const unescape = (s: string): string => s.replace(/`([$"`'])/g, '$1');

export const powerShellEscapes: Fixer = {
  name: 'powershell-escapes',
  description: 'Removes PowerShell backtick escapes from "environment_vars", "elevated_user" and "elevated_password" of powershell provisioners',
  fix(template) {
    const provisioners = decodeWeakList(template, 'Provisioners');
    for (const [i, raw] of provisioners.entries()) {
      const decoded = decodeMap(raw);
      const p = decoded.ok ? decoded.value : null;
      if (!p || p.get('type') !== 'powershell') continue;
      for (const key of ['elevated_user', 'elevated_password']) {
        if (!p.has(key)) continue;
        const v = p.get(key);
        // Packer 1.14 crashes here; say what is wrong instead.
        if (typeof v !== 'string') return err(`provisioner ${i + 1}: "${key}" must be a string, not ${JSON.stringify(v)}`);
        p.set(key, unescape(v));
      }
      if (p.has('environment_vars')) {
        const vars = p.get('environment_vars') ?? [];
        // A value that is not a list of strings leaves the provisioner as it was, the credentials included.
        if (!Array.isArray(vars) || !vars.every((v): v is string => typeof v === 'string')) continue;
        p.set('environment_vars', vars.map((v): FixValue => unescape(v)));
      }
      provisioners[i] = p;
    }
    if (provisioners.length > 0) template.set('provisioners', provisioners);
    return ok();
  },
};

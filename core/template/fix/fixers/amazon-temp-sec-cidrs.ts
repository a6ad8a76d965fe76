import { fixBuilders, typeOf } from '../decode';
import type { Fixer } from '../fixer';

export const amazonTempSecurityCidrs: Fixer = {
  name: 'amazon-temp-sec-cidrs',
  description: 'Turns the string "temporary_security_group_source_cidr" of Amazon builders into the list "temporary_security_group_source_cidrs"',
  fix: (template) =>
    fixBuilders(template, (b) => {
      const cidr = b.get('temporary_security_group_source_cidr');
      if (!typeOf(b)?.startsWith('amazon-') || typeof cidr !== 'string') return;
      b.delete('temporary_security_group_source_cidr');
      b.set('temporary_security_group_source_cidrs', [cidr]);
    }),
};

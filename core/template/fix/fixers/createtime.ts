import { fixBuilders } from '../decode';
import type { Fixer } from '../fixer';

// Go's \s: tab, newline, form feed, carriage return and space (JavaScript's \s is wider).
const CREATE_TIME = /\{\{[\t\n\f\r ]*\.CreateTime[\t\n\f\r ]*\}\}/g;
const NAME_KEYS = ['ami_name', 'bundle_prefix', 'snapshot_name'];

export const createTime: Fixer = {
  name: 'createtime',
  description: 'Replaces {{.CreateTime}} with {{timestamp}} in "ami_name", "bundle_prefix" and "snapshot_name"',
  fix: (template) =>
    fixBuilders(template, (b) => {
      for (const key of NAME_KEYS) {
        const v = b.get(key);
        if (typeof v === 'string') b.set(key, v.replace(CREATE_TIME, '{{timestamp}}'));
      }
    }),
};

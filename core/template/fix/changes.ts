/**
 * Which of Packer's fixers would change a template, for commands that read legacy JSON without rewriting it
 * (`hcl2_upgrade` keeps the old options, as Packer 1.14's does, and says which fixers would have changed them).
 */
import { encodeFixedTemplate } from './encode';
import { FIXERS } from './fixers';
import { readFixTemplate, type FixObject } from './value';

/** The fixers that change something a user wrote; an empty section a fixer writes back as null or [] is no change. */
export function fixersThatChange(text: string, filename: string): string[] {
  const read = readFixTemplate(text, filename);
  if (!read.ok) return [];
  const template = read.value;
  const written = new Set(template.keys());
  const seen = (t: FixObject): string => {
    const own: FixObject = new Map([...t].filter(([k, v]) => written.has(k) || (v !== null && !(Array.isArray(v) && v.length === 0))));
    return encodeFixedTemplate(own);
  };
  const changed: string[] = [];
  let before = seen(template);
  for (const fixer of FIXERS) {
    if (!fixer.fix(template).ok) break;
    const after = seen(template);
    if (after !== before) changed.push(fixer.name);
    before = after;
  }
  return changed;
}

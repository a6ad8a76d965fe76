/** Extra media a builder attaches to the machine it boots: a floppy disk and a CD built from local files. */
import { pathProblems, type Check } from '../checks';
import { stringField, stringListField } from '../fields';
import type { FieldSpec } from '../schema';

export const FLOPPY_FIELDS: FieldSpec[] = [
  stringListField('floppy_files', 'Local files (globs allowed) copied onto a floppy disk attached to the machine.'),
  stringListField('floppy_dirs', 'Local folders copied, with their contents, onto the floppy disk.'),
  stringField('floppy_label', 'Volume label of the floppy disk.'),
];

export const CD_FIELDS: FieldSpec[] = [
  stringListField('cd_files', 'Local files (globs allowed) put on a CD image attached to the machine.'),
  stringField('cd_label', 'Volume label of the CD image.'),
];

/** Floppy and CD files must exist on this machine (globs are expanded by Packer, so they are not checked). */
export const mediaChecks: Check = (c) => [
  ...pathProblems(c, 'floppy_files', c.strings('floppy_files'), 'any', { missing: (p, err) => `Bad Floppy disk file '${p}': ${err}` }),
  ...pathProblems(c, 'floppy_dirs', c.strings('floppy_dirs'), 'any', { missing: (p, err) => `Bad Floppy disk directory '${p}': ${err}` }),
  ...pathProblems(c, 'cd_files', c.strings('cd_files'), 'any', { missing: (p, err) => `Bad CD disk file '${p}': ${err}` }),
];

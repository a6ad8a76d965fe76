/** Extra media a builder attaches to the machine it boots: a floppy disk and a CD built from local files. */
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

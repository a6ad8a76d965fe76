/**
 * `fix`: runs Packer's fixers over a legacy JSON template and writes the result as `packer fix` prints it. The fixed
 * template is text for the user to review and save; nothing is written to disk here.
 */
import { err, ok, type Result } from '../../common/result';
import type { Diagnostic } from '../source';
import { encodeFixedTemplate } from './encode';
import { FIXERS } from './fixers';
import { readFixTemplate, type FixObject } from './value';

export type FixFailure =
  /** The file is not a JSON object. */
  | { kind: 'parse'; diagnostic: Diagnostic }
  /** A fixer refused the template (Packer's "Error fixing: …"). */
  | { kind: 'fixer'; fixer: string; message: string };

/** Runs every fixer in Packer's order over the template's structure, which it edits. */
export function runFixers(template: FixObject): Result<FixObject, { fixer: string; message: string }> {
  for (const fixer of FIXERS) {
    const r = fixer.fix(template);
    if (!r.ok) return err({ fixer: fixer.name, message: r.error });
  }
  return ok(template);
}

/** The fixed template's text, byte for byte what `packer fix` prints before its own trailing newline. */
export function fixTemplateText(text: string, filename: string): Result<string, FixFailure> {
  const read = readFixTemplate(text, filename);
  if (!read.ok) return err({ kind: 'parse', diagnostic: read.error });
  const fixed = runFixers(read.value);
  if (!fixed.ok) return err({ kind: 'fixer', ...fixed.error });
  return ok(encodeFixedTemplate(fixed.value));
}

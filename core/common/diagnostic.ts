/**
 * Where something is in a template and what is wrong there: the template's own diagnostics (core/template/source.ts) and
 * what the contract carries to the editor are these same shapes, declared once.
 */

/** Where something is in a source file. Lines and columns count from 1, bytes from 0 (as HCL does). */
export interface Pos {
  line: number;
  column: number;
  byte: number;
}

export interface Range {
  filename: string;
  start: Pos;
  end: Pos;
}

export type Severity = 'error' | 'warning';

/** A problem found in a template, in the shape of HCL's diagnostics. */
export interface Diagnostic {
  severity: Severity;
  summary: string;
  detail?: string;
  /** The place the problem is; absent only for problems that belong to no file (e.g. a missing -var-file). */
  range?: Range;
}

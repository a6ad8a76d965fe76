/**
 * Rules from a component's Prepare that a schema's field lists cannot say (e.g. "ECR login requires login server").
 * A check reads the config through a small view that answers as Go's zero values would: unset, null, "" and false are all "not set".
 */
import type { ComponentConfig } from '../template/model';
import type { Range, Severity } from '../template/source';
import type { Value } from '../template/values/value';
import { checkablePath, type FetchedFiles, type LocalFiles } from './files';
import type { FieldType } from './schema';

export interface CheckProblem {
  /** Packer's own wording where it has one. */
  message: string;
  /** The field the problem is about; the diagnostic points at it when it was written, else at the block. */
  field?: string;
  /** Where to point instead, e.g. at a nested block (wins over `field`). */
  range?: Range;
  /** Packer's warnings (e.g. no shutdown_command) do not fail validation. */
  severity?: Severity;
}

/** Read access to a config with Go's zero-value semantics; `unknown` answers whether a value is only known at build time. */
export interface ConfigView {
  /** True when the field holds a non-zero value (unknown values count as set). */
  isSet(name: string): boolean;
  /** True when the field is present with a value not known until the build runs. */
  isUnknown(name: string): boolean;
  /** The string (numbers and bools converted as HCL would), or "" when unset or unknown. */
  string(name: string): string;
  /** The bool, or `fallback` when unset or unknown. */
  bool(name: string, fallback?: boolean): boolean;
  /** The number, or undefined when unset or unknown. */
  number(name: string): number | undefined;
  /** The strings of a list field (a lone value counts as a list of one); unknown items are skipped. */
  strings(name: string): string[];
  /** Nested blocks of this type. */
  blocks(name: string): ConfigView[];
  /** The block's own range, for nested blocks. */
  readonly range?: Range;
  /** Local files, when the caller allows looking at them (validation with a working directory). */
  readonly files?: LocalFiles;
  /** Downloaded files, when the caller fetches what Prepare downloads (validate and build, never the editor). */
  readonly fetched?: FetchedFiles;
  readonly config: ComponentConfig;
}

export type Check = (c: ConfigView) => CheckProblem[];

/**
 * A nested block's header (its type name, where the block's range starts), which is where HCL points problems about
 * a whole block, rather than the whole multi-line block.
 */
export function headerRange(block: ComponentConfig | undefined, type: string): Range | undefined {
  const r = block?.range;
  if (!r) return undefined;
  return { filename: r.filename, start: r.start, end: { line: r.start.line, column: r.start.column + type.length, byte: r.start.byte + type.length } };
}

export function viewOf(config: ComponentConfig, blockType?: string, files?: LocalFiles, fetched?: FetchedFiles): ConfigView {
  const get = (name: string): Value | undefined => config.values[name];
  const scalar = (v: Value | undefined): string | number | boolean | undefined =>
    v && (v.kind === 'string' || v.kind === 'number' || v.kind === 'bool') ? v.value : undefined;
  return {
    config,
    range: blockType ? headerRange(config, blockType) : config.range,
    files,
    fetched,
    isSet(name) {
      if ((config.blocks[name]?.length ?? 0) > 0) return true;
      return isNonZero(get(name));
    },
    isUnknown(name) {
      return get(name)?.kind === 'unknown';
    },
    string(name) {
      const s = scalar(get(name));
      return s === undefined ? '' : String(s);
    },
    bool(name, fallback = false) {
      return boolOf(get(name)) ?? fallback;
    },
    number(name) {
      const s = scalar(get(name));
      if (typeof s === 'number') return s;
      if (typeof s === 'string' && s.trim() !== '' && !Number.isNaN(Number(s))) return Number(s);
      return undefined;
    },
    strings(name) {
      const v = get(name);
      // Legacy JSON takes a single value for a list (HCL2 configs with one never reach the checks).
      if (v && (v.kind === 'string' || v.kind === 'number' || v.kind === 'bool')) return [String(v.value)];
      if (!v || (v.kind !== 'list' && v.kind !== 'set' && v.kind !== 'tuple')) return [];
      return v.items.flatMap((i) => (i.kind === 'string' || i.kind === 'number' || i.kind === 'bool' ? [String(i.value)] : []));
    },
    blocks(name) {
      return (config.blocks[name] ?? []).map((b) => viewOf(b, name, files, fetched));
    },
  };
}

const TRUE_WORDS = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE_WORDS = ['0', 'f', 'F', 'FALSE', 'false', 'False', ''];

/** A bool as HCL or Packer's JSON decoding reads one ("true", "1", "t", 1), or undefined when it is not one. */
export function boolOf(v: Value | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'number') return v.value !== 0;
  if (v.kind === 'string') return TRUE_WORDS.includes(v.value) ? true : FALSE_WORDS.includes(v.value) ? false : undefined;
  return undefined;
}

/** Whether a field counts as set, reading a bool field's "false" or 0 as unset, as Go's decoded zero value is. */
export function isFieldSet(v: Value | undefined, type: FieldType): boolean {
  if (type === 'bool' && v && v.kind !== 'unknown' && v.kind !== 'null') return boolOf(v) === true;
  return isNonZero(v);
}

/** Go's notion of "set": present and not the zero value. Unknown values count as set, since they may be anything. */
export function isNonZero(v: Value | undefined): boolean {
  if (!v) return false;
  switch (v.kind) {
    case 'null':
      return false;
    case 'unknown':
      return true;
    case 'string':
      return v.value !== '';
    case 'number':
      return v.value !== 0;
    case 'bool':
      return v.value;
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.length > 0;
    case 'map':
      return Object.keys(v.entries).length > 0;
    case 'object':
      return Object.keys(v.attrs).length > 0;
  }
}

/** How a component words a bad local path. */
export interface PathWords {
  missing: (path: string, statError: string) => string;
  /** When the path exists but is a folder where a file is wanted, or the other way round. */
  wrongKind?: (path: string) => string;
}

/**
 * Packer's Prepare errors for local paths that do not exist (or are the wrong kind), reported at `field`.
 * Without file access (validation given no working directory) nothing is checked.
 */
export function pathProblems(c: ConfigView, field: string, paths: string[], want: 'file' | 'dir' | 'any', words: PathWords): CheckProblem[] {
  const files = c.files;
  if (!files) return [];
  return paths.filter(checkablePath).flatMap((p) => {
    const err = files.statError(p);
    if (err) return [problem(words.missing(p, err), field)];
    const isDir = files.isDirectory(p);
    if (words.wrongKind && ((want === 'file' && isDir) || (want === 'dir' && !isDir))) return [problem(words.wrongKind(p), field)];
    return [];
  });
}

/** The wording of Packer's ansible and ansible-local provisioners: `playbook_file: x.yml is invalid: stat x.yml: …`. */
export function ansiblePathWords(field: string, want: 'file' | 'dir'): PathWords {
  return {
    missing: (p, err) => `${field}: ${p} is invalid: ${err}`,
    wrongKind: (p) => `${field}: ${p} must point to a ${want === 'file' ? 'file' : 'directory'}`,
  };
}

/** The check-writing shorthand: `problem("…", "field")`. */
export function problem(message: string, field?: string, severity: Severity = 'error'): CheckProblem {
  return { message, ...(field ? { field } : {}), ...(severity === 'warning' ? { severity } : {}) };
}

/** Where a check's problem points. */
export function problemRange(config: ComponentConfig, p: CheckProblem, blockRange: Range): Range {
  return p.range ?? ((p.field && config.ranges[p.field]) || blockRange);
}

/**
 * Reads a component's evaluated config (cty values by field name) as plain typed fields, collecting every problem
 * so prepare can report them all at once, like Packer's multierror.
 */
import type { ComponentConfig } from '../template/model';
import { durationMs } from './durations';
import { toPlain, type Plain } from '../template/values/value';

export class ConfigFields {
  readonly errors: string[] = [];

  constructor(
    private readonly config: ComponentConfig,
    private readonly where: string,
  ) {}

  has(name: string): boolean {
    const v = this.config.values[name];
    return v !== undefined && v.kind !== 'null';
  }

  raw(name: string): Plain | undefined {
    const v = this.config.values[name];
    return v === undefined ? undefined : toPlain(v);
  }

  string(name: string, fallback = ''): string {
    const v = this.raw(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.fail(name, 'a string');
    return fallback;
  }

  bool(name: string, fallback = false): boolean {
    const v = this.raw(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.fail(name, 'a bool');
    return fallback;
  }

  number(name: string, fallback = 0): number {
    const v = this.raw(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    this.fail(name, 'a number');
    return fallback;
  }

  stringList(name: string): string[] {
    const v = this.raw(name);
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return v.map(String);
    this.fail(name, 'a list of strings');
    return [];
  }

  numberList(name: string): number[] {
    const v = this.raw(name);
    if (v === undefined || v === null) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    this.fail(name, 'a list of numbers');
    return [];
  }

  /** A map or object of any plain values (`custom_data`, `environment_vars` as a map). */
  object(name: string): Record<string, Plain> | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object' && !Array.isArray(v)) return v;
    this.fail(name, 'a map');
    return undefined;
  }

  /** A Go duration field in milliseconds (`fallback` when unset or empty); a malformed one is an error naming the field. */
  durationMs(name: string, fallback: string): number {
    const d = durationMs(this.string(name, fallback) || fallback);
    if (d.ok) return d.value;
    this.error(`${name}: ${d.error}`);
    return 0;
  }

  error(text: string): void {
    this.errors.push(text);
  }

  private fail(name: string, expected: string): void {
    const r = this.config.ranges[name];
    const at = r ? `${r.filename}:${r.start.line}:${r.start.column}: ` : '';
    this.errors.push(`${at}${this.where}: ${name} must be ${expected}`);
  }
}

/** A block's fields as plain values, its nested blocks as lists of the same (`target_region` inside a gallery destination). */
function plainBlock(b: ComponentConfig): Record<string, Plain> {
  const out: Record<string, Plain> = Object.fromEntries(Object.entries(b.values).map(([k, v]) => [k, toPlain(v)]));
  for (const [name, nested] of Object.entries(b.blocks)) out[name] = nested.map(plainBlock);
  return out;
}

/**
 * A nested block's instances as plain objects, however the template wrote them: HCL blocks, or (legacy JSON) an object
 * or a list of objects under the field's name.
 */
export function blockList(config: ComponentConfig, name: string): Record<string, Plain>[] {
  const blocks = config.blocks[name];
  if (blocks && blocks.length > 0) return blocks.map(plainBlock);
  const v = config.values[name];
  if (v === undefined) return [];
  const plain = toPlain(v);
  const list = Array.isArray(plain) ? plain : [plain];
  return list.filter((x): x is Record<string, Plain> => typeof x === 'object' && x !== null && !Array.isArray(x));
}

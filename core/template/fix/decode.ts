/**
 * How Packer's fixers read the template: each decodes the sections it needs with mapstructure into a small struct,
 * edits what it decoded and writes the section back. What shows in the output follows from that: a strict decode
 * refuses a `builders` that is not a list of objects (with mapstructure's words), writing back puts `"builders": null`
 * into a template that had none, and a weak decode lifts a lone provisioner into a list. Builder objects are decoded as
 * copies (a new map each), so a fixer edits the copy and the copy is what is written back.
 */
import { err, ok, type Result } from '../../common/result';
import { goKind, isObject, type FixObject, type FixValue } from './value';

/** A section as mapstructure finds it for a struct field: the key exactly, else any key equal up to case. */
function field(template: FixObject, name: string): FixValue | undefined {
  if (template.has(name)) return template.get(name);
  const lower = name.toLowerCase();
  for (const [k, v] of template) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** mapstructure's error for a struct decode: every problem, sorted, under a count. */
export function decodeError(problems: string[]): string {
  const points = problems.map((p) => `* ${p}`).sort();
  return `${problems.length} error(s) decoding:\n\n${points.join('\n')}`;
}

/** `Builders []map[string]interface{}` decoded strictly: null when absent, each object copied, null items kept. */
export function decodeBuilders(template: FixObject, problems: string[]): Array<FixObject | null> | null {
  const raw = field(template, 'Builders');
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    problems.push(`'Builders': source data must be an array or slice, got ${goKind(raw)}`);
    return null;
  }
  return raw.map((item, i) => {
    if (item === null) return null;
    if (isObject(item)) return new Map(item);
    problems.push(`'Builders[${i}]' expected a map, got '${goKind(item)}'`);
    return null;
  });
}

/**
 * The shape of most fixers: decode the builders strictly, edit each object, write the list back to "builders" (null when
 * the template had none).
 */
export function fixBuilders(template: FixObject, edit: (builder: FixObject) => Result<void, string> | void): Result<void, string> {
  const problems: string[] = [];
  const builders = decodeBuilders(template, problems);
  if (problems.length > 0) return err(decodeError(problems));
  for (const b of builders ?? []) {
    if (!b) continue;
    const r = edit(b);
    if (r && !r.ok) return r;
  }
  template.set('builders', builders);
  return ok();
}

/** `PostProcessors []interface{}` (tag "post-processors") decoded strictly; the items are the template's own values. */
export function decodePostProcessors(template: FixObject, problems: string[]): FixValue[] | null {
  const raw = field(template, 'post-processors');
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    problems.push(`'post-processors': source data must be an array or slice, got ${goKind(raw)}`);
    return null;
  }
  return [...raw];
}

/** Every post-processor object, in chains or alone; names given as plain strings have no settings to fix. */
export function postProcessorObjects(list: FixValue[] | null): FixObject[] {
  const out: FixObject[] = [];
  for (const item of list ?? []) {
    if (isObject(item)) out.push(item);
    else if (Array.isArray(item)) for (const inner of item) if (isObject(inner)) out.push(inner);
  }
  return out;
}

/**
 * A `[]interface{}` section decoded weakly: a list as it is, an empty object as no list, and any other single value
 * lifted into a list of one (so `"provisioners": {…}` comes back as a list when a fixer writes it back).
 */
export function decodeWeakList(template: FixObject, name: 'Builders' | 'Provisioners'): FixValue[] {
  const raw = field(template, name);
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return [...raw];
  if (isObject(raw) && raw.size === 0) return [];
  return [raw];
}

/**
 * One item decoded into `map[string]interface{}`: a copy of an object, or null for null; otherwise mapstructure's
 * error (the fixers skip such items). `weak` also merges a list of objects into one, as mapstructure's weak decode does,
 * stopping at the first item that is not an object.
 */
export function decodeMap(raw: FixValue, weak = false, name = ''): Result<FixObject | null, string> {
  if (raw === null) return ok(null);
  if (isObject(raw)) return ok(new Map(raw));
  if (!weak || !Array.isArray(raw)) return err(`'${name}' expected a map, got '${goKind(raw)}'`);
  const merged: FixObject = new Map();
  for (const [i, item] of raw.entries()) {
    const m = decodeMap(item, true, `${name}[${i}]`);
    if (!m.ok) return m;
    for (const [k, v] of m.value ?? []) merged.set(k, v);
  }
  return ok(merged);
}

/** The builder's type when it is a string. */
export function typeOf(config: FixObject): string | undefined {
  const t = config.get('type');
  return typeof t === 'string' ? t : undefined;
}

/**
 * The shape of Packer's post-processor fixers: nothing to do without post-processors; otherwise decode them (any problem
 * is the fixer's error), let `fix` edit each post-processor object, and write the section back.
 */
export function fixEachPostProcessor(template: FixObject, fix: (pp: FixObject) => Result<void, string> | void): Result<void, string> {
  if ((template.get('post-processors') ?? null) === null) return ok();
  const problems: string[] = [];
  const list = decodePostProcessors(template, problems);
  if (problems.length > 0) return err(decodeError(problems));
  for (const pp of postProcessorObjects(list)) {
    const r = fix(pp);
    if (r && !r.ok) return r;
  }
  template.set('post-processors', list);
  return ok();
}

/**
 * Editor intelligence for HCL2 templates: completions, hover and go-to-definition, from the component schemas, the function
 * table and the template's own variables and locals. Reads the text only (no evaluation), so it works while the text is broken.
 */
import type { CompletionItem, Hover, Range, TemplateFileText } from '../contract/types';
import { SENSITIVE } from '../engine/mask';
import { COMMON_POST_PROCESSOR_FIELDS, COMMON_PROVISIONER_FIELDS, componentTypes, findField, getSchema } from '../components/registry';
import type { ComponentKind, FieldSpec, FieldType } from '../components/schema';
import { FUNCTIONS, inPacker } from '../template/functions';
import type { Block } from '../template/hcl/ast';
import { parseHcl } from '../template/hcl/parser';
import { cursorContext, offsetAt, type CursorContext } from './cursor';
import { jsonCursor, type JsonCursor } from './json-cursor';

export interface Position {
  filename: string;
  line: number;
  column: number;
}

/** A variable or local as written, for completion, hover and definition. */
interface Declaration {
  kind: 'variable' | 'local';
  name: string;
  range: Range;
  description?: string;
  type?: string;
  /** The default's source text (never for a sensitive variable). */
  default?: string;
  sensitive: boolean;
}

const TOP_LEVEL_BLOCKS: Array<[string, string]> = [
  ['source', 'A builder configuration: `source "TYPE" "NAME" { … }`.'],
  ['build', 'Which sources to build, with their provisioners and post-processors.'],
  ['variable', 'An input variable: `variable "NAME" { type = string }`.'],
  ['locals', 'Named values computed once: `locals { name = expr }`.'],
  ['local', 'A single local, which may be sensitive: `local "NAME" { expression = … }`.'],
  ['packer', 'Settings for Packer itself, such as `required_version`.'],
  ['data', 'A data source: `data "TYPE" "NAME" { … }`.'],
];
const BUILD_ITEMS: Array<[string, string, boolean]> = [
  ['name', 'The build block\'s name; builds are named NAME.TYPE.SOURCE.', false],
  ['description', 'What this build is for.', false],
  ['sources', 'The sources to build, as a list of "TYPE.NAME".', false],
  ['source', 'A source to build, with settings that override the source block\'s.', true],
  ['provisioner', 'A step that runs on the machine being built, in order.', true],
  ['post-processor', 'A step that runs on the artifact after the build.', true],
  ['post-processors', 'A chain of post-processors, each receiving the previous one\'s artifact.', true],
  ['error-cleanup-provisioner', 'A provisioner that runs only when the build fails.', true],
];
const VARIABLE_FIELDS: Array<[string, string, boolean]> = [
  ['type', 'The type constraint: string, number, bool, list(string), map(string), object({…}).', false],
  ['default', 'The value when none is given on the command line, in a file or in the environment.', false],
  ['description', 'What this variable is for; shown by `inspect` and in the editor.', false],
  ['sensitive', 'Mask the value in every output.', false],
  ['validation', 'A rule the value must satisfy: `condition` and `error_message`.', true],
];
const NAMESPACES: Array<[string, string]> = [
  ['var', 'Input variables: var.NAME.'],
  ['local', 'Local values: local.NAME.'],
  ['path', 'path.root (the template\'s folder) and path.cwd.'],
  ['source', 'Inside a build: source.name and source.type.'],
  ['build', 'Inside provisioners and post-processors: values the builder exports, such as build.ID.'],
];

export function completions(files: TemplateFileText[], position: Position): CompletionItem[] {
  const file = files.find((f) => f.filename === position.filename);
  if (!file) return [];
  const offset = offsetAt(file.text, position.line, position.column);
  if (isLegacyJson(file.filename)) return legacyJsonCompletions(jsonCursor(file.text, offset));
  if (!isHcl(file.filename)) return [];
  const ctx = cursorContext(file.text, offset);
  switch (ctx.place) {
    case 'comment':
      return [];
    case 'string':
      return enumCompletions(ctx);
    case 'label':
      return labelCompletions(ctx);
    case 'value':
      return valueCompletions(files, ctx);
    case 'name':
      return nameCompletions(ctx);
  }
}

export function hover(files: TemplateFileText[], position: Position): Hover | null {
  const file = files.find((f) => f.filename === position.filename);
  if (!file) return null;
  const offset = offsetAt(file.text, position.line, position.column);
  if (isLegacyJson(file.filename)) return legacyJsonHover(file.filename, file.text, offset);
  if (!isHcl(file.filename)) return null;
  const word = wordAt(file.text, offset);
  if (!word) return null;
  const range = rangeOf(file.filename, file.text, word.start, word.end);
  const ref = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(word.text);
  if (ref) {
    const decl = declarations(files).find((d) => d.kind === (ref[1] === 'var' ? 'variable' : 'local') && d.name === ref[2]);
    return decl ? { markdown: declarationMarkdown(decl), range } : null;
  }
  const src = sourceRef(word.text);
  if (src) {
    const block = sourceBlocks(files).find((b) => b.labels[0] === src.type && b.labels[1] === src.name);
    const schema = getSchema('builder', src.type);
    if (block) return { markdown: `**source.${src.type}.${src.name}**${schema ? `\n\n${schema.description}` : ''}`, range };
  }
  if (/^\s*\(/.test(file.text.slice(word.end))) {
    const fn = FUNCTIONS.get(word.text);
    return fn ? { markdown: `\`\`\`hcl\n${fn.signature}\n\`\`\`\n\n${fn.description}`, range } : null;
  }
  const ctx = cursorContext(file.text, word.start);
  if (ctx.place === 'label') {
    const kind = componentKindOf(ctx.statement[0]);
    const schema = kind && ctx.statement.length === 1 ? getSchema(kind, word.text) : undefined;
    return schema ? { markdown: `**${schema.type}** (${schema.kind})\n\n${schema.description}`, range } : null;
  }
  if (ctx.place === 'name') {
    const field = fieldsFor(ctx.blocks.map((b) => b.header)).find((f) => f.name === word.text);
    if (field) return { markdown: fieldMarkdown(field), range };
    const block = (ctx.blocks.length === 0 ? TOP_LEVEL_BLOCKS : []).find(([name]) => name === word.text);
    if (block) return { markdown: `**${block[0]}** block\n\n${block[1]}`, range };
  }
  return null;
}

export function definition(files: TemplateFileText[], position: Position): Range | null {
  const file = files.find((f) => f.filename === position.filename);
  if (!file || !isHcl(file.filename)) return null;
  const word = wordAt(file.text, offsetAt(file.text, position.line, position.column));
  const src = word && sourceRef(word.text);
  if (src) return sourceBlocks(files).find((b) => b.labels[0] === src.type && b.labels[1] === src.name)?.range ?? null;
  const ref = word && /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(word.text);
  if (!ref) return null;
  return declarations(files).find((d) => d.kind === (ref[1] === 'var' ? 'variable' : 'local') && d.name === ref[2])?.range ?? null;
}

/** `source.docker.ubuntu` (in a build's `sources`) or `docker.ubuntu` (in a build's `source` label). */
function sourceRef(word: string): { type: string; name: string } | undefined {
  const m = /^(?:source\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(word);
  return m && word.startsWith('source.') ? { type: m[1], name: m[2] } : undefined;
}

function sourceBlocks(files: TemplateFileText[]): Block[] {
  return files.filter((f) => f.filename.endsWith('.hcl')).flatMap((f) => parseHcl(f.text, f.filename).body.blocks.filter((b) => b.type === 'source' && b.labels.length === 2));
}

/** Inside the quotes of `field = "…"` when the field takes one of a few values. */
function enumCompletions(ctx: CursorContext): CompletionItem[] {
  if (ctx.statement.length !== 1) return [];
  const field = fieldsFor(ctx.blocks.map((b) => b.header)).find((f) => f.name === ctx.statement[0]);
  return (field?.enum ?? []).map((value) => ({ label: value, kind: 'keyword', detail: field?.name }));
}

function labelCompletions(ctx: CursorContext): CompletionItem[] {
  // Only the first label names a component type: `source "docker" "name"`.
  const kind = ctx.statement.length === 1 ? componentKindOf(ctx.statement[0]) : undefined;
  if (!kind) return [];
  return componentTypes(kind).map((type) => {
    const schema = getSchema(kind, type);
    return { label: type, kind: 'component', detail: kind, documentation: schema?.description };
  });
}

function valueCompletions(files: TemplateFileText[], ctx: CursorContext): CompletionItem[] {
  const decls = declarations(files);
  if (ctx.prefix.startsWith('var.')) return decls.filter((d) => d.kind === 'variable').map((d) => ({ label: d.name, kind: 'variable', detail: d.type, documentation: d.description }));
  if (ctx.prefix.startsWith('local.')) return decls.filter((d) => d.kind === 'local').map((d) => ({ label: d.name, kind: 'local' }));
  if (ctx.prefix.includes('.')) return [];
  const items: CompletionItem[] = NAMESPACES.map(([label, documentation]) => ({ label, kind: 'keyword', documentation }));
  for (const fn of FUNCTIONS.values()) if (inPacker(fn.name)) items.push({ label: fn.name, kind: 'function', detail: fn.signature, documentation: fn.description, insertText: `${fn.name}(` });
  for (const d of decls) items.push({ label: `${d.kind === 'variable' ? 'var' : 'local'}.${d.name}`, kind: d.kind === 'variable' ? 'variable' : 'local', detail: d.type, documentation: d.description });
  for (const k of ['true', 'false', 'null']) items.push({ label: k, kind: 'keyword' });
  return items;
}

function nameCompletions(ctx: CursorContext): CompletionItem[] {
  const headers = ctx.blocks.map((b) => b.header);
  if (headers.length === 0) return TOP_LEVEL_BLOCKS.map(([label, documentation]) => ({ label, kind: 'block', documentation }));
  const [outer] = headers;
  if (headers.length === 1 && outer[0] === 'build') {
    return BUILD_ITEMS.map(([label, documentation, block]) => ({ label, kind: block ? 'block' : 'field', documentation, insertText: block ? undefined : `${label} = ` }));
  }
  if (headers.length === 2 && outer[0] === 'build' && headers[1][0] === 'post-processors') return [{ label: 'post-processor', kind: 'block', documentation: BUILD_ITEMS[6][1] }];
  if (headers.length === 1 && outer[0] === 'variable') {
    return VARIABLE_FIELDS.map(([label, documentation, block]) => ({ label, kind: block ? 'block' : 'field', documentation, insertText: block ? undefined : `${label} = ` }));
  }
  return fieldsFor(headers).filter(offered).map((f) => ({ label: f.name, kind: 'field', detail: fieldTypeText(f.type) + (f.required ? ' (required)' : ''), documentation: f.description + (f.deprecated ? `\n\nDeprecated: ${f.deprecated}` : ''), insertText: f.block ? `${f.name} {` : `${f.name} = ` }));
}

/** Undocumented fields are accepted (the plugin does) but never suggested; `json`-only fields are still offered in JSON. */
function offered(f: FieldSpec): boolean {
  return !f.undocumented;
}

/** The fields allowed where the enclosing blocks are, e.g. inside `build { provisioner "shell" { … } }`. */
function fieldsFor(headers: string[][]): FieldSpec[] {
  if (headers.length === 0) return [];
  let component: { kind: ComponentKind; type: string; common: FieldSpec[] } | undefined;
  let nested: string[] = [];
  const [outer] = headers;
  if ((outer[0] === 'source' || outer[0] === 'data') && outer[1]) {
    component = { kind: outer[0] === 'source' ? 'builder' : 'data', type: outer[1], common: [] };
    nested = headers.slice(1).map((h) => h[0]);
  } else if (outer[0] === 'build') {
    const steps = headers.slice(1);
    const at = steps.findIndex((h) => h[0] !== 'post-processors');
    const step = steps[at];
    if (step) {
      nested = steps.slice(at + 1).map((h) => h[0]);
      if ((step[0] === 'provisioner' || step[0] === 'error-cleanup-provisioner') && step[1]) component = { kind: 'provisioner', type: step[1], common: COMMON_PROVISIONER_FIELDS };
      else if (step[0] === 'post-processor' && step[1]) component = { kind: 'post-processor', type: step[1], common: COMMON_POST_PROCESSOR_FIELDS };
      // `source "docker.ubuntu" { … }` inside a build sets the builder's fields for that build.
      else if (step[0] === 'source' && step[1]) component = { kind: 'builder', type: step[1].split('.')[0], common: [{ name: 'name', type: 'string', description: 'A new name for this source in this build.' }] };
    }
  }
  if (!component) return [];
  const schema = getSchema(component.kind, component.type);
  if (!schema) return nested.length === 0 ? component.common : [];
  if (nested.length === 0) return [...schema.fields, ...component.common];
  return findField(schema, nested)?.block?.fields ?? [];
}

function componentKindOf(blockType: string | undefined): ComponentKind | undefined {
  switch (blockType) {
    case 'source':
      return 'builder';
    case 'provisioner':
    case 'error-cleanup-provisioner':
      return 'provisioner';
    case 'post-processor':
      return 'post-processor';
    case 'data':
      return 'data';
    default:
      return undefined;
  }
}

/** Variables and locals as written in the HCL files (`variable` blocks, `variables { }`, `locals { }`, `local` blocks). */
function declarations(files: TemplateFileText[]): Declaration[] {
  const out: Declaration[] = [];
  for (const f of files) {
    if (!f.filename.endsWith('.hcl')) continue;
    const parsed = parseHcl(f.text, f.filename);
    const slice = (r: Range) => Buffer.from(f.text, 'utf8').subarray(r.start.byte, r.end.byte).toString('utf8');
    for (const b of parsed.body.blocks) {
      if (b.type === 'variable' && b.labels[0]) out.push(variableDecl(b, slice));
      else if (b.type === 'local' && b.labels[0]) out.push({ kind: 'local', name: b.labels[0], range: b.range, sensitive: attr(b, 'sensitive', slice) === 'true' });
      else if (b.type === 'locals') for (const a of b.body.attributes) out.push({ kind: 'local', name: a.name, range: a.range, sensitive: false });
      else if (b.type === 'variables') for (const a of b.body.attributes) out.push({ kind: 'variable', name: a.name, range: a.range, default: slice(a.expr.range), sensitive: false });
    }
  }
  return out;
}

function variableDecl(b: Block, slice: (r: Range) => string): Declaration {
  const sensitive = attr(b, 'sensitive', slice) === 'true';
  const description = attr(b, 'description', slice);
  return {
    kind: 'variable',
    name: b.labels[0],
    range: b.range,
    description: description ? unquote(description) : undefined,
    type: attr(b, 'type', slice),
    default: sensitive ? undefined : attr(b, 'default', slice),
    sensitive,
  };
}

function attr(b: Block, name: string, slice: (r: Range) => string): string | undefined {
  const a = b.body.attributes.find((x) => x.name === name);
  return a ? slice(a.expr.range) : undefined;
}

function unquote(s: string): string {
  if (!/^".*"$/s.test(s)) return s;
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}

function declarationMarkdown(d: Declaration): string {
  const head = `**${d.kind === 'variable' ? 'var' : 'local'}.${d.name}**${d.type ? ` (${d.type})` : ''}`;
  const parts = [head];
  if (d.description) parts.push(d.description);
  if (d.sensitive) parts.push(`Sensitive: its value is shown as ${SENSITIVE}.`);
  else if (d.default !== undefined) parts.push(`Default: \`${d.default}\``);
  return parts.join('\n\n');
}

function fieldMarkdown(f: FieldSpec): string {
  const parts = [`**${f.name}** (${fieldTypeText(f.type)}${f.required ? ', required' : ''})`, f.description];
  if (f.enum) parts.push(`One of: ${f.enum.map((e) => `\`${e}\``).join(', ')}`);
  if (f.default !== undefined && !f.sensitive) parts.push(`Default: \`${JSON.stringify(f.default)}\``);
  if (f.deprecated) parts.push(`Deprecated: ${f.deprecated}`);
  return parts.join('\n\n');
}

export function fieldTypeText(t: FieldType): string {
  if (typeof t === 'string') return t;
  if ('list' in t) return `list(${fieldTypeText(t.list)})`;
  if ('map' in t) return `map(${fieldTypeText(t.map)})`;
  return 'object';
}

function wordAt(text: string, offset: number): { text: string; start: number; end: number } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_.-]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (isWord(text[end])) end++;
  if (start === end) return undefined;
  return { text: text.slice(start, end), start, end };
}

/** A range from UTF-16 offsets, with byte offsets as the rest of the project counts them. */
function rangeOf(filename: string, text: string, start: number, end: number): Range {
  const pos = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length;
    const column = o - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column, byte: Buffer.byteLength(before, 'utf8') };
  };
  return { filename, start: pos(start), end: pos(end) };
}

const LEGACY_TOP_LEVEL: Array<[string, string]> = [
  ['builders', 'The machines to build: one object per builder, each with its "type".'],
  ['provisioners', 'Steps that run on every machine being built, in order.'],
  ['post-processors', 'Steps that run on each artifact; a nested list is a chain.'],
  ['variables', 'User variables and their defaults, used as {{user `name`}}.'],
  ['sensitive-variables', 'Names of variables whose values are masked in every output.'],
  ['description', 'What this template builds.'],
  ['min_packer_version', 'The oldest Packer version that may run this template.'],
];

/** Where in a legacy JSON template a component sits: its kind and the keys below it. */
function legacyComponent(c: JsonCursor): { kind: ComponentKind; common: FieldSpec[]; nested: string[] } | undefined {
  const [section, ...rest] = c.path;
  const nested = rest.filter((k) => k !== '[]').map((k) => k.replace(/\[\]$/, ''));
  const named: FieldSpec[] = [{ name: 'type', type: 'string', description: 'The component type.', required: true }];
  if (section === 'builders[]') return { kind: 'builder', common: [...named, { name: 'name', type: 'string', description: 'The build\'s name, used by -only/-except (default: the type).' }], nested };
  if (section === 'provisioners[]') return { kind: 'provisioner', common: [...named, ...COMMON_PROVISIONER_FIELDS], nested };
  if (section === 'post-processors[]') return { kind: 'post-processor', common: [...named, ...COMMON_POST_PROCESSOR_FIELDS], nested };
  return undefined;
}

function legacyFields(c: JsonCursor): FieldSpec[] {
  const where = legacyComponent(c);
  if (!where) return [];
  const schema = c.objectType ? getSchema(where.kind, c.objectType) : undefined;
  if (where.nested.length > 0) return schema ? (findField(schema, where.nested)?.block?.fields ?? []) : [];
  return [...where.common, ...(schema?.fields ?? [])];
}

function legacyJsonCompletions(c: JsonCursor): CompletionItem[] {
  if (c.place === 'key') {
    if (c.path.length === 0) return LEGACY_TOP_LEVEL.map(([label, documentation]) => ({ label, kind: 'block', documentation }));
    return legacyFields(c).filter(offered).map((f) => ({ label: f.name, kind: 'field', detail: fieldTypeText(f.type) + (f.required ? ' (required)' : ''), documentation: f.description }));
  }
  if (c.place === 'value' && c.key === 'type') {
    const kind = legacyComponent(c)?.kind;
    return kind ? componentTypes(kind).map((type) => ({ label: type, kind: 'component', detail: kind, documentation: getSchema(kind, type)?.description })) : [];
  }
  if (c.place === 'value' && c.key) {
    const field = legacyFields(c).find((f) => f.name === c.key);
    return (field?.enum ?? []).map((value) => ({ label: value, kind: 'keyword', detail: field?.name }));
  }
  return [];
}

function legacyJsonHover(filename: string, text: string, offset: number): Hover | null {
  const c = jsonCursor(text, offset);
  if (c.place !== 'key' || c.stringStart === undefined) return null;
  const end = text.indexOf('"', c.stringStart + 1);
  if (end < 0) return null;
  const key = text.slice(c.stringStart + 1, end);
  const range = rangeOf(filename, text, c.stringStart, end + 1);
  if (c.path.length === 0) {
    const top = LEGACY_TOP_LEVEL.find(([name]) => name === key);
    return top ? { markdown: `**${top[0]}**\n\n${top[1]}`, range } : null;
  }
  const field = legacyFields(c).find((f) => f.name === key);
  return field ? { markdown: fieldMarkdown(field), range } : null;
}

/** Legacy JSON templates; `.pkr.json` files are HCL in JSON syntax and laid out differently. */
function isLegacyJson(filename: string): boolean {
  return filename.endsWith('.json') && !filename.endsWith('.pkr.json');
}

function isHcl(filename: string): boolean {
  return filename.endsWith('.hcl');
}

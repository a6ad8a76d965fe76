/**
 * `hcl2_upgrade`: converts a legacy JSON template to HCL2 text laid out as Packer 1.14 writes it — a packer block,
 * variables, data sources, the `timestamp` local, locals, one source per builder and one build block — then formatted
 * canonically. A variable whose default calls a template function (`{{timestamp}}`, `{{user `x`}}`, …) becomes a local,
 * since an HCL2 variable's default cannot. The comments are Bakehouse's own (docs/decisions.md).
 */
import { lexHcl } from '../hcl/lexer';
import { fixersThatChange } from '../fix/changes';
import { formatTokens } from '../hcl/fmt';
import { loadLegacyTemplateText } from '../legacy/load';
import { isPackerBuiltIn } from '../legacy/packer-types';
import { calledFunctions, parseTemplate } from '../legacy/gotemplate';
import { kindName, parseJson, prop, type JsonNode, type JsonProp } from '../legacy/json';
import { error, warning, type Diagnostic, type Range } from '../source';
import { formatGoDuration, parseGoDuration } from './duration';
import { bodyLines, compareGo, quote, type BodyItem } from './hclwrite';
import { newTransposeContext, transposeTemplatingCalls } from './transpose';
import { amazonAmiDataSources, secretsDataSources } from './datasources';

// The comments written into the converted file are Bakehouse's own words; the HCL around them is what Packer 1.6.6 writes.
const FILE_HEADER = `# Converted from a legacy JSON template by 'bakehouse hcl2_upgrade'. Check the
# result before relying on it. The blocks below may be split across several
# .pkr.hcl files in one folder; 'bakehouse inspect FOLDER' lists them all.

# Go template calls ({{ ... }}) that could not be converted are kept as written.
# Do not mix them with HCL2 expressions (\${ ... }) in one string: the two are
# never evaluated together.
`;

const INPUT_VAR_HEADER = `
# Legacy JSON variables are untyped, so each one becomes a string variable;
# give them precise types (number, list(string), ...) where that fits.
`;

const PACKER_BLOCK_HEADER = `
# The Packer versions this template works with.
`;

const SOURCES_HEADER = `
# One source block per legacy builder; build blocks refer to them as
# source.TYPE.NAME.`;

const BUILD_HEADER = `
# The build: the sources above, then provisioners and post-processors in order.
build {
`;

const TIMESTAMP_LOCAL = `# Stands in for the legacy {{timestamp}} function.
locals { timestamp = regex_replace(timestamp(), "[- TZ:]", "") }
`;

const LEGACY_TIME_NOTE = (name: string): string =>
  `# legacy_${name} keeps the legacy ${name} layout working; timestamp() and formatdate() are the HCL2 way.\n`;

type JsonObject = Extract<JsonNode, { kind: 'object' }>;

export interface UpgradeResult {
  /** The HCL2 template, formatted; empty when the JSON could not be read. */
  text: string;
  diagnostics: Diagnostic[];
}

export function hcl2Upgrade(jsonText: string, filename: string): UpgradeResult {
  const parsed = parseJson(jsonText, filename);
  const diagnostics = [...parsed.diagnostics];
  const root = parsed.doc.root;
  if (!root || diagnostics.some((d) => d.severity === 'error')) return { text: '', diagnostics };
  if (root.kind !== 'object') {
    diagnostics.push(error('Invalid template', `A legacy template is a JSON object, not ${kindName(root)}.`, root.range));
    return { text: '', diagnostics };
  }
  // Packer parses the template before converting it, and stops at what its parser rejects.
  const checked = loadLegacyTemplateText(jsonText, filename, { syntaxOnly: true, env: {} });
  const parseErrors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (parseErrors.length > 0) return { text: '', diagnostics: parseErrors };
  // Packer 1.14's hcl2_upgrade does not run its fixers either: the HCL keeps the old options, so say which would change.
  const fixers = fixersThatChange(jsonText, filename);
  if (fixers.length > 0) {
    diagnostics.push(
      warning(
        'Options from an older Packer',
        `Packer's fixers would rewrite this template (${fixers.join(', ')}), and the HCL2 written here keeps those options as they are. Run \`bakehouse fix ${filename}\`, save its output and upgrade that instead.`,
        root.range,
      ),
    );
  }
  const warn = (range: Range) => (message: string) => diagnostics.push(warning('Not converted automatically', message, range));
  const vars = readVariables(root, jsonText, diagnostics);
  const ctx = newTransposeContext(new Set(vars.filter((v) => v.isLocal).map((v) => v.name)));
  const transposed = (block: string, range: Range): string => {
    // hclwrite hands Packer each block already aligned, and Go's error columns count in that text.
    const t = transposeTemplatingCalls(formatTokens(block, lexHcl(block, filename).tokens), ctx);
    if (t.problem) diagnostics.push(warning('Template calls left as written', `${firstLine(t.problem)}. The calls named in the comment above the block were kept as written; convert them by hand.`, range));
    return t.text;
  };

  // Blocks are converted in Packer's order (variables, AMI data sources, sources, build), since a conversion can
  // add a data source or a local that an earlier part of the file declares.
  const minVersion = prop(root, 'min_packer_version');
  const packer = packerBlock(minVersion?.value.kind === 'string' ? minVersion.value.value : '', requiredPlugins(root));
  const variables = variableBlocks(vars, transposed);
  const locals = localBlocks(vars, transposed);
  const builders = readBuilders(root, diagnostics);
  const amiData = amazonAmiDataSources(builders, transposed);

  let sources = '';
  builders.forEach((b, i) => {
    if (!isPackerBuiltIn('builder', b.type)) {
      diagnostics.push(error(`Unknown builder type "${b.type}"`, `Packer 1.6.6 has no builder "${b.type}", so hcl2_upgrade cannot convert it.`, b.node.range));
    }
    if (b.name === '' || b.name === b.type) b.name = `autogenerated_${i + 1}`;
    const lines = bodyLines(b.items, 2, warn(b.node.range));
    const block = `\nsource ${quote(b.type)} ${quote(b.name)} {\n${lines.map((l) => `${l}\n`).join('')}}\n`;
    sources += transposed(block, b.node.range);
  });

  let build = BUILD_HEADER;
  const description = prop(root, 'description');
  if (description?.value.kind === 'string' && description.value.value !== '') build += `  description = ${quote(description.value.value)}\n\n`;
  build += `  sources = [${builders.map((b) => quote(`source.${b.type}.${b.name}`)).join(', ')}]\n\n`;

  const provisioners = prop(root, 'provisioners')?.value;
  if (provisioners?.kind === 'array') {
    for (const p of provisioners.items) {
      if (p.kind !== 'object' || prop(p, 'type')?.value.kind !== 'string') continue;
      // Packer 1.14 leaves a blank line after each provisioner block.
      build += `${transposed(provisionerBlock(p, diagnostics), p.range)}\n`;
    }
  }
  const chains = prop(root, 'post-processors')?.value;
  if (chains?.kind === 'array') {
    for (const chain of chains.items) {
      const members = chain.kind === 'array' ? chain.items : [chain];
      // A chain of one is written as a lone post-processor, however the JSON spelled it.
      const count = members.filter((m) => postProcessorBlock(m, 0) !== undefined).length;
      if (count === 0) continue;
      const blocks = members.map((m) => postProcessorBlock(m, count === 1 ? 0 : 2)).filter((b): b is string => b !== undefined);
      const text = count === 1 ? blocks[0] : `post-processors {\n${blocks.join('')}}\n`;
      build += transposed(text, chain.range);
    }
  }
  if (prop(root, 'error-cleanup-provisioner')) {
    diagnostics.push(warning('Not converted automatically', 'Packer 1.6.6 does not convert "error-cleanup-provisioner"; add an `error-cleanup-provisioner` block to the build by hand.', prop(root, 'error-cleanup-provisioner')!.keyRange));
  }
  build += '}\n';

  let out = FILE_HEADER + packer + INPUT_VAR_HEADER + variables + secretsDataSources(ctx.secrets) + amiData;
  if (ctx.used.timestamp) out += `\n${TIMESTAMP_LOCAL}`;
  if (ctx.used.isotime) out += LEGACY_TIME_NOTE('isotime');
  if (ctx.used.strftime) out += LEGACY_TIME_NOTE('strftime');
  out += locals + SOURCES_HEADER + sources + build;
  const lexed = lexHcl(out, filename);
  return { text: formatTokens(out, lexed.tokens), diagnostics };
}

/** The plugins Packer 1.14 knows to require for a legacy component type, by the type's prefix (command/hcl2_upgrade.go). */
const KNOWN_PLUGINS = ['amazon', 'ansible', 'azure', 'docker', 'googlecompute', 'qemu', 'vagrant', 'virtualbox', 'vmware', 'vsphere'];

/** `required_plugins` entries for every builder, provisioner and post-processor type that lives in a plugin today. */
function requiredPlugins(root: JsonObject): string[] {
  const types: string[] = [];
  const typeOf = (n: JsonNode): void => {
    if (n.kind === 'string') types.push(n.value);
    else if (n.kind === 'object') {
      const t = prop(n, 'type')?.value;
      if (t?.kind === 'string') types.push(t.value);
    } else if (n.kind === 'array') n.items.forEach(typeOf);
  };
  for (const key of ['builders', 'provisioners', 'post-processors']) {
    const list = prop(root, key)?.value;
    if (list?.kind === 'array') list.items.forEach(typeOf);
  }
  const plugins = new Set<string>();
  for (const t of types) {
    const name = KNOWN_PLUGINS.find((p) => t.startsWith(p));
    if (name) plugins.add(name);
  }
  return [...plugins].sort(compareGo);
}

/** The `packer` block: the legacy `min_packer_version`, and (Packer 1.14) the plugins the components need. */
function packerBlock(minVersion: string, plugins: readonly string[]): string {
  if (minVersion === '' && plugins.length === 0) return '';
  let out = `${PACKER_BLOCK_HEADER}packer {\n`;
  if (minVersion !== '') out += `  required_version = ${quote(`>= ${minVersion}`)}\n`;
  if (plugins.length) {
    out += '  required_plugins {\n';
    for (const p of plugins) out += `    ${p} = {\n      source  = ${quote(`github.com/hashicorp/${p}`)}\n      version = "~> 1"\n    }\n`;
    out += '  }\n';
  }
  return `${out}}\n`;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/:$/, '');
}

function configItems(obj: JsonObject, skip: Set<string>): BodyItem[] {
  return obj.props.filter((p) => !skip.has(p.key)).map((p) => ({ key: p.key, value: p.value }));
}

interface LegacyVariable {
  name: string;
  /** undefined for a required variable (`null`). */
  value?: string;
  sensitive: boolean;
  /** Packer 1.14 makes it a local: its default calls a template function, so HCL2 could not read it as a variable. */
  isLocal: boolean;
  range: Range;
}

/**
 * The template functions whose call in a default makes Packer 1.14's hcl2_upgrade write a local instead of a variable
 * (command/hcl2_upgrade.go variableTransposeTemplatingCalls): everything the legacy engine evaluates but env().
 */
const LOCAL_MAKING_FUNCTIONS = new Set(['aws_secretsmanager', 'timestamp', 'isotime', 'strftime', 'user', 'template_dir', 'pwd', 'packer_version', 'uuid', 'lower', 'upper', 'split', 'replace', 'replace_all']);

function callsTemplateFunction(text: string): boolean {
  const parsed = parseTemplate(text);
  // A default Go cannot parse stays a variable, as Packer keeps it.
  if (parsed.error) return false;
  return parsed.nodes.some((n) => n.kind === 'action' && n.pipe !== undefined && calledFunctions(n.pipe).some((f) => LOCAL_MAKING_FUNCTIONS.has(f.name)));
}

/** The legacy variables, sorted as Packer writes them, with those the template uses but does not declare. */
function readVariables(root: JsonObject, jsonText: string, diagnostics: Diagnostic[]): LegacyVariable[] {
  const vars = prop(root, 'variables')?.value;
  if (vars && vars.kind !== 'object') {
    diagnostics.push(error('Invalid "variables"', `"variables" must be an object, not ${kindName(vars)}.`, vars.range));
    return [];
  }
  const sensitive = new Set<string>();
  const sv = prop(root, 'sensitive-variables')?.value;
  if (sv?.kind === 'array') for (const i of sv.items) if (i.kind === 'string') sensitive.add(i.value);
  const byName = new Map<string, JsonProp>();
  for (const p of vars?.props ?? []) byName.set(p.key, p);
  const out: LegacyVariable[] = [];
  for (const p of byName.values()) {
    const v = p.value;
    if (v.kind !== 'null' && v.kind !== 'string') {
      diagnostics.push(error(`Invalid default for variable "${p.key}"`, `Legacy template variables hold strings, not ${kindName(v)}.`, v.range));
      continue;
    }
    const value = v.kind === 'string' ? v.value : undefined;
    out.push({ name: p.key, value, sensitive: sensitive.has(p.key), isLocal: value !== undefined && callsTemplateFunction(value), range: p.range });
  }
  // A variable given only in a var-file is declared too, required, as Packer 1.14 does; `sensitive-variables` does not
  // reach it, since Packer's template keeps only the declared ones there.
  for (const name of referencedUserVariables(jsonText)) {
    if (!byName.has(name) && !out.some((v) => v.name === name)) out.push({ name, sensitive: false, isLocal: false, range: root.range });
  }
  return out.sort((a, b) => compareGo(a.name, b.name));
}

/**
 * The names `{{user `x`}}` calls in the whole template text. Packer 1.14 runs the raw JSON as one Go template that knows
 * only `user`, so a template calling any other function (or not parsing) yields none.
 */
function referencedUserVariables(jsonText: string): string[] {
  const parsed = parseTemplate(jsonText);
  if (parsed.error) return [];
  const names: string[] = [];
  for (const n of parsed.nodes) {
    if (n.kind !== 'action') continue;
    if (!n.pipe) {
      if (n.verbatim) return [];
      continue;
    }
    for (const c of n.pipe.commands) {
      const [head, ...rest] = c.args;
      if (calledFunctions({ commands: [c], pos: c.pos }).some((f) => f.name !== 'user')) return [];
      if (head.kind === 'ident' && rest.length === 1 && rest[0].kind === 'string') names.push(rest[0].value);
    }
  }
  return names;
}

function variableBlocks(vars: readonly LegacyVariable[], transposed: (block: string, range: Range) => string): string {
  let out = '';
  for (const v of vars.filter((x) => !x.isLocal)) {
    let block = `variable ${quote(v.name)} {\n  type = string\n`;
    if (v.value !== undefined) block += `  default = ${quote(v.value)}\n`;
    if (v.sensitive) block += '  sensitive = true\n';
    block += '}\n\n';
    out += transposed(block, v.range);
  }
  return out;
}

/** Variables that became locals: a `local` block for each sensitive one, then one `locals` block, as Packer 1.14 orders them. */
function localBlocks(vars: readonly LegacyVariable[], transposed: (block: string, range: Range) => string): string {
  const locals = vars.filter((v) => v.isLocal);
  let out = '';
  for (const v of locals.filter((x) => x.sensitive)) {
    out += transposed(`\nlocal ${quote(v.name)} {\n  sensitive = true\n  expression = ${quote(v.value ?? '')}\n}\n`, v.range);
  }
  const plain = locals.filter((x) => !x.sensitive);
  if (plain.length) {
    out += transposed(`\nlocals {\n${plain.map((v) => `  ${v.name} = ${quote(v.value ?? '')}\n`).join('')}}\n`, plain[0].range);
  }
  return out;
}

export interface Builder {
  type: string;
  name: string;
  node: JsonObject;
  /** Its settings as they are written into the source block (Packer 1.14 swaps `source_ami_filter` for a data source). */
  items: BodyItem[];
}

/** Builders in Packer's order for conversion: sorted by type then name. */
function readBuilders(root: JsonObject, diagnostics: Diagnostic[]): Builder[] {
  const list = prop(root, 'builders')?.value;
  if (list?.kind !== 'array') {
    diagnostics.push(error('No builders', 'At least one builder must be defined in "builders".', list?.range ?? root.range));
    return [];
  }
  const out: Builder[] = [];
  for (const b of list.items) {
    if (b.kind !== 'object') continue;
    const type = prop(b, 'type')?.value;
    if (type?.kind !== 'string' || type.value === '') {
      diagnostics.push(error('Missing builder type', 'Every builder needs a "type".', b.range));
      continue;
    }
    const name = prop(b, 'name')?.value;
    out.push({ type: type.value, name: name?.kind === 'string' && name.value !== '' ? name.value : type.value, node: b, items: configItems(b, new Set(['type', 'name'])) });
  }
  return out.sort((a, b) => compareGo(a.type + a.name, b.type + b.name));
}

function provisionerBlock(p: JsonObject, diagnostics: Diagnostic[]): string {
  const type = (prop(p, 'type')!.value as { value: string }).value;
  const skip = new Set(['type', 'only', 'except', 'override', 'pause_before', 'max_retries', 'timeout']);
  const items = configItems(p, skip);
  for (const key of ['except', 'only'] as const) {
    const v = prop(p, key)?.value;
    if (v?.kind === 'array' && v.items.length > 0) items.push({ key, value: v });
  }
  const retries = prop(p, 'max_retries');
  if (retries && (retries.value.kind === 'string' || retries.value.kind === 'number') && String(retries.value.value) !== '') {
    const text = String(retries.value.value);
    items.push({ key: 'max_retries', value: { kind: 'string', value: text, raw: JSON.stringify(text), range: retries.value.range, offset: retries.value.offset } });
  }
  // Packer 1.14 writes both durations as Go prints them, and drops a zero one.
  for (const key of ['timeout', 'pause_before']) {
    const d = prop(p, key);
    if (d?.value.kind !== 'string') continue;
    const ns = parseGoDuration(d.value.value);
    if (ns !== undefined && ns > 0) {
      const text = formatGoDuration(ns);
      items.push({ key, value: { kind: 'string', value: text, raw: JSON.stringify(text), range: d.value.range, offset: d.value.offset } });
    }
  }
  // Packer's hcl2_upgrade drops `override` without a word; say so, since the converted build would behave differently.
  const override = prop(p, 'override');
  if (override) {
    diagnostics.push(
      warning('Not converted automatically', `Packer's hcl2_upgrade drops "override" from provisioners; add \`override\` to the provisioner "${type}" block by hand.`, override.keyRange),
    );
  }
  const warnNames = (message: string): void => {
    diagnostics.push(warning('Not converted automatically', message, p.range));
  };
  const lines = bodyLines(items, 2, warnNames);
  return `provisioner ${quote(type)} {\n${lines.map((l) => `${l}\n`).join('')}}\n`;
}

/** One `post-processor` block at `indent` spaces, or undefined for an entry Packer would reject. */
function postProcessorBlock(pp: JsonNode, indent: number): string | undefined {
  const pad = ' '.repeat(indent);
  if (pp.kind === 'string') return `${pad}post-processor ${quote(pp.value)} {\n${pad}}\n`;
  if (pp.kind !== 'object') return undefined;
  const type = prop(pp, 'type')?.value;
  if (type?.kind !== 'string' || type.value === '') return undefined;
  const lines: string[] = [];
  const keep = prop(pp, 'keep_input_artifact')?.value;
  if (keep?.kind === 'bool') lines.push(`${pad}  keep_input_artifact = ${keep.value}`);
  const items = configItems(pp, new Set(['type', 'name', 'only', 'except', 'keep_input_artifact']));
  for (const key of ['except', 'only'] as const) {
    const v = prop(pp, key)?.value;
    if (v?.kind === 'array' && v.items.length > 0) items.push({ key, value: v });
  }
  const name = prop(pp, 'name')?.value;
  if (name?.kind === 'string' && name.value !== '' && name.value !== type.value) items.push({ key: 'name', value: name });
  lines.push(...bodyLines(items, indent + 2, () => undefined));
  return `${pad}post-processor ${quote(type.value)} {\n${lines.map((l) => `${l}\n`).join('')}${pad}}\n`;
}

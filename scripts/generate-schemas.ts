/**
 * Writes core/components/generated/<plugin>.ts from the `*.hcl2spec.go` files each Packer plugin publishes: the generated
 * list of every field of every component config with its cty type, which is what Packer itself decodes HCL2 with.
 *
 *   node --import tsx scripts/generate-schemas.ts              regenerate every plugin in scripts/plugin-versions.json
 *   node --import tsx scripts/generate-schemas.ts docker qemu  only these plugins
 *   node --import tsx scripts/generate-schemas.ts --modcache DIR   read sources from DIR/<module>@<version> (a Go module
 *                                                               cache layout) instead of `go env GOMODCACHE`
 *   node --import tsx scripts/generate-schemas.ts --report     only rewrite docs/schema-differences.md
 *   --versions FILE, --out DIR                                 other pins and output folder (the generator's own test)
 *
 * A module missing from the cache is fetched with `go mod download -json <module>@<version>`.
 * The Go source is read as text, not compiled: `packer-sdc` writes these files in one fixed form, and anything outside
 * that form stops the generator with the file and line, so a new form is noticed rather than skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ComponentKind, FieldType } from '../core/components/schema';
import type { GeneratedComponent, GeneratedField, GeneratedPlugin } from '../core/components/generated/types';

const ROOT = resolve(__dirname, '..');
const OUT_DIR = join(ROOT, 'core/components/generated');
const VERSIONS_FILE = join(ROOT, 'scripts/plugin-versions.json');
const REPORT_FILE = join(ROOT, 'docs/schema-differences.md');
const REGENERATE = 'node --import tsx scripts/generate-schemas.ts';

interface PluginPin {
  name: string;
  module: string;
  version: string;
  /** The file that registers the plugin's components; `main.go` unless set (Packer core: command/execute.go). */
  registrations?: string;
  /** Prefix of the type names (`amazon` → `amazon-ebs`); the plugin's name unless set, "" for Packer core. */
  prefix?: string;
  /** The plugin SDK version to read shared types from; the one the plugin's go.mod requires unless set (then say why in sdkNote). */
  sdkVersion?: string;
  sdkNote?: string;
}

interface Versions {
  sdk: { module: string };
  plugins: PluginPin[];
}

/** One parsed `HCL2Spec()` entry, before nested types are resolved. */
type RawSpec = (
  | { kind: 'attr'; name: string; type: FieldType; required: boolean }
  | { kind: 'block'; name: string; repeated: boolean; nested: string }
) & FieldTags;

/** What the `Flat*` struct's tags add to a field: packer-sdc writes the docs' markers there, not into the spec. */
interface FieldTags {
  requiredInDocs?: boolean;
  undocumented?: boolean;
}

interface FlatType {
  /** `<import path>.<FlatName>` */
  key: string;
  specs: RawSpec[];
}

class GenerateError extends Error {}

function fail(where: string, why: string): never {
  throw new GenerateError(`${where}: ${why}`);
}

function readVersions(file: string): Versions {
  return JSON.parse(readFileSync(file, 'utf8')) as Versions;
}

/** The module cache spells upper-case letters as `!` + lower-case. */
function escapeModulePath(module: string): string {
  return module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function moduleDir(module: string, version: string, modcache: string): string {
  const cached = join(modcache, `${escapeModulePath(module)}@${version}`);
  if (existsSync(cached)) return cached;
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // A refused module makes go exit non-zero but still print its JSON, whose Error says why.
    out = (err as { stdout?: string }).stdout ?? '';
    if (!out) fail(`${module}@${version}`, `go mod download failed (${(err as Error).message}); put the source at ${cached} or pass --modcache DIR`);
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir || info.Error) {
    fail(`${module}@${version}`, `${info.Error ?? 'go mod download gave no directory'}; put the source at ${cached} or pass --modcache DIR`);
  }
  return info.Dir;
}

function goModulePath(dir: string): string {
  const line = /^module\s+(\S+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'));
  if (!line) fail(join(dir, 'go.mod'), 'no module line');
  return line[1]!;
}

function walk(dir: string, keep: (name: string) => boolean, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) {
      if (entry.name === 'vendor' || entry.name === 'testdata' || entry.name.startsWith('.')) continue;
      walk(join(dir, entry.name), keep, found);
    } else if (keep(entry.name)) {
      found.push(join(dir, entry.name));
    }
  }
  return found;
}

/** Import alias → import path, for one Go file. An import without alias is known by its last path element. */
function parseImports(source: string): Map<string, string> {
  const imports = new Map<string, string>();
  const block = /^import\s*\(([\s\S]*?)^\)/m.exec(source)?.[1] ?? '';
  const single = [...source.matchAll(/^import\s+((?:\w+\s+)?"[^"]+")/gm)].map((m) => m[1]);
  for (const line of [...block.split('\n'), ...single]) {
    const m = /^\s*(?:(\w+)\s+)?"([^"]+)"/.exec(line ?? '');
    if (!m) continue;
    const path = m[2]!;
    imports.set(m[1] ?? path.slice(path.lastIndexOf('/') + 1), path);
  }
  return imports;
}

function parseCtyType(text: string, where: string): FieldType {
  const t = text.trim();
  if (t === 'cty.String') return 'string';
  if (t === 'cty.Number') return 'number';
  if (t === 'cty.Bool') return 'bool';
  if (t === 'cty.DynamicPseudoType') return 'any';
  const wrapped = /^cty\.(List|Set|Map)\((.*)\)$/.exec(t);
  if (wrapped) {
    const inner = parseCtyType(wrapped[2]!, where);
    return wrapped[1] === 'Map' ? { map: inner } : { list: inner };
  }
  return fail(where, `unknown cty type ${t}`);
}

const ATTR = /^"([^"]+)":\s*&hcldec\.AttrSpec\{Name:\s*"([^"]+)",\s*Type:\s*(.+),\s*Required:\s*(true|false)\},(?:\s*\/\*.*\*\/)?$/;
const BLOCK = /^"([^"]+)":\s*&hcldec\.(BlockSpec|BlockListSpec)\{TypeName:\s*"([^"]+)",\s*Nested:\s*hcldec\.ObjectSpec\(\(\*(?:(\w+)\.)?(\w+)\)\(nil\)\.HCL2Spec\(\)\)\},$/;

/** Tags of each `type FlatX struct`'s fields, by struct name and then by HCL name. */
function parseFlatStructs(source: string): Map<string, Map<string, FieldTags>> {
  const structs = new Map<string, Map<string, FieldTags>>();
  for (const m of source.matchAll(/^type (Flat\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields = new Map<string, FieldTags>();
    for (const tag of m[2]!.matchAll(/`([^`]*)`/g)) {
      const hcl = /\bhcl:"([^"]+)"/.exec(tag[1]!)?.[1];
      if (hcl) fields.set(hcl, { requiredInDocs: /\brequired:"true"/.test(tag[1]!), undocumented: /\bundocumented:"true"/.test(tag[1]!) });
    }
    structs.set(m[1]!, fields);
  }
  return structs;
}

/** Every `func (*FlatX) HCL2Spec()` of one file, keyed by `<import path>.<FlatX>`. */
function parseSpecFile(file: string, importPath: string, types: Map<string, FlatType>): void {
  const source = readFileSync(file, 'utf8');
  const imports = parseImports(source);
  const structs = parseFlatStructs(source);
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^func \(\*(\w+)\) HCL2Spec\(\) map\[string\]hcldec\.Spec \{$/.exec(lines[i]!);
    if (!head) continue;
    const specs: RawSpec[] = [];
    const tags = structs.get(head[1]!) ?? new Map<string, FieldTags>();
    for (i++; i < lines.length && lines[i] !== '}'; i++) {
      const line = lines[i]!.trim();
      const where = `${file}:${i + 1}`;
      if (line === '' || line === 's := map[string]hcldec.Spec{' || line === '}' || line === 'return s') continue;
      const attr = ATTR.exec(line);
      if (attr) {
        if (attr[1] !== attr[2]) fail(where, `key ${attr[1]} differs from Name ${attr[2]}`);
        // `mapstructure:"_"`: a field the plugin fills itself (googlecompute's BlockDevice zone), not one a template sets.
        if (attr[1] === '_') continue;
        specs.push({ kind: 'attr', name: attr[1]!, type: parseCtyType(attr[3]!, where), required: attr[4] === 'true', ...tags.get(attr[1]!) });
        continue;
      }
      const block = BLOCK.exec(line);
      if (block) {
        const pkg = block[4] ? imports.get(block[4]) : importPath;
        if (!pkg) fail(where, `no import for package ${block[4]}`);
        specs.push({ kind: 'block', name: block[1]!, repeated: block[2] === 'BlockListSpec', nested: `${pkg}.${block[5]}`, ...tags.get(block[1]!) });
        continue;
      }
      fail(where, `a spec entry in a form the generator does not know: ${line}`);
    }
    const key = `${importPath}.${head[1]}`;
    types.set(key, { key, specs });
  }
}

/** Parses every `*.hcl2spec.go` under a module directory into `types`. */
function parseModule(dir: string, types: Map<string, FlatType>): string {
  const module = goModulePath(dir);
  for (const file of walk(dir, (name) => name.endsWith('.hcl2spec.go'))) {
    const rel = relative(dir, join(file, '..')).split('\\').join('/');
    parseSpecFile(file, rel ? `${module}/${rel}` : module, types);
  }
  return module;
}

interface Registration {
  kind: ComponentKind;
  /** The name as registered; `null` for `plugin.DEFAULT_NAME`. */
  name: string | null;
  importPath: string;
  /** The registered Go type (`Builder`, `Provisioner`, …). */
  goType: string;
}

const KIND_BY_WORD: Record<string, ComponentKind> = {
  Builder: 'builder',
  Builders: 'builder',
  Provisioner: 'provisioner',
  Provisioners: 'provisioner',
  PostProcessor: 'post-processor',
  PostProcessors: 'post-processor',
  Datasource: 'data',
  Datasources: 'data',
};

/** The plugin's component registrations: `pps.RegisterBuilder("ebs", new(ebs.Builder))` in a plugin's main.go, or Packer core's `var Builders = map[…]{ "file": new(filebuilder.Builder), … }`. */
function parseRegistrations(file: string): Registration[] {
  const source = readFileSync(file, 'utf8');
  const imports = parseImports(source);
  const found: Registration[] = [];
  const importOf = (alias: string): string => imports.get(alias) ?? fail(file, `no import for ${alias}`);
  for (const m of source.matchAll(/Register(Builder|Provisioner|PostProcessor|Datasource)\((?:"([^"]+)"|plugin\.DEFAULT_NAME),\s*new\((\w+)\.(\w+)\)\)/g)) {
    found.push({ kind: KIND_BY_WORD[m[1]!]!, name: m[2] ?? null, importPath: importOf(m[3]!), goType: m[4]! });
  }
  for (const table of source.matchAll(/^var (Builders|Provisioners|PostProcessors|Datasources) = map\[string\][\w.]+\s*\{\n([\s\S]*?)^\}/gm)) {
    for (const m of table[2]!.matchAll(/^\s*"([^"]+)":\s*new\((\w+)\.(\w+)\),/gm)) {
      found.push({ kind: KIND_BY_WORD[table[1]!]!, name: m[1]!, importPath: importOf(m[2]!), goType: m[3]! });
    }
  }
  if (found.length === 0) fail(file, 'no component registrations found');
  return found;
}

function typeName(prefix: string, name: string | null): string {
  if (name === null) return prefix;
  return prefix ? `${prefix}-${name}` : name;
}

/** Resolves nested types; a type that contains itself would be a spec HCL could not decode either, so it is an error. */
function resolveFields(type: FlatType, types: Map<string, FlatType>, seen: readonly string[] = []): GeneratedField[] {
  if (seen.includes(type.key)) fail(type.key, `nests itself (${[...seen, type.key].join(' → ')})`);
  return type.specs.map((spec): GeneratedField => {
    const field: GeneratedField = { name: spec.name, type: spec.kind === 'attr' ? spec.type : 'any' };
    if (spec.kind === 'attr' && spec.required) field.required = true;
    if (spec.requiredInDocs) field.requiredInDocs = true;
    if (spec.undocumented) field.undocumented = true;
    if (spec.kind === 'block') {
      const nested = types.get(spec.nested) ?? fail(type.key, `block ${spec.name}: no HCL2Spec for ${spec.nested}`);
      field.block = { repeated: spec.repeated, fields: resolveFields(nested, types, [...seen, type.key]) };
    }
    return field;
  });
}

function requiredVersion(dir: string, module: string): string {
  const escaped = module.replace(/[.]/g, '\\.');
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(readFileSync(join(dir, 'go.mod'), 'utf8'));
  return m?.[1] ?? fail(join(dir, 'go.mod'), `does not require ${module}`);
}

/**
 * The Go struct a registered component decodes its config into: `FlatConfig` in its package, else the type of the
 * component's `config` field (`config sl.Config` → the SDK's shell-local FlatConfig), else the component's own type
 * flattened (the sleep provisioner decodes into itself).
 */
function configType(registration: Registration, dirOf: (importPath: string) => string, types: Map<string, FlatType>): FlatType {
  const { importPath } = registration;
  const own = types.get(`${importPath}.FlatConfig`) ?? types.get(`${importPath}.Flat${registration.goType}`);
  if (own) return own;
  const dir = dirOf(importPath);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    const struct = /^type (?:Builder|Provisioner|PostProcessor|Datasource) struct \{\n([\s\S]*?)^\}/m.exec(source);
    const field = struct && /^\s*config\s+\*?(?:(\w+)\.)?(\w+)\s*$/m.exec(struct[1]!);
    if (!field) continue;
    const pkg = field[1] ? parseImports(source).get(field[1]) : importPath;
    const found = pkg && types.get(`${pkg}.Flat${field[2]}`);
    if (found) return found;
  }
  return fail(importPath, 'registered component has no FlatConfig and no `config` field of a type with an HCL2Spec');
}

function generatePlugin(pin: PluginPin, sdkModule: string, modcache: string): GeneratedPlugin & { sdkVersion: string } {
  const dir = moduleDir(pin.module, pin.version, modcache);
  const sdkVersion = pin.sdkVersion ?? requiredVersion(dir, sdkModule);
  const sdkDir = moduleDir(sdkModule, sdkVersion, modcache);
  const types = new Map<string, FlatType>();
  parseModule(sdkDir, types);
  const module = parseModule(dir, types);
  if (module !== pin.module) fail(join(dir, 'go.mod'), `module is ${module}, plugin-versions.json says ${pin.module}`);
  const dirOf = (importPath: string): string => {
    for (const [mod, modDir] of [[module, dir], [sdkModule, sdkDir]] as const) {
      if (importPath === mod) return modDir;
      if (importPath.startsWith(`${mod}/`)) return join(modDir, importPath.slice(mod.length + 1));
    }
    return fail(importPath, `outside ${module} and ${sdkModule}`);
  };
  const prefix = pin.prefix ?? pin.name;
  const components = parseRegistrations(join(dir, pin.registrations ?? 'main.go')).map((r): GeneratedComponent => {
    const config = configType(r, dirOf, types);
    return { kind: r.kind, type: typeName(prefix, r.name), source: config.key, fields: resolveFields(config, types) };
  });
  components.sort((a, b) => a.kind.localeCompare(b.kind) || a.type.localeCompare(b.type));
  return { name: pin.name, module: pin.module, version: pin.version, sdkVersion, components };
}

// ---- output --------------------------------------------------------------------------------------------------------

/** A single-quoted TS string, as the rest of the code base writes them. */
function quote(text: string): string {
  if (/['\\\n]/.test(text)) fail('output', `unexpected character in ${JSON.stringify(text)}`);
  return `'${text}'`;
}

function literal(value: FieldType): string {
  if (typeof value === 'string') return quote(value);
  if ('list' in value) return `{ list: ${literal(value.list)} }`;
  if ('map' in value) return `{ map: ${literal(value.map)} }`;
  return fail('output', 'object-typed attributes do not occur in hcl2spec');
}

function renderFields(fields: readonly GeneratedField[], indent: string): string {
  if (fields.length === 0) return '[]';
  const lines = fields.map((f) => {
    const parts = [`name: ${quote(f.name)}`, `type: ${literal(f.type)}`];
    if (f.required) parts.push('required: true');
    if (f.requiredInDocs) parts.push('requiredInDocs: true');
    if (f.undocumented) parts.push('undocumented: true');
    if (f.block) parts.push(`block: { repeated: ${f.block.repeated}, fields: ${renderFields(f.block.fields, `${indent}  `)} }`);
    return `${indent}  { ${parts.join(', ')} },`;
  });
  return `[\n${lines.join('\n')}\n${indent}]`;
}

function exportName(plugin: string): string {
  return `${plugin.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Plugin`;
}

function renderPlugin(plugin: GeneratedPlugin, sdk: string): string {
  const components = plugin.components
    .map(
      (c) =>
        `    {\n      kind: ${quote(c.kind)},\n      type: ${quote(c.type)},\n      source: ${quote(c.source)},\n      fields: ${renderFields(c.fields, '      ')},\n    },`,
    )
    .join('\n');
  return [
    `// Generated from ${plugin.module} ${plugin.version} (its *.hcl2spec.go; shared types from ${sdk}).`,
    `// Do not edit: change scripts/plugin-versions.json and run \`${REGENERATE} ${plugin.name}\`.`,
    `import type { GeneratedPlugin } from './types';`,
    '',
    `export const ${exportName(plugin.name)}: GeneratedPlugin = {`,
    `  name: ${quote(plugin.name)},`,
    `  module: ${quote(plugin.module)},`,
    `  version: ${quote(plugin.version)},`,
    `  components: [`,
    components,
    '  ],',
    '};',
    '',
  ].join('\n');
}

function renderIndex(names: string[]): string {
  const sorted = [...names].sort();
  return [
    `// Generated by \`${REGENERATE}\`: every plugin in scripts/plugin-versions.json. Do not edit.`,
    ...sorted.map((n) => `import { ${exportName(n)} } from './${n}';`),
    `import type { GeneratedPlugin } from './types';`,
    '',
    `export const GENERATED_PLUGINS: readonly GeneratedPlugin[] = [${sorted.map(exportName).join(', ')}];`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  let modcache = '';
  let versionsFile = VERSIONS_FILE;
  let outDir = OUT_DIR;
  let reportOnly = false;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--report') reportOnly = true;
    else if (arg === '--modcache') modcache = argv[++i] ?? fail(arg, 'needs a directory');
    else if (arg === '--versions') versionsFile = resolve(argv[++i] ?? fail(arg, 'needs a file'));
    else if (arg === '--out') outDir = resolve(argv[++i] ?? fail(arg, 'needs a directory'));
    else if (arg.startsWith('-')) fail(arg, 'unknown option');
    else only.push(arg);
  }
  if (!reportOnly) {
    const versions = readVersions(versionsFile);
    const unknown = only.filter((n) => !versions.plugins.some((p) => p.name === n));
    if (unknown.length) fail(unknown.join(', '), `not in ${relative(ROOT, versionsFile)}`);
    if (!modcache) modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    for (const pin of versions.plugins) {
      if (only.length && !only.includes(pin.name)) continue;
      const { sdkVersion, ...plugin } = generatePlugin(pin, versions.sdk.module, modcache);
      writeFileSync(join(outDir, `${pin.name}.ts`), renderPlugin(plugin, `${versions.sdk.module} ${sdkVersion}`));
      const count = plugin.components.map((c) => `${c.type} (${c.fields.length})`).join(', ');
      console.log(`${pin.name} ${pin.version}: ${count}`);
    }
    writeFileSync(join(outDir, 'index.ts'), renderIndex(versions.plugins.map((p) => p.name)));
  }
  // Loaded only here: it reads the generated files, which must exist (and be the new ones) before it is imported.
  if (reportOnly) {
    const { renderDifferencesReport } = await import('./schema-differences');
    writeFileSync(REPORT_FILE, renderDifferencesReport());
    console.log(`wrote ${relative(ROOT, REPORT_FILE)}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (!(err instanceof GenerateError)) throw err;
  console.error(`generate-schemas: ${err.message}`);
  process.exitCode = 1;
});

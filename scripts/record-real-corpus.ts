// Records what the reference Packer 1.14 says of the real-world corpus (listed in test/fixtures/real/PROVENANCE.json, its
// files fetched by scripts/fetch-real-corpus.ts):
// a full `packer validate` of every template, run as its project runs it (from its folder, with its var files), using
// only the plugins built beside the binary (`packer init` needs the network), with those of scripts/reference-packer-extra.sh
// where it was run. Writes test/fixtures/real/packer-1.14.json.
// A template that names a component of a plugin not built there gets the verdict "plugin not available to the
// reference", with the plugin named, so it is never taken for a verdict on the template itself.
//   bash .ci/reference-packer.sh && bash scripts/reference-packer-extra.sh && node --import tsx scripts/record-real-corpus.ts
// With `--missing-plugins`, only the templates recorded as "plugin not available to the reference" are run again (after
// scripts/reference-packer-extra.sh has added plugins); with template names, only those. The rest is kept as recorded
// (its errors read again from the recorded output).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REAL_CORPUS_FILES, REAL_CORPUS_META } from '../test/support/real-corpus';
import { PACKER_1_14, runReferencePacker, withExtraPlugins, type ReferencePacker } from '../test/support/reference-packer';

const repo = join(__dirname, '..');
const REAL_CORPUS = REAL_CORPUS_META;

/** One entry of PROVENANCE.json, as far as running it goes (test/template/real-corpus.test.ts reads the same). */
interface Provenance {
  cwd: string;
  template: string;
  varFiles: string[];
  files: Array<{ file: string; role: string }>;
}

const provenance = (): Record<string, Provenance> =>
  (JSON.parse(readFileSync(join(REAL_CORPUS, 'PROVENANCE.json'), 'utf8')) as { templates: Record<string, Provenance> }).templates;

/** One thing Packer says is wrong and where (no file or line where Packer gives none, as for legacy JSON). */
interface PackerMessage {
  text: string;
  file: string | null;
  line: number | null;
}

interface PackerErrorSummary {
  summary: string;
  file: string | null;
  line: number | null;
  /** What the block's detail names as wrong; what test/template/real-corpus.test.ts compares. */
  messages: PackerMessage[];
}

/** The component types a template names, so agreement can be counted on the templates whose types Bakehouse has. */
interface ComponentTypes {
  builders: string[];
  provisioners: string[];
  postProcessors: string[];
  dataSources: string[];
}

interface RecordedTemplate {
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  errors: PackerErrorSummary[];
  verdict: 'valid' | 'invalid' | 'plugin not available to the reference';
  missingPlugins?: string[];
  types: ComponentTypes;
}

const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();

/**
 * The types a template's files name: JSON's "type" keys by section, HCL2's block labels. A plain scan, not a parse, so
 * a template neither Packer nor Bakehouse can read still says what it uses (a commented-out block may be counted).
 */
function templateTypes(name: string, t: Provenance): ComponentTypes {
  const types: ComponentTypes = { builders: [], provisioners: [], postProcessors: [], dataSources: [] };
  for (const f of t.files.filter((x) => x.role !== 'var-file')) {
    const text = readFileSync(join(REAL_CORPUS_FILES, name, f.file), 'utf8');
    if (/\.pkr\.hcl$/.test(f.file)) {
      for (const m of text.matchAll(/^\s*source\s+"([\w-]+)"\s+"/gm)) types.builders.push(m[1]);
      for (const m of text.matchAll(/^\s*provisioner\s+"([\w-]+)"/gm)) types.provisioners.push(m[1]);
      for (const m of text.matchAll(/^\s*error-cleanup-provisioner\s+"([\w-]+)"/gm)) types.provisioners.push(m[1]);
      for (const m of text.matchAll(/^\s*post-processor\s+"([\w-]+)"/gm)) types.postProcessors.push(m[1]);
      for (const m of text.matchAll(/^\s*data\s+"([\w-]+)"/gm)) types.dataSources.push(m[1]);
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // Not JSON at all (a merge conflict left in, say): fall back to the "type" keys in each section's text.
      const section = (key: string): string => text.split(`"${key}"`)[1]?.split(/"(?:builders|provisioners|post-processors|variables)"\s*:/)[0] ?? '';
      const typesIn = (s: string): string[] => [...s.matchAll(/"type"\s*:\s*"([\w-]+)"/g)].map((m) => m[1]);
      types.builders.push(...typesIn(section('builders')));
      types.provisioners.push(...typesIn(section('provisioners')));
      types.postProcessors.push(...typesIn(section('post-processors')));
      continue;
    }
    const o = (doc ?? {}) as Record<string, unknown>;
    const typeOf = (x: unknown): string[] => (typeof x === 'string' ? [x] : typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string' ? [(x as { type: string }).type] : []);
    const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
    types.builders.push(...list(o.builders).flatMap(typeOf));
    types.provisioners.push(...list(o.provisioners).flatMap(typeOf));
    types.postProcessors.push(...list(o['post-processors']).flatMap((p) => (Array.isArray(p) ? p.flatMap(typeOf) : typeOf(p))));
  }
  return { builders: uniq(types.builders), provisioners: uniq(types.provisioners), postProcessors: uniq(types.postProcessors), dataSources: uniq(types.dataSources) };
}

/**
 * What a block's detail says is wrong, when it wraps other errors: the `* …` items of a multierror ("3 error(s)
 * occurred"), or an HCL diagnostic quoted as `FILE:LINE,COL-COL: Summary;` (a provisioner's prepare error). Where none,
 * the block's summary, or its first line of detail when the summary is empty (a legacy template function error).
 */
function messagesOf(summary: string, file: string | null, line: number | null, detail: string): PackerMessage[] {
  const quoted = [...detail.matchAll(/^(\S+?):(\d+),\d+(?:-\d+)?: (.+?);?$/gm)].map((m) => ({ text: m[3].trim(), file: m[1], line: Number(m[2]) }));
  if (quoted.length) return quoted;
  // Packer wraps its error text at 80 columns (at spaces) and a plugin's multierror may indent its items with a tab:
  // an item runs to the next item or blank line, its lines joined again with the space the wrap took.
  const items = [...detail.matchAll(/^\t?\* (.+(?:\n(?!\t?\* )[^\n]*\S[^\n]*)*)/gm)].map((m) => ({ text: m[1].split('\n').map((l) => l.trim()).join(' '), file, line }));
  if (items.length) return items;
  const text = summary || detail.split('\n').map((l) => l.trim()).filter((l) => l && !/^on .+ line \d+:$|^\(source code not available\)$/.test(l)).join(' ');
  return [{ text, file, line }];
}

/** The error blocks Packer prints (`Error: summary`, then `on FILE line N:` for HCL2 ones), in order. */
function errorSummaries(output: string): PackerErrorSummary[] {
  const out: PackerErrorSummary[] = [];
  const blocks = output.split(/^Error: /m).slice(1);
  for (const block of blocks) {
    const [first, ...rest] = block.split('\n');
    const detail = rest.join('\n');
    const at = /^\s+on (.+?) line (\d+)/m.exec(detail);
    const file = at ? at[1] : null;
    const line = at ? Number(at[2]) : null;
    out.push({ summary: first.trim(), file, line, messages: messagesOf(first.trim(), file, line, detail) });
  }
  // A legacy JSON template that is not JSON fails before any `Error:` block: the parser's own error and its line.
  const original = /^Original error: (.+)$/m.exec(output);
  if (!out.length && original) {
    const at = /^At line (\d+), column \d+/m.exec(output);
    const line = at ? Number(at[1]) : null;
    out.push({ summary: original[1].trim(), file: null, line, messages: [{ text: original[1].trim(), file: null, line }] });
  }
  return out;
}

/** Which plugin a component type belongs to, for the ones the reference has no binary of. */
function pluginOf(type: string): string {
  const known: Array<[RegExp, string]> = [
    [/^amazon-/, 'amazon'], [/^azure-/, 'azure'], [/^docker/, 'docker'], [/^qemu$/, 'qemu'], [/^virtualbox-/, 'virtualbox'],
    [/^vmware-/, 'vmware'], [/^vsphere-/, 'vsphere'], [/^googlecompute/, 'googlecompute'], [/^ansible/, 'ansible'],
    [/^chef-/, 'chef'], [/^puppet-/, 'puppet'], [/^salt-/, 'salt'], [/^vagrant/, 'vagrant'], [/^proxmox/, 'proxmox'],
    [/^hyperv-/, 'hyperv'], [/^parallels-/, 'parallels'], [/^digitalocean/, 'digitalocean'], [/^openstack/, 'openstack'],
    [/^hcloud/, 'hcloud'], [/^lxd/, 'lxd'], [/^lxc/, 'lxc'], [/^ovftool/, 'ovftool (none: removed from Packer)'],
  ];
  return known.find(([re]) => re.test(type))?.[1] ?? type;
}

/**
 * The plugins a failed validate says it lacks: a component type Packer does not know (each syntax words it its own way)
 * or a `required_plugins` entry that is not installed.
 */
function missingPlugins(output: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /The (?:builder|provisioner|post-processor|source|data source|datasource) "?([\w.-]+)"? is unknown by Packer/g,
    /Unknown (?:builder|provisioner|post-processor|source|data source|datasource) type "?([\w.-]+)"?/g,
    /unknown (?:builder|provisioner|post-processor|data source) type "?([\w.-]+)"?/gi,
  ];
  for (const re of patterns) for (const m of output.matchAll(re)) found.add(pluginOf(m[1]));
  for (const m of output.matchAll(/github\.com\/[\w.-]+\/([\w.-]+)\s+[~<>=!]/g)) {
    if (/not installed|Missing plugins/.test(output)) found.add(m[1]);
  }
  return [...found].sort();
}

function record(packer: ReferencePacker, name: string, t: Provenance): RecordedTemplate {
  const dir = join(REAL_CORPUS_FILES, name, t.cwd);
  const args = ['validate', ...t.varFiles.map((f) => `-var-file=${f}`), t.template];
  const r = runReferencePacker(packer, args, { cwd: dir });
  if (r.error) throw new Error(`${packer.bin} ${args.join(' ')} in ${dir}: ${r.error.message}`);
  // Paths and this machine's DNS resolver (named when a download fails offline) are not part of the verdict.
  const clean = (s: string): string =>
    s.replaceAll(dir, '<template>').replaceAll(repo, '<repo>').replace(/ on \d+\.\d+\.\d+\.\d+:53:/g, ' on <resolver>:53:');
  const stdout = clean(r.stdout);
  const stderr = clean(r.stderr);
  const missing = r.status === 0 ? [] : missingPlugins(`${stdout}${stderr}`);
  return {
    args,
    exitCode: r.status,
    stdout,
    stderr,
    errors: errorSummaries(`${stdout}\n${stderr}`),
    verdict: r.status === 0 ? 'valid' : missing.length ? 'plugin not available to the reference' : 'invalid',
    ...(missing.length ? { missingPlugins: missing } : {}),
    types: templateTypes(name, t),
  };
}

function main(): number {
  const reference = withExtraPlugins(PACKER_1_14);
  if (reference.skip !== false) {
    console.error(reference.skip);
    return 1;
  }
  const packer = reference.packer;
  const version = runReferencePacker(packer, ['version'], { cwd: repo }).stdout.trim().split('\n')[0];
  const plugins = runReferencePacker(packer, ['plugins', 'installed'], { cwd: repo })
    .stdout.trim().split('\n').filter(Boolean).map((p) => relative(packer.pluginPath, p));
  const all = provenance();
  const file = join(REAL_CORPUS, 'packer-1.14.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { templates: Record<string, RecordedTemplate> }).templates : {};
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--missing-plugins' && !(a in all));
  if (unknown.length) {
    console.error(`not in the corpus: ${unknown.join(', ')}`);
    return 1;
  }
  const again = (name: string): boolean =>
    !args.length || !previous[name] || args.includes(name) || (args.includes('--missing-plugins') && previous[name].verdict === 'plugin not available to the reference');
  const templates: Record<string, RecordedTemplate> = {};
  // A template kept as recorded has its errors read again from its output, so every entry is parsed alike.
  const kept = (t: RecordedTemplate): RecordedTemplate => ({ ...t, errors: errorSummaries(`${t.stdout}\n${t.stderr}`) });
  for (const name of Object.keys(all).sort()) templates[name] = again(name) ? record(packer, name, all[name]) : kept(previous[name]);
  const recording = {
    packer: version,
    plugins,
    note: 'Recorded by scripts/record-real-corpus.ts from test/fixtures/real (PROVENANCE.json); regenerate, do not edit.',
    templates,
  };
  writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`);
  const counts = Object.values(templates).reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.verdict]: (acc[t.verdict] ?? 0) + 1 }), {});
  console.log(`${relative(repo, file)}: ${Object.keys(templates).length} templates (${version}): ${JSON.stringify(counts)}`);
  return 0;
}

process.exitCode = main();

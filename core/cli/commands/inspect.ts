import { loadTemplateRunningDataSources } from '../../template/load';
import type { BuildModel, PostProcessorModel, ProvisionerModel, TemplateModel } from '../../template/model';
import { unmarked } from '../../template/eval/marks';
import { formatValue, quoteString, SENSITIVE_TEXT, UNKNOWN_TEXT } from '../../template/values/format';
import type { Value } from '../../template/values/value';
import { createMasker } from '../../engine/mask';
import { VAR_FLAGS, type Command } from '../command';
import { renderDiagnostics } from '../diagnostics';
import { templateArgs } from '../template-args';

export const inspectCommand: Command = {
  name: 'inspect',
  synopsis: 'Shows the variables, locals, builds, provisioners and post-processors of a template',
  usage: '[options] TEMPLATE|DIR',
  flags: [...VAR_FLAGS],
  async run(args, io) {
    const t = templateArgs('inspect', args, io);
    if (!t.ok) {
      io.stderr(`${t.error}\n`);
      return 1;
    }
    const result = await loadTemplateRunningDataSources(t.value.path, t.value.options);
    // Packer 1.14 stops only on parse errors: what its Initialize finds (unset variables, failed validation) it ignores.
    const errors = result.parsed ? [] : result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length || !result.model) {
      io.stderr(renderDiagnostics(errors, { sources: result.sources, color: io.color }));
      return 1;
    }
    io.stdout(result.model.format === 'hcl2' ? inspectHcl(result.model) : inspectJson(result.model));
    return 0;
  },
};

/**
 * Packer 1.14's "HCL2 mode" layout: each value Go-quoted (`%q`) after the console's printing, each build's declared
 * sources, provisioners and post-processor chains, and every sensitive value masked in the text as Packer's output filter does.
 */
export function inspectHcl(m: TemplateModel): string {
  const out: string[] = ['Packer Inspect: HCL2 mode', '', '> input-variables:', ''];
  for (const v of byName(m.variables)) out.push(`var.${v.name}: ${quoteString(printable(v.value))}`);
  out.push('', '> local-variables:', '');
  for (const l of byName(m.locals)) out.push(`local.${l.name}: ${quoteString(printable(l.value))}`);
  out.push('', '> builds:', '');
  for (const [i, b] of m.builds.entries()) {
    out.push(`  > ${b.name ?? `<unnamed build ${i}>`}:`, '');
    if (b.description) out.push(`  > Description: ${b.description}`, '');
    out.push('    sources:', '');
    const sources = b.sources ?? uniqueBy(b.builds.map((p) => `${p.type}.${p.sourceName}`), (x) => x);
    if (!sources.length) out.push('      <no source>', '');
    for (const s of sources) out.push(`      ${s}`, '');
    out.push('    provisioners:', '');
    const provisioners = declaredProvisioners(b);
    if (!provisioners.length) out.push('      <no provisioner>');
    for (const p of provisioners) out.push(`      ${componentName(p)}`);
    out.push('', '    post-processors:', '');
    const chains = declaredChains(b);
    if (!chains.length) out.push('      <no post-processor>', '');
    for (const [n, chain] of chains.entries()) {
      out.push(`      ${n}:`);
      for (const pp of chain) out.push(`        ${componentName(pp)}`);
      out.push('');
    }
  }
  return createMasker(declaredSecrets(m)).text(`${out.join('\n')}\n`);
}

/**
 * The strings Packer 1.14 hides from its output: every string inside a variable or local declared sensitive. A value
 * merely computed from a secret is not one (`"Bearer ${var.token}"` prints as `Bearer <sensitive>`).
 */
function declaredSecrets(m: TemplateModel): string[] {
  const out: string[] = [];
  const walk = (v: Value): void => {
    if (v.kind === 'string') out.push(v.value);
    else if (v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple') v.items.forEach(walk);
    else if (v.kind === 'map') Object.values(v.entries).forEach(walk);
    else if (v.kind === 'object') Object.values(v.attrs).forEach(walk);
  };
  for (const x of [...m.variables, ...m.locals]) if (x.sensitive) walk(x.value);
  return out;
}

/** Packer names a provisioner or post-processor `type.name` when the block has a name. */
function componentName(c: { type: string; name?: string }): string {
  return c.name ? `${c.type}.${c.name}` : c.type;
}

/**
 * What Packer's PrintableCtyValue gives: `<unknown>` for a value not wholly known, else the console's printing. Marks
 * play no part: Packer prints the plain value and its output filter masks the secrets afterwards.
 */
function printable(v: Value): string {
  return isWhollyKnown(v) ? formatValue(withoutMarks(v)) : UNKNOWN_TEXT;
}

function isWhollyKnown(v: Value): boolean {
  switch (v.kind) {
    case 'unknown':
      return false;
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.every(isWhollyKnown);
    case 'map':
      return Object.values(v.entries).every(isWhollyKnown);
    case 'object':
      return Object.values(v.attrs).every(isWhollyKnown);
    default:
      return true;
  }
}

function withoutMarks(v: Value): Value {
  const u = unmarked(v);
  switch (u.kind) {
    case 'list':
    case 'set':
    case 'tuple':
      return { ...u, items: u.items.map(withoutMarks) };
    case 'map':
      return { ...u, entries: Object.fromEntries(Object.entries(u.entries).map(([k, x]) => [k, withoutMarks(x)])) };
    case 'object':
      return { ...u, attrs: Object.fromEntries(Object.entries(u.attrs).map(([k, x]) => [k, withoutMarks(x)])) };
    default:
      return u;
  }
}

/** Packer lists variables and locals sorted by name. */
function byName<T extends { name: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Packer 1.14's "JSON mode" layout. Variables show their defaults as written (template functions unrendered); a
 * sensitive variable's default shows as `<sensitive>`, even an empty one. Post-processors are not listed.
 */
export function inspectJson(m: TemplateModel): string {
  const out: string[] = ['Packer Inspect: JSON mode'];
  const description = m.builds[0]?.description;
  if (description) out.push('Description:', '', description, '');
  const vars = byName(m.variables);
  if (!vars.length) out.push('Variables:', '', '  <No variables>');
  else {
    const required = vars.filter((v) => v.default === undefined);
    // Packer lists required variables in Go's map order, which changes from run to run; Bakehouse sorts them.
    if (required.length) out.push('Required variables:', '', ...required.map((v) => `  ${v.name}`), '');
    out.push('Optional variables and their defaults:', '');
    const w = Math.max(...vars.map((v) => v.name.length));
    for (const v of vars) if (v.default !== undefined) out.push(`  ${v.name.padEnd(w)} = ${v.sensitive ? SENSITIVE_TEXT : rawDefault(v.default)}`);
  }
  out.push('');
  const planned = m.builds.flatMap((b) => b.builds);
  out.push('Builders:', '');
  const w = Math.max(0, ...planned.map((p) => p.name.length));
  if (!planned.length) out.push('  <No builders>');
  for (const p of [...planned].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(p.name === p.type ? `  ${p.name.padEnd(w)}` : `  ${p.name.padEnd(w)} (${p.type})`);
  }
  out.push('');
  const provisioners = m.builds.flatMap(declaredProvisioners);
  out.push('Provisioners:', '');
  if (provisioners.length) for (const p of provisioners) out.push(`  ${p.type}`);
  else out.push('  <No provisioners>');
  out.push(
    '',
    'Note: If your build names contain user variables or template',
    "functions such as 'timestamp', these are processed at build time,",
    'and therefore only show in their raw form here.',
  );
  return createMasker(m.sensitiveStrings).text(`${out.join('\n')}\n`);
}

function rawDefault(v: Value): string {
  return v.kind === 'string' ? unmarked(v).value : formatValue(withoutMarks(v));
}

/**
 * Every provisioner the build declares, in source order. Planned builds only hold the ones that apply to them
 * (only/except), so the declared list is their union ordered by position in the file.
 */
function declaredProvisioners(b: BuildModel): ProvisionerModel[] {
  return sortByPosition(unionOf(b.builds.map((p) => p.provisioners), positionKey));
}

function declaredChains(b: BuildModel): PostProcessorModel[][] {
  const chains = unionOf(b.builds.map((p) => p.postProcessors), (chain) => chain.map(positionKey).join('|'));
  return chains.sort((x, y) => comparePosition(x[0], y[0]));
}

/**
 * The union of several lists, keeping as many copies of an item as the list holding most of them: blocks made by one
 * `dynamic` block, or written in one JSON array, share a position yet are separate blocks.
 */
function unionOf<T>(lists: readonly (readonly T[])[], key: (x: T) => string): T[] {
  const kept = new Map<string, number>();
  const out: T[] = [];
  for (const list of lists) {
    const seen = new Map<string, number>();
    for (const x of list) {
      const k = key(x);
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      if (n > (kept.get(k) ?? 0)) {
        kept.set(k, n);
        out.push(x);
      }
    }
  }
  return out;
}

function positionKey(x: { range: { filename: string; start: { byte: number } } }): string {
  return `${x.range.filename}:${x.range.start.byte}`;
}

function comparePosition(a: { range: { filename: string; start: { byte: number } } }, b: typeof a): number {
  if (a.range.filename !== b.range.filename) return a.range.filename < b.range.filename ? -1 : 1;
  return a.range.start.byte - b.range.start.byte;
}

function sortByPosition<T extends { range: { filename: string; start: { byte: number } } }>(xs: T[]): T[] {
  return [...xs].sort(comparePosition);
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

import { loadTemplateRunningDataSources } from '../../template/load';
import type { BuildModel, PostProcessorModel, ProvisionerModel, TemplateModel } from '../../template/model';
import { formatValueHcl } from '../../template/values/format';
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
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length || !result.model) {
      io.stderr(renderDiagnostics(errors, { sources: result.sources, color: io.color }));
      return 1;
    }
    io.stdout(result.model.format === 'hcl2' ? inspectHcl(result.model) : inspectJson(result.model));
    return 0;
  },
};

/** Packer's "HCL2 mode" layout, with each build's sources, provisioners and post-processor chains. */
export function inspectHcl(m: TemplateModel): string {
  const out: string[] = ['Packer Inspect: HCL2 mode', '', '> input-variables:', ''];
  for (const v of byName(m.variables)) out.push(`var.${v.name}: ${formatValueHcl(v.value)}`);
  out.push('', '> local-variables:', '');
  for (const l of byName(m.locals)) out.push(`local.${l.name}: ${formatValueHcl(l.value)}`);
  out.push('', '> builds:', '');
  for (const [i, b] of m.builds.entries()) {
    out.push(`  > ${b.name ?? `<unnamed build ${i}>`}:`, '');
    if (b.description) out.push(`  > Description: ${b.description}`, '');
    out.push('    sources:', '');
    const sources = b.sources ?? uniqueBy(b.builds.map((p) => `${p.type}.${p.sourceName}`), (x) => x);
    for (const s of sources) out.push(`      ${s}`, '');
    out.push('    provisioners:', '');
    const provisioners = declaredProvisioners(b);
    if (!provisioners.length) out.push('      <no provisioner>');
    for (const p of provisioners) out.push(`      ${p.type}${p.name ? ` (${p.name})` : ''}`);
    out.push('', '    post-processors:', '');
    const chains = declaredChains(b);
    if (!chains.length) out.push('      <no post-processor>', '');
    for (const [n, chain] of chains.entries()) {
      out.push(`      ${n}:`);
      for (const pp of chain) out.push(`        ${pp.type}${pp.name ? ` (${pp.name})` : ''}`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

/** Packer lists variables and locals sorted by name. */
function byName<T extends { name: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Packer's "JSON mode" layout, plus the post-processors Packer leaves out. */
export function inspectJson(m: TemplateModel): string {
  const out: string[] = ['Packer Inspect: JSON mode'];
  const required = m.variables.filter((v) => v.default === undefined);
  const optional = m.variables.filter((v) => v.default !== undefined);
  const show = (v: TemplateModel['variables'][number]): string => (v.sensitive ? '<sensitive>' : plainString(v.value));
  if (required.length) {
    out.push('Required variables:', '');
    const w = Math.max(...required.map((v) => v.name.length));
    for (const v of required) out.push(`  ${v.name.padEnd(w)}`.trimEnd());
    out.push('');
  }
  if (optional.length) {
    out.push('Optional variables and their defaults:', '');
    const w = Math.max(...optional.map((v) => v.name.length));
    for (const v of [...optional].sort((a, b) => (a.name < b.name ? -1 : 1))) out.push(`  ${v.name.padEnd(w)} = ${show(v)}`);
    out.push('');
  }
  const planned = m.builds.flatMap((b) => b.builds);
  out.push('Builders:', '');
  const w = Math.max(0, ...planned.map((p) => p.name.length));
  for (const p of [...planned].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.push(p.name === p.type ? `  ${p.name}` : `  ${p.name.padEnd(w)} (${p.type})`);
  }
  out.push('');
  const provisioners = m.builds.flatMap(declaredProvisioners);
  out.push('Provisioners:', '');
  if (provisioners.length) for (const p of provisioners) out.push(`  ${p.type}`);
  else out.push('  <No provisioners>');
  out.push('');
  const chains = m.builds.flatMap(declaredChains);
  if (chains.length) {
    out.push('Post-processors:', '');
    for (const [n, chain] of chains.entries()) out.push(`  ${n}: ${chain.map((pp) => pp.type).join(' -> ')}`);
    out.push('');
  }
  out.push(
    'Note: If your build names contain user variables or template',
    "functions such as 'timestamp', these are processed at build time,",
    'and therefore only show in their raw form here.',
  );
  return `${out.join('\n')}\n`;
}

/**
 * Every provisioner the build declares, in source order. Planned builds only hold the ones that apply to them
 * (only/except), so the declared list is their union ordered by position in the file.
 */
function declaredProvisioners(b: BuildModel): ProvisionerModel[] {
  return sortByPosition(uniqueBy(b.builds.flatMap((p) => p.provisioners), positionKey));
}

function declaredChains(b: BuildModel): PostProcessorModel[][] {
  const chains = uniqueBy(b.builds.flatMap((p) => p.postProcessors), (chain) => chain.map(positionKey).join('|'));
  return chains.sort((x, y) => comparePosition(x[0], y[0]));
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

function plainString(v: TemplateModel['variables'][number]['value']): string {
  return v.kind === 'string' ? v.value : formatValueHcl(v);
}

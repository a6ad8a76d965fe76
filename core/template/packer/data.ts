/**
 * `data "type" "name" { … }` blocks, as Packer 1.14 reads and runs them: declared before locals, evaluated with the locals
 * in one dependency order (prereqs.ts), each checked against its type's schema and Configure rules and then run. Their
 * values are `data.TYPE.NAME`: the output once run, an unknown of the output's type when not run (validate without
 * -evaluate-datasources, a config that depends on something unknown, a type Bakehouse cannot run here).
 */
import { viewOf } from '../../components/checks';
import { validateComponent } from '../../components/validate';
import { dataSourceType, dataSourceTypeNames } from '../../datasources/registry';
import type { Block } from '../hcl/ast';
import { rangeString } from '../hcl/template';
import type { ComponentConfig, DataSourceModel, DataSourceResults, PendingDataSource } from '../model';
import { error, hasErrors, warning, type Diagnostic, type Range } from '../source';
import { T_DYNAMIC } from '../values/type';
import { isUnknownDeep, toPlain, unknownOf, type Value } from '../values/value';
import { decodeComponentBodies, emptyConfig } from './component';
import { templateContext, type LoadState } from './context';
import { headerRange } from './variables';

export interface DataDecl {
  type: string;
  name: string;
  block: Block;
  /** The block's header, where Packer points every problem of a data source. */
  range: Range;
  model: DataSourceModel;
}

/** How far data sources run in this load, and what the caller already ran. */
export interface DataRunOptions {
  mode: 'run' | 'skip';
  results?: DataSourceResults;
  pending: PendingDataSource[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const BAD_IDENTIFIER = 'A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.';

/** `data.TYPE.NAME`, how Packer names a data source in its graph. */
export function dataKey(type: string, name: string): string {
  return `data.${type}.${name}`;
}

export function decodeDataBlock(block: Block, decls: Map<string, DataDecl>, dataSources: DataSourceModel[], diags: Diagnostic[]): void {
  const [type = '', name = ''] = block.labels;
  const range = headerRange(block);
  const bad = [
    ...(IDENTIFIER.test(type) ? [] : [error('Invalid data source name', BAD_IDENTIFIER, block.labelRanges[0] ?? range)]),
    ...(IDENTIFIER.test(name) ? [] : [error('Invalid data resource name', BAD_IDENTIFIER, block.labelRanges[1] ?? range)]),
  ];
  diags.push(...bad);
  if (bad.length) return;
  const existing = decls.get(dataKey(type, name));
  if (existing) {
    diags.push(
      error(
        'Duplicate data block',
        `This data block has the same data type and name as a previous block declared at ${rangeString(existing.range)}. Each data must have a unique name per builder type.`,
        range,
      ),
    );
    return;
  }
  const model: DataSourceModel = { type, name, range, config: emptyConfig(block.range), value: unknownOf(dataSourceType(type)?.output ?? T_DYNAMIC) };
  dataSources.push(model);
  decls.set(dataKey(type, name), { type, name, block, range, model });
}

/** Evaluates one data source's config in what the template knows so far, checks it, and runs it when it can. */
export function evaluateDataSource(d: DataDecl, state: LoadState, diags: Diagnostic[], run: DataRunOptions): void {
  const kind = dataSourceType(d.type);
  if (!kind) {
    const known = dataSourceTypeNames().join(' ');
    diags.push(error(`Unknown data type ${d.type}`, `known data sources: [${known}]`, d.block.labelRanges[0] ?? d.range));
    return;
  }
  const decodeDiags: Diagnostic[] = [];
  const config = decodeComponentBodies([d.block.body], kind.schema.fields, templateContext(state), [], decodeDiags, d.block.range);
  d.model.config = config;
  diags.push(...decodeDiags);
  if (hasErrors(decodeDiags)) return;
  const problems = validateComponent(kind.schema, config, d.range);
  if (!hasErrors(problems)) {
    for (const check of kind.checks) {
      for (const p of check(viewOf(config))) problems.push(p.severity === 'warning' ? warning(p.message, undefined, d.range) : error(p.message, undefined, d.range));
    }
  }
  diags.push(...problems);
  if (hasErrors(problems) || run.mode === 'skip' || configIsUnknown(config)) return;
  const ran = `The data source ${dataKey(d.type, d.name)} failed when it ran.`;
  switch (kind.run.kind) {
    case 'pure': {
      const r = kind.run.run(config);
      if (r.ok) finish(d, diags, r.value);
      else diags.push(error(r.error, ran, d.range));
      return;
    }
    case 'io': {
      const key = `${dataKey(d.type, d.name)} ${fingerprint(config)}`;
      const r = run.results?.get(key);
      if (!r) run.pending.push({ key, type: d.type, name: d.name, config });
      else if (r.ok) finish(d, diags, r.value);
      else diags.push(error(r.error, ran, d.range));
      return;
    }
    case 'unavailable': {
      const summary = `Data source ${dataKey(d.type, d.name)} ${kind.run.severity === 'error' ? 'cannot run' : 'is not run'}`;
      diags.push(kind.run.severity === 'error' ? error(summary, kind.run.why, d.range) : warning(summary, kind.run.why, d.range));
      return;
    }
  }
}

/** The model's value is what `data.TYPE.NAME` reads from here on (context.ts builds `data` from the models). */
function finish(d: DataDecl, diags: Diagnostic[], output: { value: Value; warnings: string[] }): void {
  for (const w of output.warnings) diags.push(warning(w, `From the data source ${dataKey(d.type, d.name)}.`, d.range));
  d.model.value = output.value;
}

/** Packer runs a data source only on a known config; one that depends on something unknown stays unknown itself. */
function configIsUnknown(config: ComponentConfig): boolean {
  return Object.values(config.values).some(isUnknownDeep) || Object.values(config.blocks).some((bs) => bs.some(configIsUnknown));
}

/** The evaluated config, keys sorted: the same config answers from the same run, a changed one runs again. */
function fingerprint(config: ComponentConfig): string {
  const sorted = (c: ComponentConfig): unknown => ({
    values: Object.fromEntries(Object.keys(c.values).sort().map((k) => [k, toPlain(c.values[k])])),
    blocks: Object.fromEntries(Object.keys(c.blocks).sort().map((k) => [k, c.blocks[k].map(sorted)])),
  });
  return JSON.stringify(sorted(config));
}

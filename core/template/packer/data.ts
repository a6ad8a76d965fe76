/** `data "type" "name" { … }` blocks: recorded with their config; Bakehouse does not run data sources yet, and says so. */
import { getSchema } from '../../components/registry';
import { validateComponent } from '../../components/validate';
import type { Block } from '../hcl/ast';
import type { DataSourceModel } from '../model';
import { warning, type Diagnostic } from '../source';
import { decodeComponentBodies } from './component';
import { templateContext, type LoadState } from './context';
import { headerRange } from './variables';

export function decodeDataBlock(block: Block, dataSources: DataSourceModel[], state: LoadState, diags: Diagnostic[]): void {
  const [type = '', name = ''] = block.labels;
  const range = headerRange(block);
  const schema = getSchema('data', type);
  const config = decodeComponentBodies([block.body], schema?.fields, templateContext(state), [], diags, block.range);
  if (schema) diags.push(...validateComponent(schema, config, range));
  diags.push(
    warning(
      'Data sources are not run yet',
      `The data source data.${type}.${name} is read and checked but not run, so references to data.${type}.${name} are unknown. Data sources arrived in Packer 1.7; Bakehouse follows Packer 1.6.6.`,
      range,
    ),
  );
  dataSources.push({ type, name, range, config });
}

/** Top-level `source "type" "name" { … }` blocks: unique per type and name, builder type known, config evaluated. */
import { getSchema } from '../../components/registry';
import { validateComponent } from '../../components/validate';
import type { Block } from '../hcl/ast';
import { rangeString } from '../hcl/template';
import type { SourceModel } from '../model';
import { error, type Diagnostic } from '../source';
import { decodeComponentBodies } from './component';
import { templateContext, type LoadState } from './context';
import { headerRange } from './variables';

export function decodeSource(block: Block, sources: SourceModel[], state: LoadState, diags: Diagnostic[]): void {
  const [type = '', name = ''] = block.labels;
  const def = headerRange(block);
  const existing = sources.find((s) => s.type === type && s.name === name);
  if (existing) {
    diags.push(
      error(
        'Duplicate source block',
        `This source block has the same builder type and name as a previous block declared at ${rangeString(existing.range)}. Each source must have a unique name per builder type.`,
        def,
      ),
    );
    return;
  }
  const schema = getSchema('builder', type);
  // An unknown type is reported where a build starts the source (builds.ts), as Packer 1.14 does: an unused one is no error.
  // Packer evaluates a source only when a build starts it (with `source.name` known), so problems are reported there.
  const config = decodeComponentBodies([block.body], schema?.fields, templateContext(state), [], [], block.range);
  sources.push({ type, name, range: def, body: block.body, config });
}

export { validateComponent };

/** The `packer { required_version = "…"; required_plugins { … } }` block, checked before anything else as Packer does. */
import { evaluate } from '../eval/evaluate';
import { checkVersionConstraint } from '../eval/version-constraint';
import type { Block } from '../hcl/ast';
import type { TemplateModel } from '../model';
import { error, hasErrors, type Diagnostic } from '../source';
import { convert } from '../values/convert';
import { T_STRING } from '../values/type';
import type { Value } from '../values/value';
import { PACKER_COMPAT_VERSION } from '../../version';
import { readAttributes, readBody } from './body-read';
import { constantContext, type LoadState } from './context';

export function decodePackerBlock(block: Block, packer: TemplateModel['packer'], state: LoadState, diags: Diagnostic[]): void {
  const c = readBody(block.body, { attributes: ['required_version'], blocks: [{ type: 'required_plugins' }] });
  diags.push(...c.diagnostics);
  const rv = c.attributes.required_version;
  if (rv) {
    const r = evaluate(rv.expr, constantContext(state));
    diags.push(...r.diagnostics);
    if (!hasErrors(r.diagnostics)) {
      const asText = convert(r.value, T_STRING);
      if (!asText.ok || asText.value.kind !== 'string') {
        diags.push(error('Invalid version constraint', 'A string value is required for required_version.', rv.expr.range));
      } else {
        const text = asText.value.value;
        packer.requiredVersion = text;
        const check = checkVersionConstraint(text, PACKER_COMPAT_VERSION);
        if (!check.ok) {
          diags.push(
            error(
              'Invalid version constraint',
              'This string does not use correct version constraint syntax. Check out the docs: https://packer.io/docs/templates/hcl_templates/blocks/packer#version-constraints',
              rv.expr.range,
            ),
          );
        } else if (!check.value) {
          diags.push(
            error(
              'Unsupported Packer Core version',
              `This configuration does not support Packer version ${PACKER_COMPAT_VERSION}. To proceed, either choose another supported Packer version or update this version constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior.`,
              rv.range,
            ),
          );
        }
      }
    }
  }
  for (const rp of c.blocks) {
    const attrs = readAttributes(rp.body);
    diags.push(...attrs.diagnostics);
    for (const a of Object.values(attrs.attributes)) {
      const r = evaluate(a.expr, constantContext(state));
      diags.push(...r.diagnostics);
      packer.requiredPlugins[a.name] = r.value as Value;
    }
  }
}

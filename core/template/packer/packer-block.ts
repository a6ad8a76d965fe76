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
      if (hasErrors(r.diagnostics)) continue;
      const problem = pluginRequirementProblem(a.name, r.value);
      if (problem) diags.push(error(problem.summary, problem.detail, problem.atAttribute ? a.range : a.expr.range));
      packer.requiredPlugins[a.name] = r.value;
    }
  }
}

const DOCS = 'https://www.packer.io/docs/templates/hcl_templates/blocks/packer';

/** What Packer 1.14 refuses in a `required_plugins` entry (hcl2template/types.required_plugins.go), in its words. */
function pluginRequirementProblem(name: string, v: Value): { summary: string; detail: string; atAttribute?: boolean } | undefined {
  if (v.kind === 'string' || v.kind === 'number' || v.kind === 'bool') {
    const constraint = v.kind === 'string' && checkVersionConstraint(v.value, PACKER_COMPAT_VERSION).ok ? v.value : 'version';
    return {
      summary: 'Invalid plugin requirement',
      detail: `'${name} = "${constraint}"' plugin requirement calls are not possible. You must define a whole block. For example:\n${name} = {\n  source  = "github.com/hashicorp/${name}"\n  version = "${constraint}"\n}`,
      atAttribute: true,
    };
  }
  if (v.kind !== 'object') return { summary: 'Invalid required_plugins syntax', detail: 'required_plugins entries must be objects.' };
  const { version, source } = v.attrs;
  if (!version) {
    return { summary: 'No version constraint was set', detail: `The version field must be specified as a string. Ex: \`version = ">= 1.2.0, < 2.0.0"\`. See ${DOCS}#version-constraints for docs` };
  }
  if (version.kind !== 'string') return { summary: 'Invalid version constraint', detail: `Version must be specified as a string. See ${DOCS}#version-constraint-syntax for docs.` };
  if (!checkVersionConstraint(version.value, PACKER_COMPAT_VERSION).ok) {
    return { summary: 'Invalid version constraint', detail: `This string does not use correct version constraint syntax. See ${DOCS}#version-constraint-syntax for docs.` };
  }
  if (!source) {
    return { summary: 'No source was set', detail: `The source field must be specified as a string. Ex: \`source = "coolcloud"\`. See ${DOCS}#specifying-plugin-requirements for docs` };
  }
  if (source.kind !== 'string') return { summary: 'Invalid source', detail: 'Source must be specified as a string. For example: source = "coolcloud"' };
  if (Object.keys(v.attrs).some((k) => k !== 'version' && k !== 'source')) {
    return { summary: 'Invalid required_plugins object', detail: 'required_plugins objects can only contain "version" and "source" attributes.' };
  }
  return undefined;
}

/**
 * `fix -validate`: Packer parses the fixed template and runs the template's own checks on it — at least one builder,
 * and `only`/`except`/`override` naming builders that exist — but neither variable values nor plugin settings. The
 * parse is Bakehouse's legacy reader's; builder names are compared as written, since Packer does not interpolate them
 * at this point.
 */
import { parseJson, prop } from '../legacy/json';
import { loadLegacyTemplateText } from '../legacy/load';
import { readBuilders, readPostProcessors, readProvisioner, readProvisioners } from '../legacy/sections';
import { error, hasErrors, type Diagnostic } from '../source';

/** Problems Packer's `fix` would report in the fixed template `text`, placed in that text under `label`. */
export function checkFixedTemplate(text: string, label: string): Diagnostic[] {
  const parsed = loadLegacyTemplateText(text, label, { syntaxOnly: true, env: {} });
  const parseErrors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (parseErrors.length > 0) return parseErrors;
  const root = parseJson(text, label).doc.root;
  if (root?.kind !== 'object') return [];
  const scratch: Diagnostic[] = [];
  const checks: Diagnostic[] = [];
  const builders = readBuilders(root, scratch, (s) => s.value);
  if (builders.length === 0) checks.push(error('No builders', 'At least one builder must be defined.', prop(root, 'builders')?.value.range ?? root.range));
  const names = new Set(builders.map((b) => b.name));
  const phases = { parse: scratch, checks };
  readProvisioners(prop(root, 'provisioners'), names, phases);
  const cleanup = prop(root, 'error-cleanup-provisioner');
  if (cleanup) readProvisioner(cleanup.value, 'error-cleanup-provisioner', names, phases);
  readPostProcessors(prop(root, 'post-processors'), names, phases);
  return hasErrors(checks) ? checks.filter((d) => d.severity === 'error') : [];
}

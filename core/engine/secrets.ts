/**
 * Secrets a run must mask beyond the template's sensitive variables: any config value carrying cty's sensitive mark
 * (a password computed from a sensitive variable, a field declared sensitive).
 */
import type { ComponentConfig, PlannedBuild } from '../template/model';
import { isSensitiveDeep, toPlain, type Plain, type Value } from '../template/values/value';

export function sensitiveStringsOf(builds: readonly PlannedBuild[]): string[] {
  const out = new Set<string>();
  const visitConfig = (c: ComponentConfig) => {
    for (const v of Object.values(c.values)) visitValue(v, out);
    for (const blocks of Object.values(c.blocks)) blocks.forEach(visitConfig);
  };
  for (const b of builds) {
    visitConfig(b.builder);
    b.provisioners.forEach((p) => visitConfig(p.config));
    if (b.errorCleanupProvisioner) visitConfig(b.errorCleanupProvisioner.config);
    b.postProcessors.forEach((chain) => chain.forEach((p) => visitConfig(p.config)));
  }
  return [...out];
}

function visitValue(v: Value, out: Set<string>): void {
  if (!isSensitiveDeep(v)) return;
  if (v.sensitive) {
    collectStrings(toPlain(v), out);
    return;
  }
  if (v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple') v.items.forEach((i) => visitValue(i, out));
  else if (v.kind === 'map') Object.values(v.entries).forEach((i) => visitValue(i, out));
  else if (v.kind === 'object') Object.values(v.attrs).forEach((i) => visitValue(i, out));
}

function collectStrings(p: Plain, out: Set<string>): void {
  if (typeof p === 'string') {
    if (p !== '') out.add(p);
  } else if (typeof p === 'number') out.add(String(p));
  else if (Array.isArray(p)) p.forEach((x) => collectStrings(x, out));
  else if (p !== null && typeof p === 'object') Object.values(p).forEach((x) => collectStrings(x, out));
}

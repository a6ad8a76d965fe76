/** The credential form's typed text, turned into the field values the host checks (`core/credentials/schema.ts`). */
import type { CredentialFieldSpec } from '../../core/common/credentials';

/** What the user typed, by field path (`assume_role.role_arn`), as text; converted to the field's type on save. */
export type Draft = Record<string, string>;

/** Every field's path, blocks' own fields included (`assume_role.role_arn`). */
export function fieldPaths(specs: readonly CredentialFieldSpec[], prefix = ''): string[] {
  return specs.flatMap((f) => [`${prefix}${f.name}`, ...fieldPaths(f.fields ?? [], `${prefix}${f.name}.`)]);
}

/** The typed text as the values the host checks: numbers, flags, lists, maps and blocks; empty fields are left out. */
export function collect(specs: readonly CredentialFieldSpec[], draft: Draft, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of specs) {
    const path = `${prefix}${f.name}`;
    if (f.type === 'block') {
      const inner = collect(f.fields ?? [], draft, `${path}.`);
      if (Object.keys(inner).length > 0) out[f.name] = inner;
      continue;
    }
    const text = draft[path];
    if (text === undefined || text.trim() === '') continue;
    switch (f.type) {
      case 'boolean':
        out[f.name] = text === 'true';
        break;
      case 'number':
        out[f.name] = Number(text);
        break;
      case 'text-list':
        out[f.name] = text.split(',').map((x) => x.trim()).filter(Boolean);
        break;
      case 'text-map':
        out[f.name] = Object.fromEntries(text.split('\n').filter((l) => l.trim() !== '').map(mapEntry));
        break;
      default:
        // A secret is taken as typed: its spaces may be part of it.
        out[f.name] = f.secret || f.type === 'multiline' ? text : text.trim();
    }
  }
  return out;
}

/** One `key=value` line of a map field; a line without `=` is a key with an empty value, which the host then names. */
function mapEntry(line: string): [string, string] {
  const eq = line.indexOf('=');
  return eq < 0 ? [line.trim(), ''] : [line.slice(0, eq).trim(), line.slice(eq + 1).trim()];
}

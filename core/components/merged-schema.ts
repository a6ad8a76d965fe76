/**
 * A component's schema as Bakehouse serves it (validation, completion, hover, the node form): the plugin's own field list,
 * generated from its `*.hcl2spec.go` at the pinned tag (core/components/generated/), decides which fields exist, their
 * types, which are blocks and how they nest; the hand-written schema (the plugin folder's `config.ts`) adds what the specs
 * do not carry — descriptions, enums, defaults, sensitive flags, deprecations and the Prepare rules. A hand-written field
 * the plugin does not declare is dropped (Packer refuses it), unless it is marked `legacyJsonOnly`. A field only the plugin
 * declares is accepted with a short description naming the plugin version and, for a component Bakehouse runs, marked
 * `notImplemented`, which validation turns into a warning rather than acting on it silently.
 */
import type { GeneratedComponent, GeneratedField } from './generated/types';
import type { ComponentSchema, FieldSpec, FieldType, RuleMessages } from './schema';

export interface PluginSource {
  /** The generated plugin's name and version, `qemu` and `v1.1.7`. */
  plugin: string;
  version: string;
  /** False for a component Bakehouse validates but does not build yet (amazon-ebs, azure-arm): nothing in it is acted on. */
  runs: boolean;
}

const SECRET_NAME = /(?:password|secret|token)$/;

/** Packer core fills these in on every component (`packer_build_name`, …); a template never sets them. */
export function isEngineSetField(name: string): boolean {
  return name.startsWith('packer_');
}

export function mergeSchema(written: ComponentSchema, generated: GeneratedComponent, from: PluginSource): ComponentSchema {
  const fields = mergeFields(written.fields, generated.fields, from, true);
  const names = new Set(fields.map((f) => f.name));
  const merged: ComponentSchema = { ...written, fields };
  const messages: RuleMessages = { ...written.messages };
  const exactly = keptGroups(written.exactlyOneOf, names);
  if (exactly) {
    merged.exactlyOneOf = exactly.groups;
    if (messages.exactlyOneOf) messages.exactlyOneOf = exactly.kept.map((i) => messages.exactlyOneOf?.[i] ?? {});
  }
  const conflicts = keptGroups(written.conflicts, names);
  if (conflicts) {
    merged.conflicts = conflicts.groups;
    if (messages.conflicts) messages.conflicts = conflicts.kept.map((i) => messages.conflicts?.[i] ?? '');
  }
  const atLeast = keptGroups(written.atLeastOneOf, names);
  if (atLeast) {
    merged.atLeastOneOf = atLeast.groups;
    if (messages.atLeastOneOf) messages.atLeastOneOf = atLeast.kept.map((i) => messages.atLeastOneOf?.[i] ?? '');
  }
  if (written.messages) merged.messages = messages;
  return merged;
}

/** Hand-written order first (it groups related settings), then the plugin's own fields in the plugin's order. */
function mergeFields(written: readonly FieldSpec[], generated: readonly GeneratedField[], from: PluginSource, flag: boolean): FieldSpec[] {
  const theirs = new Map(generated.map((f) => [f.name, f]));
  const ours = new Set(written.map((f) => f.name));
  const out: FieldSpec[] = [];
  for (const w of written) {
    const g = theirs.get(w.name);
    if (g) out.push(mergeField(w, g, from));
    else if (w.legacyJsonOnly) out.push(w);
  }
  for (const g of generated) {
    if (!ours.has(g.name) && !isEngineSetField(g.name)) out.push(pluginField(g, from, flag));
  }
  return out;
}

function mergeField(w: FieldSpec, g: GeneratedField, from: PluginSource): FieldSpec {
  const merged: FieldSpec = { ...w, type: mergedType(w.type, g.type) };
  // A hand-written `any` stands for a Go interface{} that a legacy JSON template decodes as is (vagrant's `override`).
  if (decoded(w.type) !== decoded(g.type) && decoded(w.type).includes('any')) merged.legacyJsonType = w.type;
  if (g.block) {
    merged.type = 'any';
    merged.block = { repeated: g.block.repeated, fields: w.block ? mergeFields(w.block.fields, g.block.fields, from, true) : g.block.fields.map((f) => pluginField(f, from, false)) };
  } else {
    delete merged.block;
  }
  if (merged.enum && merged.type !== 'string' && merged.type !== 'duration') delete merged.enum;
  if (g.required) merged.required = true;
  return merged;
}

/** Ours where it says the same to HCL (our `duration` is the spec's `string`), the plugin's where they differ. */
function mergedType(ours: FieldType, theirs: FieldType): FieldType {
  return decoded(ours) === decoded(theirs) ? ours : theirs;
}

function decoded(t: FieldType): string {
  if (typeof t === 'string') return t === 'duration' ? 'string' : t;
  if ('list' in t) return `list(${decoded(t.list)})`;
  if ('map' in t) return `map(${decoded(t.map)})`;
  return 'object';
}

/**
 * A field only the plugin declares. `flag` is false inside a block that is itself only the plugin's: setting the block
 * already warns, so its fields do not warn again.
 */
function pluginField(g: GeneratedField, from: PluginSource, flag: boolean): FieldSpec {
  const description = from.runs
    ? `Accepted as in the ${from.plugin} plugin ${from.version}; Bakehouse does not use it yet.`
    : `A setting of the ${from.plugin} plugin ${from.version}.`;
  const out: FieldSpec = { name: g.name, type: g.type, description };
  if (from.runs && flag) out.notImplemented = true;
  // The specs do not say what is secret; a name that says so (vnc_password, oidc_request_token) is kept out of logs and forms.
  if (SECRET_NAME.test(g.name) && !g.block) out.sensitive = true;
  if (g.undocumented) out.undocumented = true;
  if (g.required) out.required = true;
  if (g.block) out.block = { repeated: g.block.repeated, fields: g.block.fields.map((f) => pluginField(f, from, false)) };
  return out;
}

/** A rule's groups without the fields the plugin does not have; a group left with fewer than two is no rule. */
function keptGroups(groups: string[][] | undefined, names: ReadonlySet<string>): { groups: string[][]; kept: number[] } | undefined {
  if (!groups) return undefined;
  const kept: number[] = [];
  const out: string[][] = [];
  groups.forEach((g, i) => {
    const present = g.filter((n) => names.has(n));
    if (present.length >= 2) {
      kept.push(i);
      out.push(present);
    }
  });
  return { groups: out, kept };
}

/**
 * Checks a component's evaluated config against its schema, offline, in Packer's two phases:
 * decoding (unknown names, wrong types, bad durations) and, only when decoding succeeded, Prepare's rules
 * (required fields, one-of groups, enums, the component's own checks) — Packer never runs Prepare on a config it could not decode.
 */
import type { TemplateFormat } from '../common/template';
import type { ComponentConfig } from '../template/model';
import { error, warning, type Diagnostic, type Range } from '../template/source';
import { didYouMean } from '../template/suggest';
import type { Value } from '../template/values/value';
import { headerRange, isFieldSet, problemRange, viewOf } from './checks';
import { asString, conversionProblem } from './conversion';
import { parseDuration } from './durations';
import { localFiles, type FetchedFiles, type LocalFiles } from './files';
import { legacyUnknownKeyMessage } from './legacy-unknown-keys';
import { weakConversionProblem } from './weak-conversion';
import { externalComponent, type ExternalComponentInfo } from './external';
import { componentTypes, getChecks } from './registry';
import type { ComponentKind, ComponentSchema, FieldSpec } from './schema';

export interface ValidateOptions {
  /**
   * Legacy JSON templates decode values more loosely than HCL2 (a single string is a one-item list, "t" is true).
   * Defaults to what the block's file name says, as Packer decides: `.json` but not `.pkr.json` is legacy JSON.
   */
  format?: TemplateFormat;
  /**
   * The directory Packer would run in. When given, files the config names (scripts, playbooks, floppy files) must exist,
   * as Packer's Prepare requires; when absent, validation never touches the disk.
   */
  cwd?: string;
  /** What Prepare downloads, when the caller fetches it (see FetchedFiles); without it nothing is fetched or checked. */
  fetched?: FetchedFiles;
}

export function validateComponent(
  schema: ComponentSchema,
  config: ComponentConfig,
  blockRange: Range,
  options: ValidateOptions = {},
): Diagnostic[] {
  const files = options.cwd === undefined ? undefined : localFiles(options.cwd);
  const diags = checkConfig(schema, config, blockRange, options.format ?? formatOf(blockRange), files, options.fetched);
  if (schema.runsThroughPacker) diags.push(...throughPacker(schema.kind, schema.type, blockRange));
  return redactSecrets(diags, config);
}

/** A type Bakehouse validates but does not run yet: say which Packer will run it, or that one is needed. */
function throughPacker(kind: ComponentKind, type: string, range: Range): Diagnostic[] {
  const external = externalComponent(kind, type);
  if (!external) return [];
  if (external.ok) return [runsThroughPacker(kind, type, external.value, range)];
  return [warning(`${capitalize(kind)} type ${JSON.stringify(type)} needs Packer to run`, `Bakehouse checks this type's settings but does not run it yet; builds that use it run through Packer: ${external.error}.`, range)];
}

function runsThroughPacker(kind: ComponentKind, type: string, { runner, plugin }: ExternalComponentInfo, range: Range): Diagnostic {
  return warning(
    `${capitalize(kind)} type ${JSON.stringify(type)} runs through Packer`,
    `Bakehouse does not build this type itself: builds that use it run through ${runner}${plugin ? ` with the plugin ${plugin}` : ''}, and their progress and output show here as any build's.`,
    range,
  );
}

function checkConfig(
  schema: ComponentSchema,
  config: ComponentConfig,
  blockRange: Range,
  format: TemplateFormat,
  files: LocalFiles | undefined,
  fetched: FetchedFiles | undefined,
): Diagnostic[] {
  // A legacy JSON component's own keys are decoded by the plugin SDK, which words an unknown one its way (nested
  // blocks keep HCL's words: the SDK names those by path).
  const unknownKey = format === 'json' ? (name: string): string => legacyUnknownKeyMessage(schema.kind, schema.type, name) : undefined;
  const decoding = decodeProblems(schema.fields, config, blockRange, format, unknownKey);
  if (decoding.length > 0) return decoding;
  const diags = [
    ...requiredProblems(schema, schema.fields, config, blockRange),
    ...groupProblems(schema, config, blockRange),
    ...notImplementedWarnings(schema, schema.fields, config),
  ];
  for (const check of getChecks(schema.kind, schema.type)) {
    for (const p of check(viewOf(config, undefined, files, fetched))) {
      const range = problemRange(config, p, blockRange);
      diags.push(p.severity === 'warning' ? warning(p.message, undefined, range) : error(p.message, undefined, range));
    }
  }
  return diags;
}

/** Messages quote values (`Invalid guest_os_type: "…"`); a value from a sensitive variable must not appear in them. */
function redactSecrets(diags: Diagnostic[], config: ComponentConfig): Diagnostic[] {
  const secrets = new Set<string>();
  const collect = (v: Value, inSecret: boolean): void => {
    const secret = inSecret || v.sensitive === true;
    if (secret && (v.kind === 'string' || v.kind === 'number')) {
      const text = String(v.value);
      // Hiding every "1" or "a" in a message would garble it more than it protects.
      if (text.length >= 3) secrets.add(text);
    }
    if (v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple') v.items.forEach((i) => collect(i, secret));
    if (v.kind === 'map') Object.values(v.entries).forEach((e) => collect(e, secret));
    if (v.kind === 'object') Object.values(v.attrs).forEach((e) => collect(e, secret));
  };
  const walk = (c: ComponentConfig): void => {
    Object.values(c.values).forEach((v) => collect(v, false));
    Object.values(c.blocks).forEach((bs) => bs.forEach(walk));
  };
  walk(config);
  if (secrets.size === 0) return diags;
  const hide = (text: string | undefined): string | undefined => {
    let out = text;
    for (const s of secrets) out = out?.split(s).join('(sensitive value)');
    return out;
  };
  return diags.map((d) => ({ ...d, summary: hide(d.summary) ?? d.summary, detail: hide(d.detail) }));
}

/** Packer reads `*.pkr.hcl` and `*.pkr.json` as HCL2 and any other file as a legacy JSON template; so do we, when not told. */
function formatOf(range: Range): TemplateFormat {
  const f = range.filename.toLowerCase();
  return f.endsWith('.json') && !f.endsWith('.pkr.json') ? 'json' : 'hcl2';
}

const PLURAL: Record<ComponentKind, string> = {
  builder: 'builders',
  provisioner: 'provisioners',
  'post-processor': 'post-processors',
  data: 'data sources',
};

/**
 * The diagnostic for a component type nobody registered, e.g. `Unknown builder type "dokcer"`; the detail suggests
 * the closest type and lists the known ones as Packer does (`known builders: [amazon-ebs azure-arm …]`).
 */
export function unknownComponentType(kind: ComponentKind, type: string, range: Range): Diagnostic {
  // A data source is evaluated while the template loads, so Packer cannot stand in for one.
  const external = kind === 'data' ? undefined : externalComponent(kind, type);
  if (external?.ok) return runsThroughPacker(kind, type, external.value, range);
  const known = componentTypes(kind);
  const suggestion = didYouMean(type, known).trim();
  const viaPacker = external ? ` Bakehouse runs other types through Packer when Packer has them: ${external.error}.` : '';
  return error(
    `Unknown ${kind} type ${JSON.stringify(type)}`,
    `${suggestion ? `${suggestion} ` : ''}known ${PLURAL[kind]}: [${known.join(' ')}]${viaPacker}`,
    range,
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function decodeProblems(allFields: FieldSpec[], config: ComponentConfig, blockRange: Range, format: TemplateFormat, unknownKey?: (name: string) => string): Diagnostic[] {
  // An HCL2 template goes through the plugin's HCL2 spec, which skips the fields only mapstructure decodes.
  const fields = format === 'json' ? allFields : allFields.filter((f) => !f.legacyJsonOnly);
  const byName = new Map(fields.map((f) => [f.name, f]));
  const diags: Diagnostic[] = [];
  for (const [name, value] of Object.entries(config.values)) {
    const spec = byName.get(name);
    const range = config.ranges[name] ?? blockRange;
    const nameRange = config.nameRanges?.[name] ?? range;
    if (!spec) {
      const attributes = fields.filter((f) => !f.block).map((f) => f.name);
      diags.push(
        error(unknownKey?.(name) ?? 'Unsupported argument', `An argument named ${JSON.stringify(name)} is not expected here.${didYouMean(name, attributes)}`, nameRange),
      );
    } else if (spec.block) {
      diags.push(
        error(
          'Unsupported argument',
          `An argument named ${JSON.stringify(name)} is not expected here. Did you mean to define a block of type ${JSON.stringify(name)}?`,
          nameRange,
        ),
      );
    } else {
      diags.push(...valueProblems(spec, value, range, format));
    }
  }
  for (const [name, blocks] of Object.entries(config.blocks)) {
    const spec = byName.get(name);
    const firstRange = headerRange(blocks[0], name) ?? config.ranges[name] ?? blockRange;
    if (!spec) {
      const blockNames = fields.filter((f) => f.block).map((f) => f.name);
      diags.push(
        error('Unsupported block type', `Blocks of type ${JSON.stringify(name)} are not expected here.${didYouMean(name, blockNames)}`, firstRange),
      );
      continue;
    }
    if (!spec.block) {
      diags.push(
        error(
          'Unsupported block type',
          `Blocks of type ${JSON.stringify(name)} are not expected here. Did you mean to define argument ${JSON.stringify(name)}? If so, use the equals sign to assign it a value.`,
          firstRange,
        ),
      );
      continue;
    }
    if (!spec.block.repeated && blocks.length > 1) {
      const second = headerRange(blocks[1], name) ?? firstRange;
      const where = blocks[0].range ? ` Previous definition was at ${at(firstRange)}.` : '';
      diags.push(error(`Duplicate ${name} block`, `Only one block of type ${JSON.stringify(name)} is allowed.${where}`, second));
    }
    for (const block of blocks) diags.push(...decodeProblems(spec.block.fields, block, headerRange(block, name) ?? firstRange, format));
  }
  return diags;
}

function valueProblems(spec: FieldSpec, value: Value, range: Range, format: TemplateFormat): Diagnostic[] {
  if (format === 'json') {
    const reason = weakConversionProblem(value, spec.legacyJsonType ?? spec.type, spec.name);
    if (reason) return [error('Incorrect attribute value type', reason, range)];
  } else {
    const reason = conversionProblem(value, spec.type);
    if (reason) {
      return [error('Incorrect attribute value type', `Inappropriate value for attribute ${JSON.stringify(spec.name)}: ${reason}.`, range)];
    }
  }
  // mapstructure takes a JSON number as a count of nanoseconds; only strings are parsed.
  if (spec.type === 'duration' && !(format === 'json' && value.kind === 'number')) {
    const text = asString(value);
    if (text !== undefined) {
      const parsed = parseDuration(text);
      if (!parsed.ok) {
        return [
          error(
            'Invalid duration',
            `error decoding '${spec.name}': ${parsed.error}. Durations are written like "30s", "5m" or "1h30m".`,
            range,
          ),
        ];
      }
    }
  }
  return [];
}

/**
 * A field the plugin accepts but Bakehouse does not act on yet is not silently ignored: the template validates, with a
 * warning at the field saying so (a nested block's fields are reported under the block's path).
 */
function notImplementedWarnings(schema: ComponentSchema, fields: FieldSpec[], config: ComponentConfig, prefix = ''): Diagnostic[] {
  const diags: Diagnostic[] = [];
  for (const f of fields) {
    const blocks = config.blocks[f.name] ?? [];
    const given = blocks.length > 0 || isFieldSet(config.values[f.name], f.type);
    if (f.notImplemented && given) {
      const range = headerRange(blocks[0], f.name) ?? config.nameRanges?.[f.name] ?? config.ranges[f.name] ?? config.range;
      diags.push(
        warning(
          `${JSON.stringify(prefix + f.name)} is accepted but not used by Bakehouse yet`,
          `The ${schema.type} ${schema.kind} of today's Packer plugin has this setting; Bakehouse validates it but builds as if it were not set.`,
          range,
        ),
      );
    }
    if (f.block && !f.notImplemented) {
      for (const b of blocks) diags.push(...notImplementedWarnings(schema, f.block.fields, b, `${prefix}${f.name}.`));
    }
  }
  return diags;
}

function requiredProblems(schema: ComponentSchema, fields: FieldSpec[], config: ComponentConfig, blockRange: Range): Diagnostic[] {
  const diags: Diagnostic[] = [];
  for (const f of fields) {
    const blocks = config.blocks[f.name] ?? [];
    if (f.required && !isFieldSet(config.values[f.name], f.type) && blocks.length === 0) {
      const summary = schema.messages?.required?.[f.name] ?? 'Missing required argument';
      const detail = f.block
        ? `At least one ${JSON.stringify(f.name)} block is required.`
        : `The argument ${JSON.stringify(f.name)} is required, but no definition was found.`;
      diags.push(error(summary, detail, blockRange));
    }
    if (f.enum) diags.push(...enumProblems(schema, f, config, blockRange));
    if (f.block) {
      for (const b of blocks) diags.push(...requiredProblems(schema, f.block.fields, b, headerRange(b, f.name) ?? config.ranges[f.name] ?? blockRange));
    }
  }
  return diags;
}

function enumProblems(schema: ComponentSchema, f: FieldSpec, config: ComponentConfig, blockRange: Range): Diagnostic[] {
  const v = config.values[f.name];
  const text = v ? asString(v) : undefined;
  if (text === undefined || text === '' || !f.enum || f.enum.includes(text)) return [];
  const allowed = f.enum.map((e) => JSON.stringify(e)).join(', ');
  return [
    error(
      schema.messages?.enum?.[f.name]?.replace('%q', JSON.stringify(text)).replace('%s', text) ?? `Invalid value for "${f.name}"`,
      `${JSON.stringify(text)} is not a valid value for "${f.name}"; expected one of ${allowed}.${didYouMean(text, f.enum)}`,
      config.ranges[f.name] ?? blockRange,
    ),
  ];
}

function groupProblems(schema: ComponentSchema, config: ComponentConfig, blockRange: Range): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const types = new Map(schema.fields.map((f) => [f.name, f.type]));
  const set = (names: string[]): string[] =>
    names.filter((n) => isFieldSet(config.values[n], types.get(n) ?? 'any') || (config.blocks[n]?.length ?? 0) > 0);
  const anyUnknown = (names: string[]): boolean => names.some((n) => config.values[n]?.kind === 'unknown');
  const rangeOf = (name: string): Range => config.ranges[name] ?? blockRange;
  // A conflict points at whichever of the fields was written last: that is the one that made the config invalid.
  const lastWritten = (names: string[]): string =>
    names.reduce((a, b) => ((config.ranges[b]?.start.byte ?? -1) > (config.ranges[a]?.start.byte ?? -1) ? b : a));
  // A pair that a `conflicts` group already reports (shell's script + scripts) is not reported twice.
  const coveredByConflict = (given: string[]): boolean => (schema.conflicts ?? []).some((g) => given.every((n) => g.includes(n)));
  (schema.exactlyOneOf ?? []).forEach((group, i) => {
    const given = set(group);
    const words = schema.messages?.exactlyOneOf?.[i];
    if (given.length === 0) {
      diags.push(error(words?.none ?? 'Missing required argument', `Exactly one of ${orList(group)} must be set.`, blockRange));
    } else if (given.length > 1 && !anyUnknown(given) && !coveredByConflict(given)) {
      diags.push(error(words?.many ?? 'Conflicting arguments', `Only one of ${orList(group)} may be set; found ${andList(given)}.`, rangeOf(lastWritten(given))));
    }
  });
  (schema.conflicts ?? []).forEach((group, i) => {
    const given = set(group);
    if (given.length > 1 && !anyUnknown(given)) {
      const summary = schema.messages?.conflicts?.[i] ?? 'Conflicting arguments';
      diags.push(error(summary, `Only one of ${orList(group)} may be set; found ${andList(given)}.`, rangeOf(lastWritten(given))));
    }
  });
  (schema.atLeastOneOf ?? []).forEach((group, i) => {
    if (set(group).length === 0) {
      const summary = schema.messages?.atLeastOneOf?.[i] ?? 'Missing required argument';
      diags.push(error(summary, `At least one of ${orList(group)} must be set.`, blockRange));
    }
  });
  return diags;
}

function orList(names: string[]): string {
  return joinWords(names, 'or');
}

function andList(names: string[]): string {
  return joinWords(names, 'and');
}

function joinWords(names: string[], word: string): string {
  const q = names.map((n) => JSON.stringify(n));
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} ${word} ${q[q.length - 1]}`;
}

/** A range as HCL prints it: `file:12,3-20`, or `file:12,3-14,4` across lines. */
function at(r: Range): string {
  const end = r.start.line === r.end.line ? `${r.end.column}` : `${r.end.line},${r.end.column}`;
  return `${r.filename}:${r.start.line},${r.start.column}-${end}`;
}

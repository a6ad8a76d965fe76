/**
 * Loads a legacy JSON template into the same TemplateModel as HCL2, following Packer 1.6.6:
 * variables and their precedence, builders (one build each), provisioners with only/except/override,
 * post-processors in their three forms, and Go-template interpolation of every string.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { BuildModel, ComponentConfig, LoadOptions, LoadResult, PlannedBuild, PostProcessorModel, ProvisionerModel, SourceModel, TemplateModel } from '../model';
import { error, warning, type Diagnostic, type Range } from '../source';
import { didYouMean } from '../suggest';
import { PACKER_COMPAT_VERSION } from '../../version';
import { markSensitive, num, bool, nullOf, object, str, tuple, type Value } from '../values/value';
import { T_DYNAMIC } from '../values/type';
import type { FunctionContext } from './functions';
import { interpolateString } from './interpolate';
import { kindName, parseJson, prop, type JsonDocument, type JsonNode, type JsonProp } from './json';
import { resolveVariables } from './variables';
import { compareVersions, parseVersion } from './version';
import { matchesAny } from './glob';
import { validateConfig } from './validate';

const ROOT_KEYS = ['min_packer_version', 'description', 'builders', 'comments', 'push', 'post-processors', 'provisioners', 'error-cleanup-provisioner', 'variables', 'sensitive-variables'];

/** Keys of a provisioner object that Packer handles itself rather than passing to the provisioner. */
const PROVISIONER_KEYS = new Set(['type', 'only', 'except', 'override', 'pause_before', 'max_retries', 'timeout']);
const POST_PROCESSOR_KEYS = new Set(['type', 'name', 'only', 'except', 'keep_input_artifact']);

interface RawProvisioner {
  type: string;
  node: JsonNode & { kind: 'object' };
  only: string[];
  except: string[];
  override: Map<string, JsonNode & { kind: 'object' }>;
  pauseBefore?: string;
  maxRetries?: { text: string; node: JsonNode };
  timeout?: string;
  label: string;
}

interface RawPostProcessor {
  type: string;
  name: string;
  explicitName: boolean;
  node?: JsonNode & { kind: 'object' };
  range: Range;
  only: string[];
  except: string[];
  keepInputArtifact?: boolean;
  label: string;
}

interface RawBuilder {
  type: string;
  name: string;
  node: JsonNode & { kind: 'object' };
}

export function loadLegacyTemplateText(text: string, filename: string, opts: LoadOptions): LoadResult {
  const sources: Record<string, string> = { [filename]: text };
  const cwd = opts.cwd ?? process.cwd();
  const absFile = resolvePath(cwd, filename);
  const model: TemplateModel = {
    format: 'json',
    root: dirname(absFile),
    files: [filename],
    variables: [],
    locals: [],
    sources: [],
    dataSources: [],
    builds: [],
    packer: { requiredPlugins: {} },
    sensitiveStrings: [],
  };
  const parsed = parseJson(text, filename);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const doc = parsed.doc;
  const root = doc.root;
  if (!root || diagnostics.length > 0) return { model, diagnostics, sources };
  if (root.kind !== 'object') {
    diagnostics.push(error('Invalid template', `A legacy template is a JSON object, not ${kindName(root)}.`, root.range));
    return { model, diagnostics, sources };
  }

  for (const p of root.props) {
    if (ROOT_KEYS.includes(p.key)) continue;
    if (p.key.startsWith('_')) {
      if (p.value.kind !== 'string') diagnostics.push(error(`Invalid comment "${p.key}"`, `A root-level comment key must hold a string, not ${kindName(p.value)}.`, p.value.range));
      continue;
    }
    diagnostics.push(
      error(`Unknown root level key in template: "${p.key}"`, `Packer does not know this key.${didYouMean(p.key, ROOT_KEYS)} Keys starting with "_" are comments.`, p.keyRange),
    );
  }

  const now = new Date();
  const base = { env: opts.env ?? process.env, now, templateDir: model.root, cwd };
  const vars = resolveVariables(doc, {
    variables: prop(root, 'variables')?.value,
    sensitive: prop(root, 'sensitive-variables')?.value,
    vars: opts.vars ?? [],
    varFiles: opts.varFiles ?? [],
    base,
  });
  Object.assign(sources, vars.sources);
  diagnostics.push(...vars.diagnostics);
  // What Packer checks only after parsing (skipped by `validate -syntax-only`).
  const checks: Diagnostic[] = [...vars.valueDiagnostics];
  model.variables = vars.models;
  model.sensitiveStrings = vars.sensitiveStrings;

  const minVersion = prop(root, 'min_packer_version');
  if (minVersion) checkMinVersion(minVersion, checks);
  const description = prop(root, 'description');
  if (description && description.value.kind !== 'string') {
    diagnostics.push(error('Invalid "description"', `"description" must be a string, not ${kindName(description.value)}.`, description.value.range));
  }
  if (prop(root, 'push')) diagnostics.push(warning('"push" is ignored', 'The "push" section is no longer supported by Packer and has no effect.', prop(root, 'push')!.keyRange));

  const declaredNames = new Set(vars.models.map((v) => v.name));
  const ctxFor = (extra: Partial<FunctionContext>): FunctionContext => ({
    ...base,
    inVariables: false,
    // A declared variable left unset is already reported as unset; reading it is not a second error.
    user: (name) => vars.values.get(name) ?? (declaredNames.has(name) ? '' : undefined),
    userNames: () => [...vars.values.keys()],
    ...extra,
  });
  const evaluator = new ConfigEvaluator(doc, model.sensitiveStrings, diagnostics);

  const builders = readBuilders(root, diagnostics, (s) => evaluator.plainString(s, ctxFor({})));
  const builderNames = new Set(builders.map((b) => b.name));
  const phases = { parse: diagnostics, checks };
  const provisioners = readProvisioners(prop(root, 'provisioners'), builderNames, phases);
  const cleanupProp = prop(root, 'error-cleanup-provisioner');
  const cleanup = cleanupProp ? readProvisioner(cleanupProp.value, 'error-cleanup-provisioner', builderNames, phases) : undefined;
  const chains = readPostProcessors(prop(root, 'post-processors'), builderNames, phases);

  if (prop(root, 'builders') && builders.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    checks.push(error('No builders', 'At least one builder must be defined.', prop(root, 'builders')!.value.range));
  } else if (!prop(root, 'builders')) {
    checks.push(error('No builders', 'At least one builder must be defined: add a "builders" list.', root.range));
  }
  if (opts.syntaxOnly) return { model, diagnostics: dedupe(diagnostics), sources };
  diagnostics.push(...checks);

  const build: BuildModel = {
    description: description?.value.kind === 'string' ? description.value.value : undefined,
    range: root.range,
    builds: [],
  };
  for (const b of [...builders].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    const ctx = ctxFor({ buildName: b.name, buildType: b.type, builderType: b.type });
    const config = evaluator.config(b.node, ctx, new Set(['type', 'name']));
    validateConfig('builder', b.type, config, b.node.range, b.node, diagnostics);
    const source: SourceModel = { type: b.type, name: b.name, range: b.node.range, config };
    model.sources.push(source);
    if (opts.only?.length && !matchesAny(b.name, opts.only)) continue;
    if (opts.except?.length && matchesAny(b.name, opts.except)) continue;
    const buildCtx = ctxFor({ buildName: b.name, buildType: b.type });
    const planned: PlannedBuild = {
      name: b.name,
      type: b.type,
      sourceName: b.name,
      builder: config,
      provisioners: provisioners.filter((p) => !skip(p, b.name)).map((p) => evaluator.provisioner(p, b.name, buildCtx)),
      errorCleanupProvisioner: cleanup ? evaluator.provisioner(cleanup, b.name, buildCtx) : undefined,
      postProcessors: [],
      range: b.node.range,
    };
    for (const chain of chains) {
      const current: PostProcessorModel[] = [];
      for (const pp of chain) {
        if (skip(pp, b.name)) continue;
        // Packer's -except also names post-processors: naming one drops it and the rest of its chain.
        if (opts.except?.some((e) => e !== '' && e === pp.name)) break;
        current.push(evaluator.postProcessor(pp, buildCtx));
      }
      if (current.length > 0) planned.postProcessors.push(current);
    }
    build.builds.push(planned);
  }
  model.builds.push(build);
  return { model, diagnostics: dedupe(diagnostics), sources };
}

function skip(x: { only: string[]; except: string[] }, name: string): boolean {
  if (x.only.length > 0) return !x.only.includes(name);
  return x.except.includes(name);
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = `${d.severity}|${d.summary}|${d.detail ?? ''}|${d.range ? `${d.range.filename}:${d.range.start.byte}-${d.range.end.byte}` : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkMinVersion(p: JsonProp, diagnostics: Diagnostic[]): void {
  if (p.value.kind !== 'string') {
    diagnostics.push(error('Invalid "min_packer_version"', `"min_packer_version" must be a version string such as "1.5.0", not ${kindName(p.value)}.`, p.value.range));
    return;
  }
  const wanted = parseVersion(p.value.value);
  if (!wanted) {
    diagnostics.push(error('Invalid "min_packer_version"', `Malformed version: ${p.value.value}`, p.value.range));
    return;
  }
  const actual = parseVersion(PACKER_COMPAT_VERSION)!;
  if (compareVersions(actual, wanted) < 0) {
    diagnostics.push(
      error(
        'Packer version too old for this template',
        `This template requires Packer version ${p.value.value} or higher; Bakehouse follows Packer ${PACKER_COMPAT_VERSION}.`,
        p.value.range,
      ),
    );
  }
}

function stringList(p: JsonProp | undefined, what: string, diagnostics: Diagnostic[]): string[] {
  if (!p) return [];
  if (p.value.kind !== 'array') {
    diagnostics.push(error(`Invalid "${p.key}" in ${what}`, `"${p.key}" must be a list of builder names, not ${kindName(p.value)}.`, p.value.range));
    return [];
  }
  const out: string[] = [];
  for (const item of p.value.items) {
    if (item.kind === 'string') out.push(item.value);
    else diagnostics.push(error(`Invalid "${p.key}" in ${what}`, `Each entry must be a builder name in quotes, not ${kindName(item)}.`, item.range));
  }
  return out;
}

/** Checks `only`/`except` name existing builders, and not both are set. */
function checkOnlyExcept(node: JsonNode, what: string, only: string[], except: string[], builderNames: Set<string>, diagnostics: Diagnostic[]): void {
  // Packer checks these while validating, after the template parsed.
  const onlyP = prop(node, 'only');
  const exceptP = prop(node, 'except');
  if (only.length > 0 && except.length > 0) {
    diagnostics.push(error(`Both "only" and "except" in ${what}`, 'Only one of "only" or "except" may be specified.', exceptP!.keyRange));
  }
  for (const [key, names, p] of [['only', only, onlyP], ['except', except, exceptP]] as const) {
    if (!p || p.value.kind !== 'array') continue;
    names.forEach((n, i) => {
      if (builderNames.has(n)) return;
      const item = (p.value as Extract<JsonNode, { kind: 'array' }>).items.filter((x) => x.kind === 'string')[i];
      diagnostics.push(
        error(`Unknown builder "${n}" in "${key}"`, `The ${what} names a builder that does not exist: '${key}' specified builder '${n}' not found.${didYouMean(n, builderNames)}`, item?.range ?? p.value.range),
      );
    });
  }
}

function readBuilders(root: JsonNode, diagnostics: Diagnostic[], renderName: (s: JsonNode & { kind: 'string' }) => string): RawBuilder[] {
  const p = prop(root, 'builders');
  if (!p) return [];
  if (p.value.kind !== 'array') {
    diagnostics.push(error('Invalid "builders"', `"builders" must be a list of builder objects, not ${kindName(p.value)}.`, p.value.range));
    return [];
  }
  const out: RawBuilder[] = [];
  const byName = new Map<string, RawBuilder>();
  p.value.items.forEach((node, i) => {
    const label = `builder ${i + 1}`;
    if (node.kind !== 'object') {
      diagnostics.push(error(`Invalid ${label}`, `Each builder must be an object with a "type", not ${kindName(node)}.`, node.range));
      return;
    }
    const typeP = prop(node, 'type');
    if (!typeP || typeP.value.kind !== 'string' || typeP.value.value === '') {
      diagnostics.push(error(`Missing builder type`, `${capital(label)} has no "type"; every builder needs one, such as "docker" or "amazon-ebs".`, typeP?.value.range ?? node.range));
      return;
    }
    const nameP = prop(node, 'name');
    let name = typeP.value.value;
    if (nameP) {
      // Packer decodes builder names weakly, so a number or boolean becomes its text.
      if (nameP.value.kind === 'number' || nameP.value.kind === 'bool') name = String(nameP.value.value);
      else if (nameP.value.kind !== 'string') diagnostics.push(error(`Invalid builder name`, `"name" must be a string, not ${kindName(nameP.value)}.`, nameP.value.range));
      else if (nameP.value.value !== '') name = renderName(nameP.value);
    }
    const existing = byName.get(name);
    if (existing) {
      diagnostics.push(
        error(
          `Duplicate builder name "${name}"`,
          `${capital(label)}: a builder with name '${name}' already exists. Give each builder of the same type a distinct "name".`,
          nameP?.value.range ?? typeP.value.range,
        ),
      );
      return;
    }
    const b = { type: typeP.value.value, name, node };
    byName.set(name, b);
    out.push(b);
  });
  return out;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const DURATION = /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$|^0$/;

/** Where problems go: `parse` for what Packer's parser rejects, `checks` for what its validation rejects. */
interface Phases {
  parse: Diagnostic[];
  checks: Diagnostic[];
}

function readProvisioners(p: JsonProp | undefined, builderNames: Set<string>, phases: Phases): RawProvisioner[] {
  const diagnostics = phases.parse;
  if (!p) return [];
  if (p.value.kind !== 'array') {
    diagnostics.push(error('Invalid "provisioners"', `"provisioners" must be a list of provisioner objects, not ${kindName(p.value)}.`, p.value.range));
    return [];
  }
  const out: RawProvisioner[] = [];
  p.value.items.forEach((node, i) => {
    const r = readProvisioner(node, `provisioner ${i + 1}`, builderNames, phases);
    if (r) out.push(r);
  });
  return out;
}

function readProvisioner(node: JsonNode, label: string, builderNames: Set<string>, phases: Phases): RawProvisioner | undefined {
  const diagnostics = phases.parse;
  if (node.kind !== 'object') {
    diagnostics.push(error(`Invalid ${label}`, `Each provisioner must be an object with a "type", not ${kindName(node)}.`, node.range));
    return undefined;
  }
  const typeP = prop(node, 'type');
  if (!typeP || typeP.value.kind !== 'string' || typeP.value.value === '') {
    diagnostics.push(error('Missing provisioner type', `${capital(label)} has no "type"; every provisioner needs one, such as "shell" or "file".`, typeP?.value.range ?? node.range));
    return undefined;
  }
  const only = stringList(prop(node, 'only'), label, diagnostics);
  const except = stringList(prop(node, 'except'), label, diagnostics);
  checkOnlyExcept(node, label, only, except, builderNames, phases.checks);
  const override = new Map<string, JsonNode & { kind: 'object' }>();
  const overrideP = prop(node, 'override');
  if (overrideP) {
    if (overrideP.value.kind !== 'object') {
      diagnostics.push(error(`Invalid "override" in ${label}`, `"override" must map builder names to objects of settings, not ${kindName(overrideP.value)}.`, overrideP.value.range));
    } else {
      for (const o of overrideP.value.props) {
        if (!builderNames.has(o.key)) {
          phases.checks.push(error(`Unknown builder "${o.key}" in "override"`, `${capital(label)}: override '${o.key}' doesn't exist.${didYouMean(o.key, builderNames)}`, o.keyRange));
        }
        if (o.value.kind !== 'object') diagnostics.push(error(`Invalid "override" in ${label}`, `The override for "${o.key}" must be an object, not ${kindName(o.value)}.`, o.value.range));
        else override.set(o.key, o.value);
      }
    }
  }
  const duration = (key: string): string | undefined => {
    const d = prop(node, key);
    if (!d) return undefined;
    // A bare number is a count of nanoseconds, as Go decodes it into a Duration.
    if (d.value.kind === 'number' && Number.isInteger(d.value.value)) return `${d.value.value}ns`;
    if (d.value.kind !== 'string' || !DURATION.test(d.value.value)) {
      const shown = d.value.kind === 'string' ? `"${d.value.value}"` : kindName(d.value);
      diagnostics.push(error(`Invalid "${key}" in ${label}`, `Time: invalid duration ${shown}; write a duration such as "10s", "5m" or "1h30m".`, d.value.range));
      return undefined;
    }
    return d.value.value;
  };
  let maxRetries: RawProvisioner['maxRetries'];
  const mr = prop(node, 'max_retries');
  if (mr) {
    if (mr.value.kind === 'string' || mr.value.kind === 'number') maxRetries = { text: String(mr.value.value), node: mr.value };
    else diagnostics.push(error(`Invalid "max_retries" in ${label}`, `"max_retries" must be a whole number, not ${kindName(mr.value)}.`, mr.value.range));
  }
  return { type: typeP.value.value, node, only, except, override, pauseBefore: duration('pause_before'), timeout: duration('timeout'), maxRetries, label };
}

function readPostProcessors(p: JsonProp | undefined, builderNames: Set<string>, phases: Phases): RawPostProcessor[][] {
  const diagnostics = phases.parse;
  if (!p) return [];
  if (p.value.kind !== 'array') {
    diagnostics.push(error('Invalid "post-processors"', `"post-processors" must be a list, not ${kindName(p.value)}.`, p.value.range));
    return [];
  }
  const chains: RawPostProcessor[][] = [];
  p.value.items.forEach((item, i) => {
    const one = (n: JsonNode, label: string): RawPostProcessor | undefined => readPostProcessor(n, label, builderNames, phases);
    if (item.kind === 'string' || item.kind === 'object') {
      const pp = one(item, `post-processor ${i + 1}`);
      if (pp) chains.push([pp]);
    } else if (item.kind === 'array') {
      const chain: RawPostProcessor[] = [];
      item.items.forEach((inner, j) => {
        const label = `post-processor ${i + 1}.${j + 1}`;
        if (inner.kind === 'array') {
          diagnostics.push(error('Nested post-processor sequence', `${capital(label)}: a sequence is not allowed to be nested in a sequence.`, inner.range));
          return;
        }
        const pp = one(inner, label);
        if (pp) chain.push(pp);
      });
      chains.push(chain);
    } else {
      diagnostics.push(error(`Invalid post-processor ${i + 1}`, `A post-processor is a type name, an object, or a list of those (a chain), not ${kindName(item)}.`, item.range));
    }
  });
  return chains;
}

function readPostProcessor(n: JsonNode, label: string, builderNames: Set<string>, phases: Phases): RawPostProcessor | undefined {
  const diagnostics = phases.parse;
  if (n.kind === 'string') {
    return { type: n.value, name: n.value, explicitName: false, range: n.range, only: [], except: [], label };
  }
  if (n.kind !== 'object') {
    diagnostics.push(error(`Invalid ${label}`, `A post-processor is a type name or an object, not ${kindName(n)}.`, n.range));
    return undefined;
  }
  const typeP = prop(n, 'type');
  if (!typeP || typeP.value.kind !== 'string' || typeP.value.value === '') {
    diagnostics.push(error('Missing post-processor type', `${capital(label)}: type is required, such as "compress" or "manifest".`, typeP?.value.range ?? n.range));
    return undefined;
  }
  const only = stringList(prop(n, 'only'), label, diagnostics);
  const except = stringList(prop(n, 'except'), label, diagnostics);
  checkOnlyExcept(n, label, only, except, builderNames, phases.checks);
  const nameP = prop(n, 'name');
  const name = nameP?.value.kind === 'string' && nameP.value.value !== '' ? nameP.value.value : typeP.value.value;
  const keepP = prop(n, 'keep_input_artifact');
  let keepInputArtifact: boolean | undefined;
  if (keepP) {
    if (keepP.value.kind === 'bool') keepInputArtifact = keepP.value.value;
    else diagnostics.push(error(`Invalid "keep_input_artifact" in ${label}`, `"keep_input_artifact" must be true or false, not ${kindName(keepP.value)}.`, keepP.value.range));
  }
  return { type: typeP.value.value, name, explicitName: name !== typeP.value.value, node: n, range: n.range, only, except, keepInputArtifact, label };
}

/** Turns JSON config objects into evaluated component configs, interpolating every string for one build. */
class ConfigEvaluator {
  constructor(
    private readonly doc: JsonDocument,
    private readonly secrets: string[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  plainString(s: JsonNode & { kind: 'string' }, ctx: FunctionContext): string {
    const r = interpolateString(this.doc, s, ctx);
    this.diagnostics.push(...r.diagnostics);
    return r.value;
  }

  value(n: JsonNode, ctx: FunctionContext): Value {
    switch (n.kind) {
      case 'string': {
        const v = this.plainString(n, ctx);
        return markSensitive(str(v), this.secrets.some((s) => v.includes(s)));
      }
      case 'number':
        return num(n.value);
      case 'bool':
        return bool(n.value);
      case 'null':
        return nullOf(T_DYNAMIC);
      case 'array':
        return tuple(n.items.map((i) => this.value(i, ctx)));
      case 'object': {
        const attrs: Record<string, Value> = {};
        for (const p of n.props) attrs[p.key] = this.value(p.value, ctx);
        return object(attrs);
      }
    }
  }

  config(n: JsonNode & { kind: 'object' }, ctx: FunctionContext, skipKeys: Set<string>, overrides?: JsonNode & { kind: 'object' }): ComponentConfig {
    const values: Record<string, Value> = {};
    const ranges: Record<string, Range> = {};
    for (const p of n.props) {
      if (skipKeys.has(p.key)) continue;
      values[p.key] = this.value(p.value, ctx);
      ranges[p.key] = p.range;
    }
    if (overrides) {
      for (const p of overrides.props) {
        const v = this.value(p.value, ctx);
        values[p.key] = p.key in values ? deepMerge(values[p.key], v) : v;
        ranges[p.key] = p.range;
      }
    }
    return { values, ranges, blocks: {} };
  }

  provisioner(p: RawProvisioner, buildName: string, ctx: FunctionContext): ProvisionerModel {
    const config = this.config(p.node, ctx, PROVISIONER_KEYS, p.override.get(buildName));
    validateConfig('provisioner', p.type, config, p.node.range, p.node, this.diagnostics);
    let maxRetries = 0;
    if (p.maxRetries) {
      const n = p.maxRetries.node;
      const text = n.kind === 'string' ? this.plainString(n, ctx) : p.maxRetries.text;
      if (!/^[+-]?[0-9]+$/.test(text.trim())) {
        this.diagnostics.push(error(`Invalid "max_retries" in ${p.label}`, `"max_retries" must be a valid integer, not "${text}".`, n.range));
      } else maxRetries = parseInt(text, 10);
    }
    return {
      type: p.type,
      only: p.only,
      except: p.except,
      pauseBefore: p.pauseBefore,
      maxRetries,
      timeout: p.timeout,
      config,
      range: p.node.range,
    };
  }

  postProcessor(p: RawPostProcessor, ctx: FunctionContext): PostProcessorModel {
    const config = p.node ? this.config(p.node, ctx, POST_PROCESSOR_KEYS) : { values: {}, ranges: {}, blocks: {} };
    validateConfig('post-processor', p.type, config, p.range, p.node, this.diagnostics);
    return {
      type: p.type,
      name: p.explicitName ? p.name : undefined,
      only: p.only,
      except: p.except,
      keepInputArtifact: p.keepInputArtifact,
      config,
      range: p.range,
    };
  }
}

/** An override replaces values, except that objects merge key by key, as decoding a second config over the first does. */
function deepMerge(a: Value, b: Value): Value {
  if (a.kind === 'object' && b.kind === 'object') {
    const attrs: Record<string, Value> = { ...a.attrs };
    for (const [k, v] of Object.entries(b.attrs)) attrs[k] = k in attrs ? deepMerge(attrs[k], v) : v;
    return object(attrs);
  }
  return b;
}

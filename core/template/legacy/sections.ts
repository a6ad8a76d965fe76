/**
 * Reads a legacy template's builders, provisioners and post-processors as Packer's parser does: types, names,
 * only/except, override and the engine settings, before any value is interpolated.
 */
import { error, type Diagnostic, type Range } from '../source';
import { didYouMean } from '../suggest';
import { kindName, prop, type JsonNode, type JsonProp } from './json';

/** Keys of a provisioner object that Packer handles itself rather than passing to the provisioner. */
export const PROVISIONER_KEYS = new Set(['type', 'only', 'except', 'override', 'pause_before', 'max_retries', 'timeout', 'cache']);
export const POST_PROCESSOR_KEYS = new Set(['type', 'name', 'only', 'except', 'keep_input_artifact']);

export interface RawProvisioner {
  type: string;
  node: JsonNode & { kind: 'object' };
  only: string[];
  except: string[];
  override: Map<string, JsonNode & { kind: 'object' }>;
  pauseBefore?: string;
  /** Bakehouse's `"cache": false`. */
  cache?: false;
  maxRetries?: { text: string; node: JsonNode };
  timeout?: string;
  label: string;
}

export interface RawPostProcessor {
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

export interface RawBuilder {
  type: string;
  name: string;
  node: JsonNode & { kind: 'object' };
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
    diagnostics.push(error(`${what}: only one of 'only' or 'except' may be specified`, 'Keep "only" or "except", not both.', exceptP!.keyRange));
  }
  for (const [key, names, p] of [['only', only, onlyP], ['except', except, exceptP]] as const) {
    if (!p || p.value.kind !== 'array') continue;
    names.forEach((n, i) => {
      if (builderNames.has(n)) return;
      const item = (p.value as Extract<JsonNode, { kind: 'array' }>).items.filter((x) => x.kind === 'string')[i];
      diagnostics.push(
        error(`${what}: '${key}' specified builder '${n}' not found`, `No builder of this template is named "${n}".${didYouMean(n, builderNames)}`, item?.range ?? p.value.range),
      );
    });
  }
}

export function readBuilders(root: JsonNode, diagnostics: Diagnostic[], renderName: (s: JsonNode & { kind: 'string' }) => string): RawBuilder[] {
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
      diagnostics.push(error(`${label}: missing 'type'`, `${capital(label)} has no "type"; every builder needs one, such as "docker" or "amazon-ebs".`, typeP?.value.range ?? node.range));
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
          `${label}: builder with name '${name}' already exists`,
          `Give each builder of the same type a distinct "name".`,
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
export interface Phases {
  parse: Diagnostic[];
  checks: Diagnostic[];
}

export function readProvisioners(p: JsonProp | undefined, builderNames: Set<string>, phases: Phases): RawProvisioner[] {
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

export function readProvisioner(node: JsonNode, label: string, builderNames: Set<string>, phases: Phases): RawProvisioner | undefined {
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
          phases.checks.push(error(`${label}: override '${o.key}' doesn't exist`, `No builder of this template is named "${o.key}".${didYouMean(o.key, builderNames)}`, o.keyRange));
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
  const cacheP = prop(node, 'cache');
  if (cacheP && cacheP.value.kind !== 'bool') diagnostics.push(error(`Invalid "cache" in ${label}`, `"cache" must be true or false, not ${kindName(cacheP.value)}.`, cacheP.value.range));
  const cache = cacheP?.value.kind === 'bool' && !cacheP.value.value ? (false as const) : undefined;
  return { type: typeP.value.value, node, only, except, override, pauseBefore: duration('pause_before'), timeout: duration('timeout'), maxRetries, label, ...(cache === false ? { cache } : {}) };
}

export function readPostProcessors(p: JsonProp | undefined, builderNames: Set<string>, phases: Phases): RawPostProcessor[][] {
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
          diagnostics.push(error(`${label}: sequence not allowed to be nested in a sequence`, 'A chain of post-processors is one list; a list inside it is not allowed.', inner.range));
          return;
        }
        const pp = one(inner, label);
        if (pp) chain.push(pp);
      });
      chains.push(chain);
    } else {
      diagnostics.push(error(`post-processor ${i + 1}: bad format`, `A post-processor is a type name, an object, or a list of those (a chain), not ${kindName(item)}.`, item.range));
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


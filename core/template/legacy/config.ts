/** Turns a legacy component's JSON object into an evaluated config for one build, and checks it against the component's schema. */
import type { ComponentConfig, PostProcessorModel, ProvisionerModel } from '../model';
import { error, type Diagnostic, type Range } from '../source';
import { T_DYNAMIC } from '../values/type';
import { bool, markSensitive, nullOf, num, object, str, tuple, type Value } from '../values/value';
import type { FunctionContext } from './functions';
import { interpolateString } from './interpolate';
import type { JsonDocument, JsonNode } from './json';
import { POST_PROCESSOR_KEYS, PROVISIONER_KEYS, type RawPostProcessor, type RawProvisioner } from './sections';
import { validateConfig } from './validate';

/** Turns JSON config objects into evaluated component configs, interpolating every string for one build. */
export class ConfigEvaluator {
  /** Provisioners whose config is the same for every build, evaluated and checked once rather than once per builder. */
  private readonly shared = new Map<RawProvisioner, ProvisionerModel>();

  constructor(
    private readonly doc: JsonDocument,
    private readonly secrets: string[],
    private readonly diagnostics: Diagnostic[],
    /** Where the files a component names are looked for; none, and the disk is not read (see validateConfig). */
    private readonly filesCwd?: string,
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
    const override = p.override.get(buildName);
    const independent = !override && !usesPerBuildData(p.node);
    const hit = independent ? this.shared.get(p) : undefined;
    if (hit) return hit;
    const model = this.evaluateProvisioner(p, ctx, override);
    if (independent) this.shared.set(p, model);
    return model;
  }

  private evaluateProvisioner(p: RawProvisioner, ctx: FunctionContext, override: (JsonNode & { kind: 'object' }) | undefined): ProvisionerModel {
    const config = this.config(p.node, ctx, PROVISIONER_KEYS, override);
    validateConfig('provisioner', p.type, config, p.node.range, p.node, this.diagnostics, { filesCwd: this.filesCwd });
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
      ...(p.cache === false ? { cache: p.cache } : {}),
      config,
      range: p.node.range,
    };
  }

  postProcessor(p: RawPostProcessor, ctx: FunctionContext): PostProcessorModel {
    const config = p.node ? this.config(p.node, ctx, POST_PROCESSOR_KEYS) : { values: {}, ranges: {}, blocks: {} };
    validateConfig('post-processor', p.type, config, p.range, p.node, this.diagnostics, { filesCwd: this.filesCwd });
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

/**
 * Whether a config may evaluate differently per build: only template calls can make it so, and of those only the
 * build-specific functions (build_name, build_type, build) and uuid, which Packer calls afresh for every builder.
 */
function usesPerBuildData(n: JsonNode): boolean {
  switch (n.kind) {
    case 'string':
      return n.value.includes('{{') && /build|uuid/.test(n.value);
    case 'array':
      return n.items.some(usesPerBuildData);
    case 'object':
      return n.props.some((p) => usesPerBuildData(p.value));
    default:
      return false;
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

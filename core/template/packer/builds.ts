/**
 * `build { … }` blocks: which sources they start (`sources = [...]` and `source "type.name" { … }` fill-ins), their
 * provisioners and post-processor chains; then one PlannedBuild per (build × source), named and filtered as Packer does.
 */
import { getSchema } from '../../components/registry';
import { unknownComponentType, validateComponent } from '../../components/validate';
import { evaluate } from '../eval/evaluate';
import type { Block, Body } from '../hcl/ast';
import { childContext } from '../eval/context';
import { object, str } from '../values/value';
import type { BuildModel, HcpPackerRegistryModel, PlannedBuild, PostProcessorModel, SourceModel } from '../model';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { didYouMean } from '../suggest';
import { convert } from '../values/convert';
import { listOf, T_STRING } from '../values/type';
import { metaString, readBody, readBodyPartially } from './body-read';
import { expandDynamicBlocks, type Scope } from './dynamic-blocks';
import { decodeHcpPackerRegistry, HCP_PACKER_REGISTRY } from './hcp-packer-registry';
import { decodeComponentBodies } from './component';
import { buildContext, constantContext, templateContext, type LoadState } from './context';
import type { GlobMatch } from './glob';
import { decodePostProcessor, planPostProcessor, type PostProcessorDecl } from './post-processors';
import { decodeProvisioner, planProvisioner, skipFor, type ProvisionerDecl } from './provisioners';

interface SourceUse {
  type: string;
  name: string;
  /** A nested `source` block's `name = "x"`: the build's own name for this source. */
  localName?: string;
  /** A nested `source` block's other arguments, filled into the source's body. */
  addition?: Body;
  range: Range;
  /** A `dynamic "source"` block's iterator. */
  scope: Scope;
}

export interface BuildDecl {
  name?: string;
  description?: string;
  range: Range;
  sources: SourceUse[];
  provisioners: ProvisionerDecl[];
  errorCleanup?: ProvisionerDecl;
  postProcessors: PostProcessorDecl[][];
  hcpPackerRegistry?: HcpPackerRegistryModel;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The blocks a build may hold, with their label counts: what `dynamic` may generate there too. */
const BUILD_BLOCKS: Readonly<Record<string, number>> = {
  source: 1,
  provisioner: 1,
  'error-cleanup-provisioner': 1,
  'post-processor': 1,
  'post-processors': 0,
  [HCP_PACKER_REGISTRY]: 0,
};

export function decodeBuild(block: Block, state: LoadState, diags: Diagnostic[]): BuildDecl | undefined {
  const range = block.typeRange;
  // name, description and sources may use variables, locals and functions (Packer 1.14's LocalContext).
  const ctx = templateContext(state);
  const c = readBody(block.body, {
    attributes: ['name', 'description', 'sources'],
    // `from "x" { … }` is in Packer 1.14's build schema but never read: accepted and ignored, as there.
    blocks: [
      ...Object.entries(BUILD_BLOCKS).map(([type, n]) => ({ type, labels: n ? ['type'] : [] })),
      { type: 'dynamic', labels: ['type'] },
      { type: 'from', labels: ['type'] },
    ],
  });
  const own: Diagnostic[] = [...c.diagnostics];
  const build: BuildDecl = { range, sources: [], provisioners: [], postProcessors: [] };
  if (c.attributes.name) build.name = metaString(c.attributes.name.expr, ctx, own);
  if (c.attributes.description) build.description = metaString(c.attributes.description.expr, ctx, own);
  let hadSource = false;
  if (c.attributes.sources) {
    const listExpr = c.attributes.sources.expr;
    const items = listExpr.kind === 'tuple' ? listExpr.items : undefined;
    const r = evaluate(listExpr, ctx);
    own.push(...r.diagnostics);
    const l = convert(r.value, listOf(T_STRING));
    if (!hasErrors(r.diagnostics) && l.ok && l.value.kind === 'list') {
      l.value.items.forEach((item, i) => {
        if (item.kind !== 'string') return;
        hadSource = true;
        // Point at the list element naming the source when the list is written out.
        const at = items?.[i] ? items[i].range : listExpr.range;
        const ref = sourceRef(item.value);
        if (!ref) own.push(invalidReference(range));
        else build.sources.push({ ...ref, range: at, scope: {} });
      });
    } else if (!hasErrors(r.diagnostics)) {
      own.push(error('Unsuitable value type', 'Unsuitable value: list of string required', listExpr.range));
    }
  }
  diags.push(...own);
  if (hasErrors(own)) return undefined;
  // Blocks' meta arguments see build.name (Packer exposes it while decoding provisioners and post-processors).
  const meta = { build: object({ name: str(build.name ?? '') }) };
  for (const { block: b, scope } of expandDynamicBlocks(c.blocks, BUILD_BLOCKS, ctx, {}, diags)) {
    switch (b.type) {
      case HCP_PACKER_REGISTRY: {
        if (build.hcpPackerRegistry) {
          diags.push(error(`Only one ${HCP_PACKER_REGISTRY} is allowed`, undefined, b.typeRange));
          continue;
        }
        const registry = decodeHcpPackerRegistry(b, childContext(ctx, scope), diags);
        if (registry) build.hcpPackerRegistry = registry;
        break;
      }
      case 'source': {
        hadSource = true;
        const ref = sourceRef(b.labels[0] ?? '');
        if (!ref) {
          diags.push(invalidReference(b.labelRanges[0] ?? b.typeRange));
          continue;
        }
        // Packer reads a nested source's name with no variables at all; a dynamic block's iterator is still there.
        const nameCtx = Object.keys(scope).length ? childContext(constantContext(state), scope) : constantContext(state);
        const inner = readBodyPartiallyName(b.body, nameCtx, diags);
        build.sources.push({ ...ref, localName: inner.name, addition: b.body, range: b.labelRanges[0] ?? b.typeRange, scope });
        break;
      }
      case 'provisioner': {
        const p = decodeProvisioner(b, state, diags, { ...meta, ...scope });
        if (p) build.provisioners.push({ ...p, scope });
        break;
      }
      case 'error-cleanup-provisioner': {
        if (build.errorCleanup) {
          diags.push(error('Only one error-cleanup-provisioner is allowed', undefined, b.labelRanges[0] ? { ...b.typeRange, end: b.labelRanges[0].end } : b.typeRange));
          continue;
        }
        const p = decodeProvisioner(b, state, diags, { ...meta, ...scope });
        if (p) build.errorCleanup = { ...p, scope };
        break;
      }
      case 'post-processor': {
        const pp = decodePostProcessor(b, state, diags, { ...meta, ...scope });
        if (pp) build.postProcessors.push([{ ...pp, scope }]);
        break;
      }
      case 'post-processors': {
        const inner = readBody(b.body, { blocks: [{ type: 'post-processor', labels: ['type'] }, { type: 'dynamic', labels: ['type'] }] });
        diags.push(...inner.diagnostics);
        if (hasErrors(inner.diagnostics)) continue;
        const chain: PostProcessorDecl[] = [];
        let failed = false;
        for (const { block: ppb, scope: ppScope } of expandDynamicBlocks(inner.blocks, { 'post-processor': 1 }, ctx, scope, diags)) {
          const pp = decodePostProcessor(ppb, state, diags, { ...meta, ...ppScope });
          if (!pp) {
            failed = true;
            break;
          }
          chain.push({ ...pp, scope: ppScope });
        }
        if (!failed) build.postProcessors.push(chain);
        break;
      }
    }
  }
  if (!hadSource) diags.push(error('missing source reference', 'a build block must reference at least one source to be built', range));
  return build;
}

/** A nested source block's own `name`; its other arguments are read later, merged into the source's body. */
function readBodyPartiallyName(body: Body, ctx: ReturnType<typeof constantContext>, diags: Diagnostic[]): { name?: string } {
  const c = readBodyPartially(body, { attributes: ['name'] });
  diags.push(...c.diagnostics);
  const attr = c.attributes.name;
  if (!attr) return {};
  return { name: metaString(attr.expr, ctx, diags) };
}

/** `source.type.name` or `type.name`. */
function sourceRef(text: string): { type: string; name: string } | undefined {
  let parts = text.split('.');
  if (parts.length < 2) return undefined;
  if (parts.length > 2) parts = parts.slice(1);
  const [type, name] = parts;
  if (!IDENT.test(type) || !IDENT.test(name)) return undefined;
  return { type, name };
}

function invalidReference(range: Range): Diagnostic {
  return error(
    'Invalid source reference',
    'A source type is made of three parts that aresplit by a dot `.`; each part must start with a letter and may contain only letters, digits, underscores, and dashes.A valid source reference looks like: `source.type.name`',
    range,
  );
}

export interface PlanFilters {
  only: GlobMatch[];
  except: GlobMatch[];
}

/** One PlannedBuild per source of the build that survives -only/-except, with its provisioners and post-processors. */
export function planBuild(decl: BuildDecl, sources: readonly SourceModel[], filters: PlanFilters, state: LoadState, diags: Diagnostic[]): BuildModel {
  const model: BuildModel = { range: decl.range, builds: [], sources: decl.sources.map((s) => `${s.type}.${s.localName || s.name}`) };
  if (decl.name !== undefined) model.name = decl.name;
  if (decl.description !== undefined) model.description = decl.description;
  if (decl.hcpPackerRegistry) model.hcpPackerRegistry = decl.hcpPackerRegistry;
  for (const use of decl.sources) {
    const src = sources.find((s) => s.type === use.type && s.name === use.name);
    // Packer 1.14 reports a source it cannot start at the build block's header (its DefRange), not at the reference.
    if (!src) {
      const known = sources.map((s) => `${s.type}.${s.name}`);
      diags.push(
        error(
          `Unknown source ${use.type}.${use.name}`,
          `There is no source "${use.type}" "${use.name}" in this template.${didYouMean(`${use.type}.${use.name}`, known)}${known.length ? ` Known sources: ${known.join(', ')}.` : ''}`,
          decl.range,
        ),
      );
      continue;
    }
    const sourceName = use.localName || src.name;
    const ref = `${src.type}.${sourceName}`;
    const name = decl.name ? `${decl.name}.${ref}` : ref;
    if (filters.only.length && !filters.only.some((matches) => matches(name))) continue;
    if (filters.except.some((matches) => matches(name))) continue;

    const ctx = buildContext(state, { type: src.type, name: sourceName }, decl.name);
    const useCtx = childContext(ctx, use.scope);
    const schema = getSchema('builder', src.type);
    if (!schema) {
      // Packer 1.14 reports an unknown builder type when a build starts the source, as "Unknown source type dockr".
      const unknown = unknownComponentType('builder', src.type, decl.range);
      diags.push({ ...unknown, summary: `Unknown source type ${src.type}` });
    }
    const bodies = src.body ? [src.body] : [];
    if (use.addition) bodies.push(use.addition);
    const decoded = decodeComponentBodies(bodies, schema?.fields, useCtx, use.addition ? ['name'] : [], diags, src.config.range);
    const builder = state.completeBuilder ? state.completeBuilder({ name, type: src.type, sourceName, ...(decl.name !== undefined ? { buildName: decl.name } : {}) }, decoded) : decoded;
    // `name` in a nested source block renames the build's copy; it is not a builder argument.
    if (schema) diags.push(...validateComponent(schema, builder, src.range, { cwd: state.filesCwd, fetched: state.fetched }));

    const planned: PlannedBuild = {
      name,
      type: src.type,
      sourceName,
      builder,
      provisioners: [],
      postProcessors: [],
      range: use.range,
    };
    if (decl.name !== undefined) planned.buildName = decl.name;
    if (decl.hcpPackerRegistry) planned.hcpPackerRegistry = decl.hcpPackerRegistry;
    for (const p of decl.provisioners) {
      if (skipFor(p.only, p.except, ref)) continue;
      planned.provisioners.push(planProvisioner(p, src.type, sourceName, ctx, diags, state.filesCwd));
    }
    if (decl.errorCleanup && !skipFor(decl.errorCleanup.only, decl.errorCleanup.except, ref)) {
      planned.errorCleanupProvisioner = planProvisioner(decl.errorCleanup, src.type, sourceName, ctx, diags, state.filesCwd);
    }
    for (const chain of decl.postProcessors) {
      const out: PostProcessorModel[] = [];
      for (const pp of chain) {
        if (skipFor(pp.only, pp.except, ref)) continue;
        // As Packer 1.6.6 does, a post-processor excluded by -except ends its chain there.
        if (filters.except.some((matches) => matches(pp.name || pp.type))) break;
        out.push(planPostProcessor(pp, ctx, diags, state.filesCwd));
      }
      if (out.length) planned.postProcessors.push(out);
    }
    model.builds.push(planned);
  }
  return model;
}

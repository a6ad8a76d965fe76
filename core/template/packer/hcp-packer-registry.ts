/**
 * `hcp_packer_registry { bucket_name, description, bucket_labels, build_labels }` inside a `build` block, read and checked
 * as Packer 1.14 does (hcl2template/types.build.hcp_packer_registry.go): the bucket name's form, the description's length,
 * the deprecated `labels` (a warning; an error beside `bucket_labels`). Bakehouse keeps the metadata and publishes nothing.
 */
import type { EvalContext } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import type { Block } from '../hcl/ast';
import type { HcpPackerRegistryModel } from '../model';
import { error, hasErrors, warning, type Diagnostic } from '../source';
import { convert } from '../values/convert';
import { mapOf, T_STRING } from '../values/type';
import { metaString, readBody } from './body-read';
import { headerRange } from './variables';

export const HCP_PACKER_REGISTRY = 'hcp_packer_registry';

const BUCKET_NAME = /^[a-zA-Z0-9-]{3,36}$/;

export function decodeHcpPackerRegistry(block: Block, ctx: EvalContext, diags: Diagnostic[]): HcpPackerRegistryModel | undefined {
  const range = headerRange(block);
  const c = readBody(block.body, { attributes: ['bucket_name', 'description', 'labels', 'bucket_labels', 'build_labels'] });
  const own: Diagnostic[] = [...c.diagnostics];
  const a = c.attributes;
  const model: HcpPackerRegistryModel = { bucketLabels: {}, buildLabels: {}, range };
  const bucketName = a.bucket_name ? metaString(a.bucket_name.expr, ctx, own) : undefined;
  const description = a.description ? metaString(a.description.expr, ctx, own) : undefined;
  const labels = a.labels ? stringMap(a.labels.expr, ctx, own) : {};
  const bucketLabels = a.bucket_labels ? stringMap(a.bucket_labels.expr, ctx, own) : {};
  const buildLabels = a.build_labels ? stringMap(a.build_labels.expr, ctx, own) : {};
  diags.push(...own);
  if (hasErrors(own)) return undefined;
  if (description !== undefined && description.length > 255) {
    diags.push(error(`${HCP_PACKER_REGISTRY}.description should have a maximum length of 255 characters`, undefined, range));
    return undefined;
  }
  // An empty name is allowed: Packer takes it from HCP_PACKER_BUCKET_NAME when publishing.
  if (bucketName && !BUCKET_NAME.test(bucketName)) {
    diags.push(error(`${HCP_PACKER_REGISTRY}.bucket_name can only contain between 3 and 36 ASCII letters, numbers and hyphens`, undefined, range));
    return undefined;
  }
  if (Object.keys(labels).length && Object.keys(bucketLabels).length) {
    diags.push(
      error(
        `${HCP_PACKER_REGISTRY}.labels and ${HCP_PACKER_REGISTRY}.bucket_labels are mutually exclusive; please use the recommended argument ${HCP_PACKER_REGISTRY}.bucket_labels`,
        undefined,
        range,
      ),
    );
    return undefined;
  }
  if (Object.keys(labels).length) {
    diags.push(
      warning(
        `the argument ${HCP_PACKER_REGISTRY}.labels has been deprecated and will be removed in the next minor release; please use ${HCP_PACKER_REGISTRY}.bucket_labels`,
        undefined,
        a.labels?.nameRange ?? range,
      ),
    );
  }
  if (bucketName) model.bucketName = bucketName;
  if (description) model.description = description;
  model.bucketLabels = Object.keys(labels).length ? labels : bucketLabels;
  model.buildLabels = buildLabels;
  return model;
}

function stringMap(expr: Block['body']['attributes'][number]['expr'], ctx: EvalContext, diags: Diagnostic[]): Record<string, string> {
  const r = evaluate(expr, ctx);
  diags.push(...r.diagnostics);
  if (hasErrors(r.diagnostics)) return {};
  const m = convert(r.value, mapOf(T_STRING));
  if (!m.ok || m.value.kind !== 'map') {
    diags.push(error('Unsuitable value type', 'Unsuitable value: map of string required', expr.range));
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.value.entries)) if (v.kind === 'string') out[k] = v.value;
  return out;
}

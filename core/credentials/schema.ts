/**
 * Checks a credential's fields against its kind (`CREDENTIAL_KIND_SPECS`): the zod schema of each kind is built from that
 * one definition, and every problem comes back naming its field, as `field: what is wrong`.
 */
import { z } from 'zod';
import { CREDENTIAL_KIND_SPECS, CREDENTIAL_KINDS, type CredentialFieldSpec, type CredentialKind, type CredentialKindSpec } from '../common/credentials';
import { err, ok, type Result } from '../common/result';

export type CredentialValue = string | number | boolean | string[] | Record<string, string> | { [field: string]: CredentialValue };
export type CredentialFields = Record<string, CredentialValue>;

const nonEmpty = z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be text') }).min(1, 'must not be empty');

function fieldSchema(spec: CredentialFieldSpec, kind: CredentialKind): z.ZodType {
  switch (spec.type) {
    case 'text':
      return nonEmpty;
    case 'multiline':
      // A service account's key is JSON: a file of something else is refused now rather than at build time.
      return spec.name === 'account_file' && kind === 'google' ? nonEmpty.refine(isJsonObject, 'must be the JSON key file of a service account') : nonEmpty;
    case 'boolean':
      return spec.name === 'use_azure_cli_auth' ? z.literal(true, 'must be true (leave it out to use a service principal)') : z.boolean();
    case 'number':
      return z.number().int().positive();
    case 'text-list':
      return z.array(nonEmpty);
    case 'text-map':
      return z.record(z.string(), z.string());
    case 'block': {
      const inner = spec.fields ?? [];
      const shape: Record<string, z.ZodType> = {};
      inner.forEach((f, i) => (shape[f.name] = i === 0 ? fieldSchema(f, kind) : fieldSchema(f, kind).optional()));
      return z.strictObject(shape);
    }
  }
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

function kindSchema(kind: CredentialKind): z.ZodType<CredentialFields> {
  const spec = CREDENTIAL_KIND_SPECS[kind];
  const shape: Record<string, z.ZodType> = {};
  for (const f of spec.fields) shape[f.name] = fieldSchema(f, kind).optional();
  return z.strictObject(shape).superRefine((value, ctx) => {
    for (const problem of wayProblems(kind, spec, Object.keys(value).filter((k) => value[k] !== undefined))) ctx.addIssue({ code: 'custom', ...problem });
  }) as z.ZodType<CredentialFields>;
}

/** Which way of authenticating the given fields follow, or what is missing or mixed. */
function wayProblems(kind: CredentialKind, spec: CredentialKindSpec, given: string[]): Array<{ path: string[]; message: string }> {
  const ways = spec.ways;
  const all = ways.map((w) => w.label).join('; or ');
  const own = given.filter((f) => !spec.common.includes(f));
  if (own.length === 0) {
    const missing = ways.length === 1 ? ways[0].required : ways[0].required.slice(0, 1);
    return missing.map((f) => ({ path: [f], message: `required: ${kind} takes ${all}` }));
  }
  const fieldsOf = (w: (typeof ways)[number]): string[] => [...w.required, ...w.optional];
  const candidates = ways.filter((w) => own.every((f) => fieldsOf(w).includes(f)));
  if (candidates.length === 0) {
    // Two ways mixed: name a field that the way most of the given fields follow does not take.
    // A way's required fields count double: {profile, token} is a profile with a stray token, not keys missing two.
    const score = (w: (typeof ways)[number]): number => own.filter((f) => w.required.includes(f)).length * 2 + own.filter((f) => w.optional.includes(f)).length;
    const best = [...ways].sort((a, b) => score(b) - score(a))[0];
    const stray = own.find((f) => !fieldsOf(best).includes(f)) ?? own[0];
    const partner = own.find((f) => fieldsOf(best).includes(f));
    return [{ path: [stray], message: `cannot be set together with ${partner ?? 'the other fields'}: ${kind} takes ${all}` }];
  }
  if (candidates.some((w) => w.required.every((f) => given.includes(f)))) return [];
  const best = [...candidates].sort((a, b) => b.required.filter((f) => given.includes(f)).length - a.required.filter((f) => given.includes(f)).length)[0];
  return best.required.filter((f) => !given.includes(f)).map((f) => ({ path: [f], message: `required: ${kind} takes ${best.label}` }));
}

const SCHEMAS = Object.fromEntries(CREDENTIAL_KINDS.map((k) => [k, kindSchema(k)])) as Record<CredentialKind, z.ZodType<CredentialFields>>;

/** The fields, checked; or every problem as `field: message`. */
export function checkCredentialFields(kind: CredentialKind, value: unknown): Result<CredentialFields, string[]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return err([`the fields of a credential of kind ${kind} must be one JSON object`]);
  const parsed = SCHEMAS[kind].safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const problems: string[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const block = issue.path.length > 0 ? CREDENTIAL_KIND_SPECS[kind].fields.find((f) => f.name === issue.path[0]) : undefined;
      const known = (block?.fields ?? CREDENTIAL_KIND_SPECS[kind].fields).map((f) => f.name).join(', ');
      const where = block ? `${block.name}.` : '';
      const owner = block ? `the ${block.name} block` : `${kind} credentials`;
      for (const key of issue.keys) problems.push(`${where}${key}: not a field of ${owner} (it takes ${known})`);
    } else {
      problems.push(`${issue.path.join('.') || kind}: ${issue.message}`);
    }
  }
  return err(problems);
}

/** A credential's fields after an edit, checked: a field left out is kept, one given replaces it, null removes it. */
export function checkEditedFields(kind: CredentialKind, fields: CredentialFields, change: object): Result<CredentialFields, string[]> {
  const merged: Record<string, unknown> = { ...fields };
  for (const [field, value] of Object.entries(change)) {
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return checkCredentialFields(kind, merged);
}

/** Every secret string in the fields: what maskers and tests look for. */
export function secretValues(kind: CredentialKind, fields: CredentialFields): string[] {
  const out: string[] = [];
  for (const spec of CREDENTIAL_KIND_SPECS[kind].fields) {
    const v = fields[spec.name];
    if (spec.secret && typeof v === 'string') out.push(v);
  }
  return out;
}

/**
 * The terminal form of `credentials add` and `edit`: one question per field of the chosen way of authenticating, secret
 * fields not echoed, a key file or service-account JSON read from the path the user types (a terminal line cannot hold
 * it). What the user types is checked by the vault afterwards, with the same messages as JSON on standard input.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CREDENTIAL_KIND_SPECS, type CredentialFieldSpec, type CredentialKind, type CredentialWay } from '../../common/credentials';
import { err, ok, type Result } from '../../common/result';
import type { CredentialFields, CredentialValue } from '../../credentials/schema';
import { TERMINAL_INTERRUPTED, type AskTerminal } from './terminal-input';

const INTERRUPTED = 'Interrupted: nothing was saved.';

/** Asks for a new credential's fields. */
export async function askNewFields(kind: CredentialKind, ask: AskTerminal, say: (text: string) => void, cwd: string): Promise<Result<CredentialFields, string>> {
  const spec = CREDENTIAL_KIND_SPECS[kind];
  const way = await chooseWay(kind, ask, say);
  if (!way.ok) return way;
  const out: CredentialFields = {};
  for (const name of [...way.value.required, ...way.value.optional, ...spec.common]) {
    const field = spec.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = await askField(field, way.value.required.includes(name), undefined, ask, cwd);
    if (!value.ok) return value;
    if (value.value !== undefined) out[name] = value.value;
  }
  return ok(out);
}

/** Asks for changes to an existing credential: Enter keeps a field as it is. Returns only what changed. */
export async function askChangedFields(
  kind: CredentialKind,
  current: CredentialFields,
  ask: AskTerminal,
  cwd: string,
): Promise<Result<Record<string, CredentialValue>, string>> {
  const spec = CREDENTIAL_KIND_SPECS[kind];
  const set = Object.keys(current);
  // The way the credential follows now; changing ways is a remove and an add (or JSON with nulls on standard input).
  const way = spec.ways.find((w) => w.required.every((f) => set.includes(f))) ?? spec.ways[0];
  const out: Record<string, CredentialValue> = {};
  for (const name of [...way.required, ...way.optional, ...spec.common]) {
    const field = spec.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = await askField(field, false, current[name], ask, cwd);
    if (!value.ok) return value;
    if (value.value !== undefined) out[name] = value.value;
  }
  return ok(out);
}

async function chooseWay(kind: CredentialKind, ask: AskTerminal, say: (text: string) => void): Promise<Result<CredentialWay, string>> {
  const ways = CREDENTIAL_KIND_SPECS[kind].ways;
  if (ways.length === 1) return ok(ways[0]);
  say(`A credential of kind ${kind} is one of:\n${ways.map((w, i) => `  ${i + 1}) ${w.label}\n`).join('')}`);
  for (;;) {
    const answer = await ask({ prompt: `Which (1-${ways.length}) [1]: `, secret: false });
    if (answer === TERMINAL_INTERRUPTED) return err(INTERRUPTED);
    const n = answer.trim() === '' ? 1 : Number(answer.trim());
    if (Number.isInteger(n) && n >= 1 && n <= ways.length) return ok(ways[n - 1]);
  }
}

/** One field's answer; undefined when skipped (optional, or kept as it is when editing). */
async function askField(
  field: CredentialFieldSpec,
  required: boolean,
  current: CredentialValue | undefined,
  ask: AskTerminal,
  cwd: string,
): Promise<Result<CredentialValue | undefined, string>> {
  // The only boolean (use_azure_cli_auth) is what its way consists of: choosing the way says yes.
  if (field.type === 'boolean') return ok(required ? true : undefined);
  if (field.type === 'block') return askBlock(field, current, ask, cwd);
  if (field.type === 'text-list' || field.type === 'text-map') return ok(undefined);
  const hint =
    current !== undefined
      ? field.secret || field.type === 'multiline'
        ? ' (set; Enter keeps it)'
        : ` [${String(current)}]`
      : required
        ? ''
        : ' (optional)';
  const what = field.type === 'multiline' ? `${field.name}: path of the file to read${hint}: ` : `${field.name}${hint}: `;
  for (;;) {
    const answer = await ask({ prompt: what, secret: field.secret && field.type !== 'multiline' });
    if (answer === TERMINAL_INTERRUPTED) return err(INTERRUPTED);
    if (answer === '') {
      if (!required || current !== undefined) return ok(undefined);
      continue;
    }
    if (field.type === 'number') {
      const n = Number(answer);
      return ok(Number.isFinite(n) ? n : answer);
    }
    if (field.type === 'multiline') {
      try {
        return ok(readFileSync(resolve(cwd, answer), 'utf8'));
      } catch (e) {
        return err(`${field.name}: cannot read ${answer}: ${(e as Error).message}`);
      }
    }
    return ok(answer);
  }
}

async function askBlock(field: CredentialFieldSpec, current: CredentialValue | undefined, ask: AskTerminal, cwd: string): Promise<Result<CredentialValue | undefined, string>> {
  const inner = (field.fields ?? []).filter((f) => f.type === 'text' || f.type === 'number');
  const was = current !== undefined && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, CredentialValue>) : undefined;
  const out: Record<string, CredentialValue> = { ...was };
  const [first, ...rest] = inner;
  const head = await askField({ ...first, name: `${field.name}.${first.name}` }, false, was?.[first.name], ask, cwd);
  if (!head.ok) return head;
  if (head.value === undefined && was === undefined) return ok(undefined);
  if (head.value !== undefined) out[first.name] = head.value;
  for (const f of rest) {
    const v = await askField({ ...f, name: `${field.name}.${f.name}` }, false, was?.[f.name], ask, cwd);
    if (!v.ok) return v;
    if (v.value !== undefined) out[f.name] = v.value;
  }
  return ok(out);
}

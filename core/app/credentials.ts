/**
 * The credentials service: the vault (`core/credentials/vault.ts`) and the build bindings as the app reaches them. It
 * holds the secrets on the host's side of the contract: the UI sends fields in (add, edit) and gets back names, kinds,
 * field names and metadata only. A passphrase-protected vault is unlocked once per session (`unlock`); the data key stays
 * in the vault object, and the passphrase is dropped as soon as it has been used.
 */
import { join } from 'node:path';
import type { CredentialImportSource, CredentialKind, CredentialSummary, CredentialTestResult } from '../common/credentials';
import { err, ok, type Result as CommonResult } from '../common/result';
import { failure, type FieldProblem, type Result } from '../contract/result';
import type { CredentialBindings, CredentialImportResult, VaultStatus } from '../contract/types';
import { BindingStore } from '../credentials/bindings';
import type { CredentialBinding } from '../credentials/build-bindings';
import { runCredentials, type RunCredentials } from '../credentials/for-build';
import { credentialsFromEnv, credentialsFromEnvWanted } from '../credentials/from-env';
import { importCredentials } from '../credentials/import';
import { testCredential } from '../credentials/probe';
import { checkCredentialFields, checkEditedFields } from '../credentials/schema';
import { checkName, Vault, VAULT_FILE, type Credential, type PassphrasePurpose } from '../credentials/vault';
import type { AppDataDir } from './data-dir';
import type { PathResolver } from './paths';

export interface CredentialServiceOptions {
  data: AppDataDir;
  env: Record<string, string | undefined>;
  resolvePath: PathResolver;
}

export class CredentialService {
  private readonly vault: Vault;
  private readonly bindingStore: BindingStore;
  /** The passphrase `unlock` gave, until the vault has used it (to open the key, or to protect a new vault). */
  private passphrase?: string;
  /** Set when the vault asked for a passphrase during the current call and none was at hand. */
  private asked?: PassphrasePurpose;

  constructor(private readonly opts: CredentialServiceOptions) {
    this.vault = new Vault({
      path: join(opts.data.path, VAULT_FILE),
      env: opts.env,
      askPassphrase: async (purpose) => {
        const given = this.passphrase;
        this.passphrase = undefined;
        if (given === undefined) this.asked = purpose;
        return given;
      },
    });
    this.bindingStore = new BindingStore(opts.data.path);
  }

  private get fromEnv(): boolean {
    return credentialsFromEnvWanted(this.opts.env);
  }

  status(): Result<VaultStatus> {
    const path = this.vault.path;
    if (this.fromEnv) return ok({ path, protection: 'environment', locked: false });
    const s = this.vault.keyStatus();
    if (!s.ok) return failure('io', s.error);
    if (!s.value.exists) return ok({ path, protection: 'none-yet', locked: false });
    return ok({ path, protection: s.value.protection ?? 'keyring', locked: !s.value.unlocked });
  }

  async unlock(passphrase: string): Promise<Result<VaultStatus>> {
    if (this.fromEnv) return this.status();
    this.passphrase = passphrase;
    const s = this.vault.keyStatus();
    if (!s.ok) return failure('io', s.error);
    // No vault yet: the passphrase waits for the first add, which creates the vault protected by it.
    if (!s.value.exists) return this.status();
    const opened = await this.vault.unlock();
    this.passphrase = undefined;
    if (!opened.ok) return failure('locked', opened.error);
    return this.status();
  }

  list(): Result<CredentialSummary[]> {
    const usedBy = this.bindingStore.usedBy();
    if (this.fromEnv) {
      return ok(credentialsFromEnv(this.opts.env).map((c) => ({ name: c.name, kind: c.kind, fields: Object.keys(c.fields).sort(), lastTest: null, usedBy: usedBy.get(c.name) ?? [] })));
    }
    const listed = this.vault.list();
    if (!listed.ok) return failure('io', listed.error);
    return ok(listed.value.map((c) => ({ ...c, usedBy: usedBy.get(c.name) ?? [] })));
  }

  async add(kind: CredentialKind, name: string, fields: Record<string, unknown>): Promise<Result<CredentialSummary>> {
    if (this.fromEnv) return readOnly();
    const problems: FieldProblem[] = [];
    const nameProblem = checkName(name);
    if (nameProblem) problems.push({ field: 'name', message: nameProblem });
    const checked = checkCredentialFields(kind, fields);
    if (!checked.ok) problems.push(...checked.error.map(fieldProblem));
    if (problems.length > 0) return invalid(problems);
    const existing = this.vault.list();
    if (existing.ok && existing.value.some((c) => c.name === name)) {
      return invalid([{ field: 'name', message: `a credential named "${name}" already exists: edit it, or choose another name` }]);
    }
    return this.vaultCall(() => this.vault.add(kind, name, fields));
  }

  /** Sets the fields given (null removes one) and keeps the others, so a secret the UI never saw is kept by leaving it out. */
  async edit(name: string, change: Record<string, unknown>): Promise<Result<CredentialSummary>> {
    if (this.fromEnv) return readOnly();
    const current = await this.vaultCall(() => this.vault.get(name));
    if (!current.ok) return current;
    const checked = checkEditedFields(current.value.kind, current.value.fields, change);
    if (!checked.ok) return invalid(checked.error.map(fieldProblem));
    return this.vaultCall(() => this.vault.edit(name, change));
  }

  async remove(name: string): Promise<Result<{ removed: string }>> {
    if (this.fromEnv) return readOnly();
    const removed = await this.vaultCall(() => this.vault.remove(name));
    if (!removed.ok) return removed;
    const forgotten = this.bindingStore.forget(name);
    if (!forgotten.ok) return failure('io', forgotten.error);
    return ok({ removed: name });
  }

  /**
   * Asks the credential's provider whether it works (`core/credentials/probe`) and keeps the answer as its last test.
   * `target` is the host an ssh credential logs in to, as `host` or `host:port`.
   */
  async test(name: string, target?: string): Promise<Result<CredentialTestResult>> {
    const credential = await this.credential(name);
    if (!credential.ok) return credential;
    const where = target ? /^(.*?)(?::(\d+))?$/.exec(target.trim()) : null;
    const result = await testCredential(credential.value, { env: this.opts.env, host: where?.[1] || undefined, port: where?.[2] ? Number(where[2]) : undefined });
    if (!this.fromEnv) {
      const recorded = await this.vaultCall(() => this.vault.recordTest(name, result));
      if (!recorded.ok) return recorded;
    }
    return ok(result);
  }

  /** Reads a tool's files (`core/credentials/import`) and adds what it finds; a name already in the vault is passed over. */
  async import(source: CredentialImportSource, path?: string): Promise<Result<CredentialImportResult>> {
    if (this.fromEnv) return readOnly();
    const found = importCredentials(source, path === undefined ? undefined : this.opts.resolvePath(path), this.opts.env);
    if (!found.ok) return failure('io', found.error);
    const existing = this.vault.list();
    if (!existing.ok) return failure('io', existing.error);
    const taken = new Set(existing.value.map((c) => c.name));
    const out: CredentialImportResult = { added: [], skipped: [] };
    for (const c of found.value.found) {
      if (taken.has(c.name)) {
        out.skipped.push(`${c.name}: a credential of that name is already in the vault (${c.origin})`);
        continue;
      }
      const added = await this.vaultCall(() => this.vault.add(c.kind, c.name, c.fields));
      if (!added.ok) return added;
      taken.add(c.name);
      out.added.push(added.value);
    }
    out.skipped.push(...found.value.skipped);
    return ok(out);
  }

  bindings(template: string): Result<CredentialBindings> {
    const path = this.opts.resolvePath(template);
    return ok({ template: path, ...this.bindingStore.get(path) });
  }

  /** Binds credentials to a template's builds and sensitive variables, each of a kind that fits; names only are kept. */
  setBindings(template: string, sources: Record<string, string>, variables: Record<string, string>): Result<CredentialBindings> {
    const known = this.list();
    if (!known.ok) return known;
    const kinds = new Map(known.value.map((c) => [c.name, c.kind]));
    const problems: FieldProblem[] = [];
    for (const [build, name] of Object.entries(sources)) {
      const kind = kinds.get(name);
      if (!kind) problems.push({ field: `sources.${build}`, message: `no credential named "${name}"` });
      else if (kind === 'secret') problems.push({ field: `sources.${build}`, message: `"${name}" is a secret: bind it to a sensitive variable, not to a source` });
    }
    for (const [variable, name] of Object.entries(variables)) {
      const kind = kinds.get(name);
      if (!kind) problems.push({ field: `variables.${variable}`, message: `no credential named "${name}"` });
      else if (kind !== 'secret') problems.push({ field: `variables.${variable}`, message: `"${name}" is a ${kind} credential: a variable takes a secret's value` });
    }
    if (problems.length > 0) return invalid(problems);
    const path = this.opts.resolvePath(template);
    const saved = this.bindingStore.set(path, { sources, variables });
    if (!saved.ok) return failure('io', saved.error);
    return ok({ template: path, ...saved.value });
  }

  /**
   * What a build of `template` (an absolute path) takes from its bindings, through the same `runCredentials` as `bakehouse
   * build -credential`: a build name is a glob that matches itself, a variable is `var.NAME`. `builds`, when given, keeps
   * only the bindings of builds about to run (a binding to a build not in this run is not an error here: the panel binds
   * every build of the template, and the user may run some of them).
   */
  async forBuild(template: string, builds?: readonly string[]): Promise<Result<RunCredentials>> {
    const bound = this.bindingStore.get(template);
    const bindings: CredentialBinding[] = [
      ...Object.entries(bound.sources)
        .filter(([build]) => builds === undefined || builds.includes(build))
        .map(([build, credential]) => ({ target: build, credential })),
      ...Object.entries(bound.variables).map(([variable, credential]) => ({ target: `var.${variable}`, credential })),
    ];
    return this.vaultCall(() => runCredentials(bindings, this.opts.env, this.vault));
  }

  private async credential(name: string): Promise<Result<Credential>> {
    if (this.fromEnv) {
      const c = credentialsFromEnv(this.opts.env).find((e) => e.name === name);
      return c ? ok(c) : failure('not-found', `no credential named "${name}" in the environment (BAKEHOUSE_CREDENTIALS_FROM_ENV=1)`);
    }
    return this.vaultCall(() => this.vault.get(name));
  }

  /** A vault call as a contract result: a passphrase asked for and not at hand means `locked`, for the unlock dialog. */
  private async vaultCall<T>(call: () => Promise<CommonResult<T, string>>): Promise<Result<T>> {
    this.asked = undefined;
    const r = await call();
    if (r.ok) return r;
    const asked = this.asked;
    this.asked = undefined;
    if (asked === 'create') return failure('locked', `No OS keyring keeps the key of the new credential vault ${this.vault.path}: choose a passphrase to protect it.`);
    if (asked === 'unlock') return failure('locked', `The credential vault ${this.vault.path} is protected by a passphrase: unlock it first.`);
    if (/wrong passphrase/.test(r.error)) return failure('locked', r.error);
    if (/^no credential named/.test(r.error)) return failure('not-found', r.error);
    return failure('io', r.error);
  }
}

/** `assume_role.role_arn: required` → its field and message; a problem of the whole form keeps its text. */
function fieldProblem(problem: string): FieldProblem {
  const m = /^([A-Za-z0-9_.]+): (.*)$/s.exec(problem);
  return m ? { field: m[1], message: m[2] } : { field: '', message: problem };
}

function invalid(problems: FieldProblem[]): Result<never> {
  const message = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('\n');
  return err({ code: 'invalid-input', message, field: problems[0]?.field || undefined, problems });
}

function readOnly(): Result<never> {
  return failure('invalid-input', 'BAKEHOUSE_CREDENTIALS_FROM_ENV=1: credentials come from the environment, and there is no vault to change.');
}


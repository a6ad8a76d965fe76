/**
 * The credential vault: one file in the data folder, opened by the CLI and the app alike. Every entry's fields are sealed
 * with AES-256-GCM under one random data key, with the entry's name, kind and field names as authenticated data. The data
 * key is never stored in clear: it lives in the OS keyring, or (where none is reachable, or the user chose a passphrase with
 * BAKEHOUSE_VAULT_PASSPHRASE) the file holds it wrapped by a key scrypt derives from the passphrase.
 *
 * Every change is read–modify–write under the vault's lock (`lock.ts`), re-reading the file inside the lock, so the app
 * and the CLI writing at once lose nothing. A damaged file or a wrong key is an error that names the file and writes
 * nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CredentialKind, CredentialSummary, CredentialTestResult } from '../common/credentials';
import { err, ok, type Result } from '../common/result';
import { dataDir } from '../engine/runlog';
import { deriveKey, KEY_BYTES, newDataKey, open, SCRYPT_PARAMS, seal } from './crypto';
import { keyringGet, keyringSet, KEYRING_SERVICE } from './keyring';
import { acquireLock } from './lock';
import { checkCredentialFields, checkEditedFields, type CredentialFields } from './schema';
import { readVault, writeVault, type StoredEntry, type VaultBody } from './vault-file';

export const VAULT_FILE = 'credentials.vault';

export function vaultPath(env: Record<string, string | undefined>): string {
  return join(dataDir(env), VAULT_FILE);
}

/** Why a passphrase is asked for: to open an existing vault, or to protect a new one (ask twice). */
export type PassphrasePurpose = 'unlock' | 'create';

export interface VaultOptions {
  path: string;
  env: Record<string, string | undefined>;
  /** Asks the user on a terminal; undefined where there is none. */
  askPassphrase?: (purpose: PassphrasePurpose, path: string) => Promise<string | undefined>;
}

export interface Credential {
  name: string;
  kind: CredentialKind;
  fields: CredentialFields;
}

/** A new vault's key goes to the OS keyring unless a passphrase was given or BAKEHOUSE_VAULT_KEYRING=0 says not to. */
function keyringWanted(env: Record<string, string | undefined>): boolean {
  return env.BAKEHOUSE_VAULT_KEYRING !== '0' && !env.BAKEHOUSE_VAULT_PASSPHRASE;
}

const keyCheckAad = (id: string): string => JSON.stringify(['bakehouse-vault/1 key check', id]);
const entryAad = (id: string, e: Pick<StoredEntry, 'name' | 'kind' | 'fields'>): string => JSON.stringify(['bakehouse-vault/1 entry', id, e.name, e.kind, e.fields]);
const wrapAad = (id: string, salt: string): string => JSON.stringify(['bakehouse-vault/1 data key', id, SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p, salt]);

export class Vault {
  /** The data key of the vault last unlocked, with the key description it was unlocked from. */
  private unlocked?: { keyInfo: string; key: Buffer };

  constructor(private readonly options: VaultOptions) {}

  static forEnv(env: Record<string, string | undefined>, askPassphrase?: VaultOptions['askPassphrase']): Vault {
    return new Vault({ path: vaultPath(env), env, askPassphrase });
  }

  get path(): string {
    return this.options.path;
  }

  /** Names, kinds and field names: readable without the key. */
  list(): Result<CredentialSummary[], string> {
    const body = readVault(this.path);
    if (!body.ok) return body;
    return ok((body.value?.entries ?? []).map(summary));
  }

  async get(name: string): Promise<Result<Credential, string>> {
    const read = readVault(this.path);
    if (!read.ok) return read;
    const entry = read.value?.entries.find((e) => e.name === name);
    if (!read.value || !entry) return err(`no credential named "${name}" in ${this.path}`);
    const key = await this.keyFor(read.value);
    if (!key.ok) return key;
    return this.openEntry(read.value, entry, key.value);
  }

  async add(kind: CredentialKind, name: string, fields: unknown): Promise<Result<CredentialSummary, string>> {
    const nameProblem = checkName(name);
    if (nameProblem) return err(nameProblem);
    const checked = checkCredentialFields(kind, fields);
    if (!checked.ok) return err(checked.error.join('\n'));
    return this.update((body, key) => {
      if (body.entries.some((e) => e.name === name)) return err(`a credential named "${name}" already exists in ${this.path}: edit it or remove it first`);
      const now = new Date().toISOString();
      const entry = sealEntry(body.id, key, { name, kind, fields: checked.value, createdAt: now, updatedAt: now });
      return ok({ body: { ...body, entries: [...body.entries, entry] }, answer: summary(entry) });
    });
  }

  /** Sets the given fields (null removes one) and keeps the others; the result must be a complete credential again. */
  async edit(name: string, change: unknown): Promise<Result<CredentialSummary, string>> {
    if (change === null || typeof change !== 'object' || Array.isArray(change)) return err('the changed fields must be one JSON object');
    return this.update((body, key) => {
      const at = body.entries.findIndex((e) => e.name === name);
      if (at < 0) return err(`no credential named "${name}" in ${this.path}`);
      const current = this.openEntry(body, body.entries[at], key);
      if (!current.ok) return current;
      const checked = checkEditedFields(current.value.kind, current.value.fields, change);
      if (!checked.ok) return err(checked.error.join('\n'));
      const old = body.entries[at];
      // A changed credential is a different one: the old test says nothing about it.
      const entry = sealEntry(body.id, key, { name, kind: old.kind, fields: checked.value, createdAt: old.createdAt, updatedAt: new Date().toISOString() });
      const entries = [...body.entries];
      entries[at] = entry;
      return ok({ body: { ...body, entries }, answer: summary(entry) });
    });
  }

  /** Keeps the outcome of testing a credential (`credentials test`, the app's Test button) as the entry's `lastTest`. */
  async recordTest(name: string, lastTest: CredentialTestResult): Promise<Result<CredentialSummary, string>> {
    return this.update((body) => {
      const at = body.entries.findIndex((e) => e.name === name);
      if (at < 0) return err(`no credential named "${name}" in ${this.path}`);
      const entries = [...body.entries];
      entries[at] = { ...entries[at], lastTest: { at: lastTest.at, ok: lastTest.ok, message: lastTest.message } };
      return ok({ body: { ...body, entries }, answer: summary(entries[at]) });
    });
  }

  async remove(name: string): Promise<Result<void, string>> {
    // Removing needs no key, but a vault that does not open with it is one whose key the user must fix first.
    return this.update((body) => {
      if (!body.entries.some((e) => e.name === name)) return err(`no credential named "${name}" in ${this.path}`);
      return ok({ body: { ...body, entries: body.entries.filter((e) => e.name !== name) }, answer: undefined });
    });
  }

  /** How the vault's key is kept, and whether it is at hand now without asking for a passphrase (the app's unlock dialog). */
  keyStatus(): Result<{ exists: boolean; protection: 'keyring' | 'passphrase' | undefined; unlocked: boolean }, string> {
    const read = readVault(this.path);
    if (!read.ok) return read;
    if (!read.value) return ok({ exists: false, protection: undefined, unlocked: false });
    const body = read.value;
    const atHand = body.key.source === 'keyring' || Boolean(this.options.env.BAKEHOUSE_VAULT_PASSPHRASE) || this.unlocked?.keyInfo === keyInfo(body);
    return ok({ exists: true, protection: body.key.source, unlocked: atHand });
  }

  /** Finds and checks the vault's key now (asking for the passphrase if it is needed), so later calls need not ask. */
  async unlock(): Promise<Result<void, string>> {
    const read = readVault(this.path);
    if (!read.ok) return read;
    if (!read.value) return ok();
    const key = await this.keyFor(read.value);
    return key.ok ? ok() : key;
  }

  /**
   * Read–modify–write under the lock. The key is found before the lock is taken when the vault exists (a scrypt
   * derivation takes a fraction of a second that other writers should not wait for) and checked against the file read
   * again inside the lock.
   */
  private async update<T>(change: (body: VaultBody, key: Buffer) => Result<{ body: VaultBody; answer: T }, string>): Promise<Result<T, string>> {
    const before = readVault(this.path);
    if (!before.ok) return before;
    if (before.value) {
      const key = await this.keyFor(before.value);
      if (!key.ok) return key;
    }
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const lock = await acquireLock(this.path);
    if (!lock.ok) return lock;
    try {
      const read = readVault(this.path);
      if (!read.ok) return read;
      const created = read.value ? ok(read.value) : await this.create();
      if (!created.ok) return created;
      const body = created.value;
      const key = await this.keyFor(body);
      if (!key.ok) return key;
      const changed = change(body, key.value);
      if (!changed.ok) return changed;
      writeVault(this.path, changed.value.body);
      return ok(changed.value.answer);
    } catch (e) {
      return err(`${this.path}: cannot write the credential vault: ${(e as Error).message}`);
    } finally {
      lock.value.release();
    }
  }

  /** A new, empty vault body and its key (kept in the keyring or wrapped by a passphrase). */
  private async create(): Promise<Result<VaultBody, string>> {
    const id = randomUUID();
    const key = newDataKey();
    const check = seal(key, Buffer.alloc(0), keyCheckAad(id));
    const env = this.options.env;
    let keyringProblem: string | undefined;
    if (keyringWanted(env)) {
      const stored = await keyringSet(id, key.toString('base64'));
      if (stored.ok) {
        this.unlocked = { keyInfo: JSON.stringify({ id, source: 'keyring' }), key };
        return ok({ id, key: { source: 'keyring', service: KEYRING_SERVICE, account: id }, check, entries: [] });
      }
      keyringProblem = stored.error;
    }
    const passphrase = env.BAKEHOUSE_VAULT_PASSPHRASE || (await this.options.askPassphrase?.('create', this.path));
    if (!passphrase) {
      return err(
        `${this.path}: cannot create the credential vault: ${keyringProblem ?? 'the OS keyring is turned off (BAKEHOUSE_VAULT_KEYRING=0)'}, ` +
          'and no passphrase was given: set BAKEHOUSE_VAULT_PASSPHRASE, or run on a terminal to be asked for one',
      );
    }
    const salt = randomBytes(16).toString('base64');
    const kek = await deriveKey(passphrase, Buffer.from(salt, 'base64'), SCRYPT_PARAMS);
    const wrapped = seal(kek, key, wrapAad(id, salt));
    const body: VaultBody = { id, key: { source: 'passphrase', kdf: 'scrypt', ...SCRYPT_PARAMS, salt, wrapped }, check, entries: [] };
    this.unlocked = { keyInfo: keyInfo(body), key };
    return ok(body);
  }

  /** The vault's data key, from the keyring or the passphrase, proven right by the key check before it is used. */
  private async keyFor(body: VaultBody): Promise<Result<Buffer, string>> {
    const info = keyInfo(body);
    if (this.unlocked?.keyInfo === info) return ok(this.unlocked.key);
    const found = body.key.source === 'keyring' ? await this.keyFromKeyring(body) : await this.keyFromPassphrase(body);
    if (!found.ok) return found;
    if (found.value.length !== KEY_BYTES || open(found.value, body.check, keyCheckAad(body.id)) === undefined) {
      return err(`${this.path}: the key ${body.key.source === 'keyring' ? 'in the OS keyring' : 'unwrapped'} does not open this vault; nothing was changed`);
    }
    this.unlocked = { keyInfo: info, key: found.value };
    return found;
  }

  private async keyFromKeyring(body: VaultBody): Promise<Result<Buffer, string>> {
    if (body.key.source !== 'keyring') return err('not a keyring vault');
    const stored = await keyringGet(body.key.account);
    if (!stored.ok) return err(`${this.path}: the vault's key is kept in the OS keyring, but ${stored.error}`);
    if (stored.value === undefined) {
      return err(
        `${this.path}: the vault's key is not in the OS keyring (service "${body.key.service}", account "${body.key.account}"): ` +
          'the vault was made by another user or on another machine, or the keyring entry was removed',
      );
    }
    return ok(Buffer.from(stored.value, 'base64'));
  }

  private async keyFromPassphrase(body: VaultBody): Promise<Result<Buffer, string>> {
    if (body.key.source !== 'passphrase') return err('not a passphrase vault');
    const passphrase = this.options.env.BAKEHOUSE_VAULT_PASSPHRASE || (await this.options.askPassphrase?.('unlock', this.path));
    if (!passphrase) return err(`${this.path}: the credential vault is protected by a passphrase: set BAKEHOUSE_VAULT_PASSPHRASE, or run on a terminal to be asked for it`);
    const { N, r, p, salt } = body.key;
    const kek = await deriveKey(passphrase, Buffer.from(salt, 'base64'), { N, r, p });
    const key = open(kek, body.key.wrapped, wrapAad(body.id, salt));
    if (key === undefined) return err(`${this.path}: wrong passphrase for the credential vault; nothing was changed`);
    return ok(key);
  }

  private openEntry(body: VaultBody, entry: StoredEntry, key: Buffer): Result<Credential, string> {
    const plain = open(key, entry.sealed, entryAad(body.id, entry));
    if (plain === undefined) {
      return err(`${this.path}: the credential "${entry.name}" does not open with the vault's key: it was changed outside Bakehouse (the previous version is ${this.path}.bak)`);
    }
    return ok({ name: entry.name, kind: entry.kind, fields: JSON.parse(plain.toString('utf8')) as CredentialFields });
  }
}

/** What identifies the key a body needs: a new passphrase or keyring entry means a new unlock. */
function keyInfo(body: VaultBody): string {
  return JSON.stringify({ id: body.id, ...(body.key.source === 'keyring' ? { source: 'keyring' } : body.key) });
}

function sealEntry(id: string, key: Buffer, e: Omit<StoredEntry, 'sealed' | 'fields'> & { fields: CredentialFields }): StoredEntry {
  const names = Object.keys(e.fields).sort();
  const meta = { name: e.name, kind: e.kind, fields: names };
  return { ...meta, createdAt: e.createdAt, updatedAt: e.updatedAt, sealed: seal(key, Buffer.from(JSON.stringify(e.fields), 'utf8'), entryAad(id, meta)) };
}

function summary(e: StoredEntry): CredentialSummary {
  // The templates bound to a credential are kept by the app beside each template; the vault knows none of them.
  return { name: e.name, kind: e.kind, fields: [...e.fields], lastTest: e.lastTest ?? null, usedBy: [] };
}

/** Names are what bindings (`-credential 'amazon-ebs.*=prod'`) and the UI show: one short word, no spaces or `=`. */
export function checkName(name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    return `"${name}" is not a credential name: use letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)`;
  }
  return undefined;
}

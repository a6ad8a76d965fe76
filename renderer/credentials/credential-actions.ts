/**
 * The credential commands the page, the build panel and the unlock dialog run (registered in `app/actions.ts` with the
 * others). Fields typed into a form go to the host and are not kept: the store holds what the host answers, which is
 * names and metadata only. A call the host answers `locked` opens the unlock dialog and runs again once it is unlocked.
 */
import type { CredentialImportSource, CredentialKind } from '../../core/common/credentials';
import type { ContractError, Result } from '../../core/contract/result';
import { getServices } from '../app/services';
import { useApp } from '../app/store';

/** What to run again once the vault is unlocked, and what to do if the user cancels instead. */
let afterUnlock: { again: () => Promise<unknown>; cancelled: () => void } | undefined;

/** Opens the unlock dialog; `again` runs once the passphrase was taken. */
export function askUnlock(error: ContractError, again?: () => Promise<unknown>, cancelled: () => void = () => undefined): void {
  afterUnlock?.cancelled();
  afterUnlock = again ? { again, cancelled } : undefined;
  useApp.getState().setUnlock({ message: error.message, create: /choose a passphrase/.test(error.message) });
}

/** Handles a failed answer: `locked` asks for the passphrase (and retries `again`), others go to the status bar. */
function failed(error: ContractError, again?: () => Promise<unknown>): void {
  if (error.code === 'locked') return askUnlock(error, again);
  useApp.getState().setStatus(error.message, 'error');
}

export async function refreshCredentials(): Promise<void> {
  const { api } = getServices();
  const [status, list] = await Promise.all([api.credentials.status({}), api.credentials.list({})]);
  const s = useApp.getState();
  if (status.ok) s.setVault(status.value);
  if (list.ok) s.setCredentials(list.value);
  else failed(list.error);
}

export async function openCredentials(): Promise<void> {
  useApp.getState().setView('credentials');
  await refreshCredentials();
  const vault = useApp.getState().vault;
  // A vault behind a passphrase asks for it as the page opens, not in the middle of the user's first edit.
  if (vault?.locked) useApp.getState().setUnlock({ message: `The credential vault ${vault.path} is protected by a passphrase.`, create: false });
}

/**
 * Saves a form; true when the host took it (the form then closes), false when it named problems (shown by their fields).
 * A locked vault first asks for the passphrase, and the same save runs again once it is given.
 */
async function save(call: () => Promise<Result<unknown>>, done: string): Promise<boolean> {
  const r = await call();
  const s = useApp.getState();
  if (!r.ok) {
    if (r.error.code === 'invalid-input' && r.error.problems) s.setFormProblems(r.error.problems);
    else if (r.error.code === 'locked') {
      const error = r.error;
      return new Promise<boolean>((resolve) => askUnlock(error, () => save(call, done).then(resolve), () => resolve(false)));
    } else s.setStatus(r.error.message, 'error');
    return false;
  }
  s.setFormProblems([]);
  s.setStatus(done);
  await refreshCredentials();
  return true;
}

export function addCredential(input: { kind: CredentialKind; name: string; fields: Record<string, unknown> }): Promise<boolean> {
  return save(() => getServices().api.credentials.add(input), `Credential "${input.name}" saved`);
}

/** Fields left out keep their values; null removes one. */
export function editCredential(input: { name: string; fields: Record<string, unknown> }): Promise<boolean> {
  return save(() => getServices().api.credentials.edit(input), `Credential "${input.name}" saved`);
}

export async function removeCredential(name: string): Promise<void> {
  const call = () => getServices().api.credentials.remove({ name });
  const r = await call();
  if (!r.ok) return failed(r.error, call);
  useApp.getState().setStatus(`Credential "${name}" removed`);
  await refreshCredentials();
  await loadBindings();
}

export async function testCredential(input: { name: string; target?: string }): Promise<void> {
  const s = useApp.getState();
  s.setTesting(input.name, true);
  try {
    const r = await getServices().api.credentials.test(input);
    if (r.ok) useApp.getState().setTestResult(input.name, r.value);
    else if (r.error.code === 'locked') failed(r.error, () => testCredential(input));
    else useApp.getState().setTestResult(input.name, { error: r.error.message });
  } finally {
    useApp.getState().setTesting(input.name, false);
  }
  await refreshCredentials();
}

export async function importCredentials(input: { source: CredentialImportSource; path?: string }): Promise<void> {
  const call = () => getServices().api.credentials.import(input);
  const r = await call();
  if (!r.ok) return failed(r.error, call);
  const { added, skipped } = r.value;
  const s = useApp.getState();
  s.setStatus(`Imported ${added.length} credential${added.length === 1 ? '' : 's'}${skipped.length ? `; passed over ${skipped.join('; ')}` : ''}`);
  await refreshCredentials();
}

/** Gives the passphrase; on success the call that asked for it runs again. */
export async function unlockVault(passphrase: string): Promise<void> {
  const r = await getServices().api.credentials.unlock({ passphrase });
  const s = useApp.getState();
  if (!r.ok) {
    const current = s.unlock;
    s.setUnlock({ message: current?.message ?? '', create: current?.create ?? false, error: r.error.message });
    return;
  }
  s.setVault(r.value);
  s.setUnlock(undefined);
  const pending = afterUnlock;
  afterUnlock = undefined;
  await pending?.again();
  await refreshCredentials();
}

export function cancelUnlock(): void {
  afterUnlock?.cancelled();
  afterUnlock = undefined;
  useApp.getState().setUnlock(undefined);
}

/** The open template's bindings, for the build panel. */
export async function loadBindings(): Promise<void> {
  const template = useApp.getState().template;
  if (!template) return useApp.getState().setBindings(undefined);
  const r = await getServices().api.credentials.bindings({ template: template.path });
  if (r.ok) useApp.getState().setBindings(r.value);
}

/** Binds (or, with undefined, unbinds) a credential to a build (`source`) or a sensitive variable of the open template. */
export async function bindCredential(input: { to: 'source' | 'variable'; key: string; credential: string | undefined }): Promise<void> {
  const s = useApp.getState();
  const current = s.bindings;
  if (!s.template || !current) return;
  const sources = { ...current.sources };
  const variables = { ...current.variables };
  const map = input.to === 'source' ? sources : variables;
  if (input.credential === undefined) delete map[input.key];
  else map[input.key] = input.credential;
  const r = await getServices().api.credentials.setBindings({ template: current.template, sources, variables });
  if (!r.ok) return failed(r.error);
  useApp.getState().setBindings(r.value);
  await refreshCredentials();
}

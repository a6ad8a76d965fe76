/**
 * The OS keyring through @napi-rs/keyring (keyring-rs): the Secret Service on Linux (gnome-keyring, KWallet, KeePassXC),
 * the Keychain on macOS, the Credential Manager (DPAPI) on Windows. One native binding that loads in plain Node and in
 * Electron alike, so the CLI and the app reach the same key (see docs/decisions.md).
 *
 * On Linux the entry is pinned to the Secret Service: the binding would otherwise fall back to the kernel's keyutils,
 * which keeps keys in memory only, and a vault whose key is gone after a reboot is a vault lost.
 */
import { err, ok, type Result } from '../common/result';

export const KEYRING_SERVICE = 'bakehouse-credentials';

interface KeyringEntry {
  setPassword(password: string, signal?: AbortSignal | null): Promise<void>;
  getPassword(signal?: AbortSignal | null): Promise<string | null>;
  deleteCredential(signal?: AbortSignal | null): Promise<boolean>;
}

type EntryConstructor = new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => KeyringEntry;

function entry(account: string): Result<KeyringEntry, string> {
  let AsyncEntry: EntryConstructor;
  try {
    // Loaded when first needed: a passphrase vault or the CLI's other commands never pay for the native module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ({ AsyncEntry } = require('@napi-rs/keyring') as { AsyncEntry: EntryConstructor });
  } catch (e) {
    return err(`the OS keyring binding (@napi-rs/keyring) cannot be loaded on this platform: ${(e as Error).message}`);
  }
  try {
    return ok(new AsyncEntry(KEYRING_SERVICE, account, { linux: { store: 'secret-service' } }));
  } catch (e) {
    return err(`no OS keyring is reachable: ${(e as Error).message}`);
  }
}

export async function keyringGet(account: string): Promise<Result<string | undefined, string>> {
  const e = entry(account);
  if (!e.ok) return e;
  try {
    return ok((await e.value.getPassword()) ?? undefined);
  } catch (x) {
    return err(`the OS keyring cannot be read: ${(x as Error).message}`);
  }
}

/** Stores the value and reads it back, so a keyring that accepts writes it cannot keep is found out now. */
export async function keyringSet(account: string, value: string): Promise<Result<void, string>> {
  const e = entry(account);
  if (!e.ok) return e;
  try {
    await e.value.setPassword(value);
    if ((await e.value.getPassword()) !== value) return err('the OS keyring did not keep the vault key');
    return ok();
  } catch (x) {
    return err(`the OS keyring cannot be written: ${(x as Error).message}`);
  }
}

export async function keyringDelete(account: string): Promise<Result<boolean, string>> {
  const e = entry(account);
  if (!e.ok) return e;
  try {
    return ok(await e.value.deleteCredential());
  } catch (x) {
    return err(`the OS keyring entry cannot be removed: ${(x as Error).message}`);
  }
}

/**
 * Where the credential vault keeps its key in the app. The vault reaches the OS keyring through @napi-rs/keyring, as the
 * CLI does, so both open one vault; but on Linux Electron knows better whether a real keyring is there: when its
 * safeStorage falls back to `basic_text` (no Secret Service, no KWallet), a key "stored" there would be no safer than the
 * file, so the vault takes the passphrase path instead (its unlock dialog), unless the user chose with BAKEHOUSE_VAULT_KEYRING.
 */
export type SafeStorageBackend = string;

export function keyringSettingFor(platform: NodeJS.Platform, backend: SafeStorageBackend | undefined, env: Record<string, string | undefined>): string | undefined {
  if (env.BAKEHOUSE_VAULT_KEYRING !== undefined) return undefined;
  if (platform !== 'linux') return undefined;
  return backend === 'basic_text' ? '0' : undefined;
}

/**
 * The app's choice of where the vault's key lives (main/vault-backend.ts): Electron's basic_text backend on Linux (no real
 * keyring) sends the vault to its passphrase path; a real backend, another OS or the user's own setting leaves it as is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyringSettingFor } from '../../main/vault-backend';

test('on Linux, Electron\'s basic_text backend means a passphrase vault; a real keyring or the user\'s setting is kept', () => {
  assert.equal(keyringSettingFor('linux', 'basic_text', {}), '0');
  assert.equal(keyringSettingFor('linux', 'gnome_libsecret', {}), undefined);
  assert.equal(keyringSettingFor('linux', 'kwallet5', {}), undefined);
  assert.equal(keyringSettingFor('linux', 'basic_text', { BAKEHOUSE_VAULT_KEYRING: '1' }), undefined);
  assert.equal(keyringSettingFor('darwin', undefined, {}), undefined);
  assert.equal(keyringSettingFor('win32', undefined, {}), undefined);
});

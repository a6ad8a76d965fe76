/**
 * The temporary key pair a builder installs on a new machine when the user gave no credentials, and the command that
 * takes its public key out of authorized_keys again (ssh_clear_authorized_keys).
 */
import { randomBytes } from 'node:crypto';
import { utils } from 'ssh2';
import type { Outcome } from '../../engine/plugin';
import { shellQuote } from '../shell-quote';

export interface TemporaryKeyPair {
  /** OpenSSH private key text; a secret, never printed. */
  privateKey: string;
  /** The authorized_keys line, ending with `comment`. */
  publicKey: string;
  /** Names this key in authorized_keys so it can be found and removed. */
  comment: string;
}

/** A new key pair of `type` (rsa, ecdsa or ed25519; `bits` 0 means the type's default). */
export function temporaryKeyPair(type = 'rsa', bits = 0, name = ''): Outcome<TemporaryKeyPair> {
  const comment = name || `bakehouse_${randomBytes(8).toString('hex')}`;
  try {
    let pair: { private: string; public: string };
    if (type === 'ed25519') pair = utils.generateKeyPairSync('ed25519', { comment });
    else if (type === 'rsa') pair = utils.generateKeyPairSync('rsa', { bits: bits || 2048, comment });
    else if (type === 'ecdsa') pair = utils.generateKeyPairSync('ecdsa', { bits: (bits || 256) as 256 | 384 | 521, comment });
    else return { ok: false, error: `temporary_key_pair_type "${type}" is not supported: use rsa, ecdsa or ed25519` };
    return { ok: true, value: { privateKey: pair.private, publicKey: pair.public.trim(), comment } };
  } catch (e) {
    return { ok: false, error: `Could not create the temporary SSH key pair: ${(e as Error).message}` };
  }
}

/** Removes lines ending in `comment` from each authorized_keys file that exists and is writable; never fails. */
export function clearAuthorizedKeysCommand(comment: string, files: string[] = ['~/.ssh/authorized_keys', '/root/.ssh/authorized_keys']): string {
  const pattern = shellQuote(`/ ${comment.replace(/[^A-Za-z0-9_.-]/g, '.')}$/d`);
  const words = files.map((f) => (f.startsWith('~/') ? `"$HOME"/${shellQuote(f.slice(2))}` : shellQuote(f)));
  return `for f in ${words.join(' ')}; do if [ -w "$f" ]; then sed -i ${pattern} "$f"; fi; done; true`;
}

/**
 * The temporary key pair a builder installs on a new machine when the user gave no credentials, and the command that
 * takes its public key out of authorized_keys again (ssh_clear_authorized_keys).
 */
import { randomBytes } from 'node:crypto';
import { utils } from 'ssh2';
import { err, ok, type Result } from '../../common/result';
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
export function temporaryKeyPair(type = 'rsa', bits = 0, name = ''): Result<TemporaryKeyPair> {
  const comment = name || `bakehouse_${randomBytes(8).toString('hex')}`;
  try {
    if (type !== 'ed25519' && type !== 'rsa' && type !== 'ecdsa') {
      return err(`temporary_key_pair_type "${type}" is not supported: use rsa, ecdsa or ed25519`);
    }
    const pair = checkedKeyPair(() =>
      type === 'ed25519'
        ? utils.generateKeyPairSync('ed25519', { comment })
        : type === 'rsa'
          ? utils.generateKeyPairSync('rsa', { bits: bits || 2048, comment })
          : utils.generateKeyPairSync('ecdsa', { bits: (bits || 256) as 256 | 384 | 521, comment }),
    );
    return ok({ privateKey: pair.private, publicKey: pair.public.trim(), comment });
  } catch (e) {
    return err(`Could not create the temporary SSH key pair: ${(e as Error).message}`);
  }
}

/**
 * Generates with `generate` until both halves parse back. ssh2's generator drops a leading zero byte of an ed25519 public
 * key (about 3 keys in 1,000), which writes a key that neither ssh2 nor OpenSSH will read; a new key is the simple fix.
 */
export function checkedKeyPair(generate: () => { private: string; public: string }): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = generate();
    const ok = !(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error);
    if (ok) return pair;
    if (attempt >= 20) throw new Error('the generated key does not parse back');
  }
}

/** Removes lines ending in `comment` from each authorized_keys file that exists and is writable; never fails. */
export function clearAuthorizedKeysCommand(comment: string, files: string[] = ['~/.ssh/authorized_keys', '/root/.ssh/authorized_keys']): string {
  const pattern = shellQuote(`/ ${comment.replace(/[^A-Za-z0-9_.-]/g, '.')}$/d`);
  const words = files.map((f) => (f.startsWith('~/') ? `"$HOME"/${shellQuote(f.slice(2))}` : shellQuote(f)));
  return `for f in ${words.join(' ')}; do if [ -w "$f" ]; then sed -i ${pattern} "$f"; fi; done; true`;
}

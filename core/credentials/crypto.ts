/**
 * The vault's cryptography, all node:crypto: AES-256-GCM with a random 96-bit IV per sealing and its 128-bit tag, and scrypt
 * to turn a passphrase into the key that wraps the data key. What a sealed value is about (an entry's name, kind and field
 * names) is its additional authenticated data, so a ciphertext moved to another entry no longer opens.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface Sealed {
  /** base64 of the 96-bit IV, the ciphertext and the 128-bit GCM tag. */
  iv: string;
  data: string;
  tag: string;
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The plaintext, or undefined when the key is wrong or anything sealed (or its AAD) changed. */
export function open(key: Buffer, sealed: Sealed, aad: string): Buffer | undefined {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** scrypt's cost: N = 2^17, r = 8, p = 1 (OWASP's minimum for scrypt), 128 MiB of memory per derivation. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** The key-encryption key for a passphrase. Node refuses more than 32 MiB by default, so maxmem is raised to fit N·r. */
export function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

/**
 * bcrypt ($2a$, as Go's x/crypto/bcrypt writes it). Node.js ships no Blowfish, so it is here; Blowfish's initial
 * tables are the hexadecimal digits of pi, which we compute once instead of carrying 4 KiB of constants.
 */
import { randomBytes } from 'node:crypto';

const WORDS = 18 + 4 * 256;
let piWords: Uint32Array | undefined;

/** arctan(1/x) scaled by 2^bits, by its Taylor series. */
function arctanInverse(x: bigint, bits: bigint): bigint {
  const x2 = x * x;
  let term = (1n << bits) / x;
  let sum = term;
  for (let k = 1n; term !== 0n; k++) {
    term /= x2;
    const t = term / (2n * k + 1n);
    sum += k % 2n ? -t : t;
  }
  return sum;
}

/** The first 1042 32-bit words of pi's fractional part: Blowfish's P-array then its four S-boxes. */
function blowfishTables(): Uint32Array {
  if (piWords) return piWords;
  const digitsBits = BigInt(WORDS * 32);
  const bits = digitsBits + 64n;
  const pi = 16n * arctanInverse(5n, bits) - 4n * arctanInverse(239n, bits);
  const frac = (pi - (3n << bits)) >> 64n;
  const hex = frac.toString(16).padStart(WORDS * 8, '0');
  const out = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  piWords = out;
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    const t = blowfishTables();
    this.p = t.slice(0, 18);
    this.s = t.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24] + s[256 | ((x >>> 16) & 0xff)]) >>> 0) ^ s[512 | ((x >>> 8) & 0xff)]) + s[768 | (x & 0xff)]) >>> 0;
  }

  /** Encrypts the block [l, r] in place in `lr`. */
  encrypt(lr: Uint32Array, off: number): void {
    let l = lr[off];
    let r = lr[off + 1];
    const p = this.p;
    l ^= p[0];
    for (let i = 1; i <= 16; i += 2) {
      r ^= this.f(l) ^ p[i];
      l ^= this.f(r) ^ p[i + 1];
    }
    lr[off] = (r ^ p[17]) >>> 0;
    lr[off + 1] = l >>> 0;
  }

  /** Blowfish key expansion, optionally mixing in a salt (bcrypt's "expensive" variant). */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    const nextWord = (data: Uint8Array, posRef: { pos: number }) => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | data[posRef.pos]) >>> 0;
        posRef.pos = (posRef.pos + 1) % data.length;
      }
      return w;
    };
    const kref = { pos: 0 };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i] ^ nextWord(key, kref)) >>> 0;
    const sref = { pos: 0 };
    const lr = new Uint32Array(2);
    const fill = (table: Uint32Array) => {
      for (let i = 0; i < table.length; i += 2) {
        if (salt) {
          lr[0] ^= nextWord(salt, sref);
          lr[1] ^= nextWord(salt, sref);
        }
        this.encrypt(lr, 0);
        table[i] = lr[0];
        table[i + 1] = lr[1];
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's own base64: its alphabet, no padding. */
export function bcryptBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
    if (i + 1 < bytes.length) out += ALPHABET[((b1 & 15) << 2) | (b2 >> 6)];
    if (i + 2 < bytes.length) out += ALPHABET[b2 & 63];
  }
  return out;
}

export function bcryptDecodeBase64(text: string): Uint8Array {
  const bits: number[] = [...text].map((c) => ALPHABET.indexOf(c));
  const out: number[] = [];
  for (let i = 0; i + 1 < bits.length; i += 4) {
    out.push(((bits[i] << 2) | (bits[i + 1] >> 4)) & 0xff);
    if (i + 2 < bits.length) out.push((((bits[i + 1] & 15) << 4) | (bits[i + 2] >> 2)) & 0xff);
    if (i + 3 < bits.length) out.push((((bits[i + 2] & 3) << 6) | bits[i + 3]) & 0xff);
  }
  return Uint8Array.from(out);
}

/** Hashes `text` with a 16-byte salt; the salt is random unless given (tests give one). */
export function bcryptHash(text: string, cost: number, salt: Uint8Array = randomBytes(16)): string {
  const key = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const magic = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
  const words = new Uint32Array(6);
  for (let i = 0; i < 6; i++) words[i] = magic.readUInt32BE(i * 4);
  for (let n = 0; n < 64; n++) for (let i = 0; i < 6; i += 2) bf.encrypt(words, i);
  const digest = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) digest.writeUInt32BE(words[i], i * 4);
  return `$2a$${String(cost).padStart(2, '0')}$${bcryptBase64(salt)}${bcryptBase64(digest.subarray(0, 23))}`;
}

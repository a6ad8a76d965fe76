/** Hash and UUID functions. */
import { createHash, createPrivateKey, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import { encodeBase64, hashSync } from 'bcryptjs';
import { T_NUMBER, T_STRING } from '../values/type';
import { str } from '../values/value';
import { asInteger, asString } from './access';
import { FunctionError, type FunctionDef } from './define';
import { readFileFor } from './filesystem';

const p = (name: string) => ({ name, type: T_STRING });

/**
 * bcrypt in the `$2a$` form Go's x/crypto/bcrypt writes (bcryptjs's own salts say `$2b$`); `salt` is the 22 characters
 * after the cost, random unless given (tests give Packer's to compare hashes).
 */
export function bcryptHash(text: string, cost: number, salt = encodeBase64(randomBytes(16), 16)): string {
  return hashSync(text, `$2a$${String(cost).padStart(2, '0')}$${salt}`);
}

const hex = (name: string, algo: string, description: string): FunctionDef => ({
  name,
  signature: `${name}(str)`,
  description,
  params: [p('str')],
  returns: T_STRING,
  call: ([s]) => str(createHash(algo).update(asString(s), 'utf8').digest('hex')),
});

const fileHash = (name: string, algo: string, encoding: 'hex' | 'base64'): FunctionDef => ({
  name,
  signature: `${name}(path)`,
  description: `Computes the ${algo.toUpperCase()} hash of the contents of the given file, ${encoding === 'hex' ? 'hex' : 'Base64'}-encoded.`,
  params: [p('path')],
  returns: T_STRING,
  since: '1.7.0',
  call: ([v], ctx) => str(createHash(algo).update(readFileFor(ctx, asString(v))).digest(encoding)),
});

const NAMESPACES: Record<string, string> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** The 16 bytes of a UUID written in any of the forms Go's uuid.Parse accepts. */
function uuidBytes(text: string): Buffer {
  let s = text;
  if (s.length === 45 && s.startsWith('urn:uuid:')) s = s.slice(9);
  else if (s.length === 38 && s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.length !== 36 && s.length !== 32) {
    throw new FunctionError(`uuidv5() doesn't support namespace ${text} (invalid UUID length: ${text.length})`);
  }
  const compact = s.length === 36 ? s.replace(/-/g, '') : s;
  if (!/^[0-9a-fA-F]{32}$/.test(compact) || (s.length === 36 && !/^.{8}-.{4}-.{4}-.{4}-.{12}$/.test(s))) {
    throw new FunctionError(`uuidv5() doesn't support namespace ${text} (invalid UUID format)`);
  }
  return Buffer.from(compact, 'hex');
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const fromBase64Url = (s: string) => BigInt('0x' + (Buffer.from(s, 'base64url').toString('hex') || '0'));

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/**
 * RSA PKCS #1 v1.5 decryption. Node.js refuses this padding for private decryption (CVE-2023-46809),
 * so the arithmetic is done here; Packer offers it for Windows passwords encrypted by cloud providers.
 */
function rsaDecrypt(ciphertext: string, pem: string): string {
  const bytes = Buffer.from(ciphertext, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(ciphertext) || ciphertext.length % 4 !== 0) {
    throw new FunctionError(`failed to decode input ${JSON.stringify(ciphertext)}: cipher text must be base64-encoded`);
  }
  let jwk: JsonWebKey;
  try {
    jwk = createPrivateKey(pem).export({ format: 'jwk' });
  } catch {
    throw new FunctionError('failed to parse key: no key found');
  }
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.d) throw new FunctionError('failed to parse key: not an RSA private key');
  const n = fromBase64Url(jwk.n);
  const size = Buffer.from(jwk.n, 'base64url').length;
  const c = BigInt('0x' + (bytes.toString('hex') || '0'));
  if (bytes.length !== size || c >= n) throw new FunctionError('crypto/rsa: decryption error');
  const m = Buffer.from(modPow(c, fromBase64Url(jwk.d), n).toString(16).padStart(size * 2, '0'), 'hex');
  const sep = m.indexOf(0, 2);
  if (m[0] !== 0 || m[1] !== 2 || sep < 10) throw new FunctionError('crypto/rsa: decryption error');
  return m.subarray(sep + 1).toString('utf8');
}

export const cryptoFunctions: FunctionDef[] = [
  hex('md5', 'md5', 'Computes the MD5 hash of a given string and encodes it with hexadecimal digits.'),
  hex('sha1', 'sha1', 'Computes the SHA1 hash of a given string and encodes it with hexadecimal digits.'),
  hex('sha256', 'sha256', 'Computes the SHA256 hash of a given string and encodes it with hexadecimal digits.'),
  hex('sha512', 'sha512', 'Computes the SHA512 hash of a given string and encodes it with hexadecimal digits.'),
  {
    name: 'bcrypt',
    signature: 'bcrypt(str, cost...)',
    description: 'Computes a hash of the given string using the Blowfish cipher (cost defaults to 10).',
    params: [p('str')],
    variadic: { name: 'cost', type: T_NUMBER },
    returns: T_STRING,
    call: ([s, ...cost]) => {
      if (cost.length > 1) throw new FunctionError('bcrypt() takes no more than two arguments');
      // Like Go's bcrypt, a cost below the minimum falls back to the default.
      const asked = cost.length ? asInteger(cost[0], 1) : 10;
      const c = asked < 4 ? 10 : asked;
      if (c > 31) {
        throw new FunctionError(`error occured generating password\ncrypto/bcrypt: cost ${c} is outside allowed range (4,31)`);
      }
      return str(bcryptHash(asString(s), c));
    },
  },
  {
    name: 'uuidv4',
    signature: 'uuidv4()',
    description: 'Generates a unique identifier string (a random version 4 UUID).',
    params: [],
    returns: T_STRING,
    call: () => str(randomUUID()),
  },
  {
    name: 'uuidv5',
    signature: 'uuidv5(namespace, name)',
    description: 'Generates a name-based UUID (version 5) from a namespace ("dns", "url", "oid", "x500" or a UUID) and a name.',
    params: [p('namespace'), p('name')],
    returns: T_STRING,
    call: ([ns, name]) => {
      const nsText = asString(ns);
      const nsBytes = uuidBytes(NAMESPACES[nsText] ?? nsText);
      const h = createHash('sha1').update(nsBytes).update(asString(name), 'utf8').digest().subarray(0, 16);
      h[6] = (h[6] & 0x0f) | 0x50;
      h[8] = (h[8] & 0x3f) | 0x80;
      return str(formatUuid(h));
    },
  },
  {
    name: 'rsadecrypt',
    signature: 'rsadecrypt(ciphertext, privatekey)',
    description: 'Decrypts an RSA-encrypted ciphertext (base64), returning the cleartext.',
    params: [p('ciphertext'), p('privatekey')],
    returns: T_STRING,
    call: ([c, k]) => str(rsaDecrypt(asString(c), asString(k))),
  },
  {
    name: 'base64sha256',
    signature: 'base64sha256(str)',
    description: 'Computes the SHA256 hash of a given string and encodes it with Base64.',
    params: [p('str')],
    returns: T_STRING,
    since: '1.7.0',
    call: ([s]) => str(createHash('sha256').update(asString(s), 'utf8').digest('base64')),
  },
  {
    name: 'base64sha512',
    signature: 'base64sha512(str)',
    description: 'Computes the SHA512 hash of a given string and encodes it with Base64.',
    params: [p('str')],
    returns: T_STRING,
    since: '1.7.0',
    call: ([s]) => str(createHash('sha512').update(asString(s), 'utf8').digest('base64')),
  },
  fileHash('filemd5', 'md5', 'hex'),
  fileHash('filesha1', 'sha1', 'hex'),
  fileHash('filesha256', 'sha256', 'hex'),
  fileHash('filesha512', 'sha512', 'hex'),
  fileHash('filebase64sha256', 'sha256', 'base64'),
  fileHash('filebase64sha512', 'sha512', 'base64'),
];

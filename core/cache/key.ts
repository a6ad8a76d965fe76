/**
 * Cache keys: each is an HMAC-SHA256 under the data folder's salt, chained step to step, so a key says nothing about
 * what went into it (a secret in a provisioner's config or environment is never stored in clear, and cannot be guessed
 * by hashing candidates without the salt), and a change anywhere invalidates that step and every step after it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Plain } from '../template/values/value';

/** Bumped when what goes into a key changes, so entries made by an older Bakehouse are simply never hit. */
const KEY_VERSION = 'bakehouse-cache-v1';

/** The data folder's salt (`<cache>/salt`, 32 random bytes, made once, readable by its owner only). */
export function readSalt(cacheDir: string): Buffer {
  const path = join(cacheDir, 'salt');
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': two builds starting at once must not each write a different salt.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const salt = readFileSync(path);
  if (salt.length < 32) throw new Error(`The cache salt ${path} is damaged (${salt.length} bytes): remove the cache folder and build again.`);
  return salt;
}

/** JSON with object keys sorted, so the same config always hashes the same whatever order its fields were written in. */
export function canonical(value: Plain): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k] ?? null)}`)
    .join(',')}}`;
}

/** The first key of a build: what its container starts from (the base image's digest) and how (the builder's config). */
export function baseKey(salt: Buffer, builderType: string, baseDigest: string, builderConfig: Plain): string {
  return hmac(salt, [KEY_VERSION, 'base', builderType, baseDigest, canonical(builderConfig)]);
}

/** The key of a step: the key before it and the step's own fingerprint (config, files, environment: fingerprint.ts). */
export function stepKey(salt: Buffer, previous: string, fingerprint: string): string {
  return hmac(salt, [KEY_VERSION, 'step', previous, fingerprint]);
}

function hmac(salt: Buffer, parts: string[]): string {
  const h = createHmac('sha256', salt);
  // Length-prefixed, so ["ab", "c"] and ["a", "bc"] never collide.
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:`).update(p);
  return h.digest('hex');
}

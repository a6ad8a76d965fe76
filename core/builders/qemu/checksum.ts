/**
 * `iso_checksum` as Packer reads it — `sha256:…`, `md5:…`, a bare hex sum (its type guessed from the length),
 * `file:URL` (a SHA256SUMS-style list, the line for the ISO's file name is used) or `none` — and file hashing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { err, ok, type Result } from '../../common/result';

export type ChecksumType = 'md5' | 'sha1' | 'sha256' | 'sha512';

export type Checksum = { kind: 'none' } | { kind: 'sum'; type: ChecksumType; value: string } | { kind: 'file'; type?: ChecksumType; url: string };

const BY_LENGTH: Record<number, ChecksumType> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const TYPES: ChecksumType[] = ['md5', 'sha1', 'sha256', 'sha512'];

export function parseChecksum(text: string): Result<Checksum> {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return ok({ kind: 'none' });
  const colon = t.indexOf(':');
  const prefix = colon > 0 ? t.slice(0, colon).toLowerCase() : '';
  if (prefix === 'file') return ok({ kind: 'file', url: t.slice(colon + 1) });
  if ((TYPES as string[]).includes(prefix)) {
    const rest = t.slice(colon + 1);
    if (rest.startsWith('file:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return ok({ kind: 'file', type: prefix as ChecksumType, url: rest.replace(/^file:/, '') });
    return sum(prefix as ChecksumType, rest);
  }
  if (colon > 0 && /^[a-z][a-z0-9+.-]*$/i.test(prefix) && !/^[0-9a-f]+$/i.test(prefix)) {
    return err(`iso_checksum: unknown checksum type "${prefix}": use md5, sha1, sha256, sha512, file:URL or none`);
  }
  const guessed = BY_LENGTH[t.length];
  if (!guessed) return err(`iso_checksum: "${t}" is not a checksum: write it as "sha256:<hex>", "file:<url>" or "none"`);
  return sum(guessed, t);
}

function sum(type: ChecksumType, value: string): Result<Checksum> {
  const v = value.trim().toLowerCase();
  const want = Object.entries(BY_LENGTH).find(([, t]) => t === type)?.[0];
  if (!/^[0-9a-f]+$/.test(v) || String(v.length) !== want) {
    return err(`iso_checksum: "${value}" is not a ${type} sum (${want} hex digits expected)`);
  }
  return ok({ kind: 'sum', type, value: v });
}

/** Finds the sum for `fileName` in a checksum list (GNU `sum  name`, `sum *name` or BSD `SHA256 (name) = sum`). */
export function sumFromList(list: string, fileName: string, type?: ChecksumType): Result<{ type: ChecksumType; value: string }> {
  const name = basename(fileName);
  const lines = list.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const bsd = /^(\w+)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)$/.exec(line);
    const gnu = /^([0-9a-fA-F]+)\s+\*?(.+)$/.exec(line);
    const [file, value] = bsd ? [bsd[2], bsd[3]] : gnu ? [gnu[2], gnu[1]] : ['', ''];
    if (file === '' || basename(file.replace(/^\.\//, '')) !== name) continue;
    const found = type ?? BY_LENGTH[value.length];
    if (!found) continue;
    return ok({ type: found, value: value.toLowerCase() });
  }
  // A list holding a single bare sum applies to whatever file it was fetched for.
  if (lines.length === 1 && /^[0-9a-fA-F]+$/.test(lines[0])) {
    const found = type ?? BY_LENGTH[lines[0].length];
    if (found) return ok({ type: found, value: lines[0].toLowerCase() });
  }
  return err(`no checksum for ${name} in the checksum file`);
}

export async function hashFile(path: string, type: ChecksumType, signal?: AbortSignal): Promise<string> {
  const hash = createHash(type);
  const stream = createReadStream(path, { signal });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

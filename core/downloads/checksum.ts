/**
 * `iso_checksum` as Packer reads it — `sha256:…`, `md5:…`, a bare hex sum (its type guessed from the length),
 * `file:URL` (a SHA256SUMS-style list, read as go-getter reads it) or `none` — and file hashing. Shared by every
 * builder that downloads an ISO and by the template loader, which checks a checksum file as Packer's Prepare does.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { err, ok, type Result } from '../common/result';

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

/** A sum as go-getter reads it: the hash named or guessed from the length, and the hex value (lower case). */
export interface FileSum {
  type: ChecksumType;
  value: string;
}

/**
 * The sum a checksum list (GNU `sum  name`, `sum *name`, BSD `SHA256 (name) = sum`) gives the file at `isoUrl`, found
 * as go-getter's checksumFromFile finds it (Packer's ISOConfig Prepare, and StepDownload): the first line naming the file
 * (by its name, `*name`, `?name`, its path relative to the list's folder, `./` that, its absolute path, or a name the
 * file's path contains), or the first line that names no file at all. A line go-getter cannot read is passed over, and so
 * is a last line without a newline (its reader stops at EOF before looking at it).
 * `cwd` is the folder Packer runs in, which go-getter resolves relative paths from.
 */
export function checksumFromList(list: string, isoUrl: string, listUrl: string, cwd: string): Result<FileSum> {
  const checksummed = urlPath(isoUrl);
  const filename = goBase(checksummed);
  const absPath = posix.resolve(cwd, checksummed);
  const listDir = posix.dirname(urlPath(listUrl) || '.');
  // filepath.Rel cannot relate an absolute path to a relative folder; go-getter goes on without that identifier.
  const relpath = posix.isAbsolute(listDir) ? posix.relative(listDir, absPath) || '.' : '';
  const names = [filename, `*${filename}`, `?${filename}`, relpath, `./${relpath}`, absPath];
  const lines = list.split('\n');
  lines.pop();
  for (const line of lines) {
    const entry = checksumLine(`${line}\n`);
    if (!entry) continue;
    if (entry.filename === '') return ok(entry.sum);
    if (names.some((n) => n !== '' && n === entry.filename)) return ok(entry.sum);
    // A list may name files in sub-folders (./netboot/mini.iso): go-getter accepts one whose path contains that name.
    if (checksummed.includes(entry.filename.replace(/^[./]+/, ''))) return ok(entry.sum);
  }
  return err(`no checksum found in: ${listUrl}`);
}

const HASH_BY_BYTES: Record<number, ChecksumType> = { 16: 'md5', 20: 'sha1', 32: 'sha256', 64: 'sha512' };

/** go-getter's parseChecksumLine: BSD lines have four fields, GNU lines two; a line of any other width names no file. */
function checksumLine(line: string): { sum: FileSum; filename: string } | undefined {
  if (line[0] === '#' || line[0] === '/' || line[0] === '-') return undefined;
  const parts = line.split(/\s+/).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  if (parts.length === 4) {
    const named = parts[1];
    if (named.length <= 2 || named[0] !== '(' || named[named.length - 1] !== ')') return undefined;
    const type = parts[0].toLowerCase();
    if (!isHex(parts[3]) || !(TYPES as string[]).includes(type)) return undefined;
    return { sum: { type: type as ChecksumType, value: parts[3].toLowerCase() }, filename: named.slice(1, -1) };
  }
  const type = isHex(parts[0]) ? HASH_BY_BYTES[parts[0].length / 2] : undefined;
  if (!type) return undefined;
  return { sum: { type, value: parts[0].toLowerCase() }, filename: parts.length === 2 ? parts[1] : '' };
}

/** What Go's hex.DecodeString accepts. */
function isHex(s: string): boolean {
  return /^([0-9a-fA-F]{2})*$/.test(s);
}

/** The path go-getter sees in a URL or a local path (Go's url.Parse: decoded, without query or fragment). */
export function urlPath(raw: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    try {
      return decodeURIComponent(new URL(raw).pathname);
    } catch {
      return raw;
    }
  }
  return raw.replace(/[?#].*$/, '');
}

/** Go's filepath.Base: the last element, "." for an empty path, "/" for the root. */
function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : posix.basename(trimmed);
}

export async function hashFile(path: string, type: ChecksumType, signal?: AbortSignal): Promise<string> {
  const hash = createHash(type);
  const stream = createReadStream(path, { signal });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

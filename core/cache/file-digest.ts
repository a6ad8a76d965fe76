/**
 * The SHA-256 of a build's base disk or ISO, read once per version of the file. A QEMU build keys its cache on it
 * (core/builders/qemu/cache.ts), and reading a 500 MB disk image costs every build about two seconds. The digest is
 * remembered under the cache folder by what tells a changed file, as make and git's index do: its device, inode, size,
 * and modification and change times in nanoseconds. Any write to the file changes the change time, which no tool can set
 * back, so a file changed in place is read again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function fileSha256(path: string, cacheFolder: string, signal: AbortSignal): Promise<string> {
  const before = await stat(path, { bigint: true });
  const identity = [path, before.dev, before.ino, before.size, before.mtimeNs, before.ctimeNs].join('\0');
  const memo = join(cacheFolder, 'digests', createHash('sha256').update(identity).digest('hex'));
  const known = await readFile(memo, 'utf8').catch(() => '');
  if (/^[0-9a-f]{64}$/.test(known)) return known;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) h.update(chunk as Buffer);
  const digest = h.digest('hex');
  // Remembered only if the file did not change while it was read.
  const after = await stat(path, { bigint: true });
  if (after.ctimeNs === before.ctimeNs && after.size === before.size) {
    await mkdir(join(cacheFolder, 'digests'), { recursive: true, mode: 0o700 });
    const aside = `${memo}.${process.pid}.${Date.now()}`;
    await writeFile(aside, digest, { mode: 0o600 });
    await rename(aside, memo);
  }
  return digest;
}

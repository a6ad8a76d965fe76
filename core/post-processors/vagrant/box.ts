/**
 * A Vagrant box is a tar (gzip-compressed unless compression_level is 0) of a flat folder: metadata.json, the
 * Vagrantfile and the provider's files. The box appears at its path only once complete.
 */
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeToNewFile } from '../../files/atomic-write';
import { createParallelGzip } from '../../archives/parallel-gzip';
import { packFlat } from '../../archives/tar';

/** Packer's box layout order: the folder's names sorted byte-wise, as Go's filepath.Walk visits them. */
export function boxFileOrder(dir: string): string[] {
  return readdirSync(dir).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1));
}

/**
 * Tars `dir` into `target` at `level` (0: no compression, -1: gzip's default), gzipped on every core as Packer's pgzip
 * does; `onFile` hears each name in box order.
 */
export async function writeBox(dir: string, target: string, level: number, signal: AbortSignal, onFile?: (name: string) => void): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.partial`);
  const names = boxFileOrder(dir);
  for (const name of names) onFile?.(name);
  const stages: Writable[] = level === 0 ? [] : [createParallelGzip({ level })];
  await pipeToNewFile([packFlat(names.map((n) => join(dir, n))), ...stages], partial, signal);
  renameSync(partial, target);
}

/** Packer's dummy box: proves early, with a tiny box, that this machine can write one at this compression level. */
export async function writeDummyBox(level: number, signal: AbortSignal): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-box-'));
  try {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'metadata.json'), '{}\n');
    await writeBox(join(dir, 'in'), join(dir, 'dummy.box'), level, signal);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Puts a file into the box folder without copying its bytes when the filesystem allows (a disk image can be large). */
export function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

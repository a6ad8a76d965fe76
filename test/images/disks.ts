/** Small disk images for tests, made with qemu-img, and a way to list what a tar archive holds. */
import { execFileSync } from 'node:child_process';
import { openTar, readTar, type TarEntry } from '../../core/archives/tar';

export function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8' });
}

export function makeDisk(path: string, format: 'raw' | 'qcow2', size = '64M'): void {
  qemuImg('create', '-q', '-f', format, path, size);
}

export interface DiskReport {
  format: string;
  virtualSize: number;
  createType?: string;
}

export function inspectDisk(path: string): DiskReport {
  const info = JSON.parse(qemuImg('info', '--output=json', path)) as {
    format: string;
    'virtual-size': number;
    'format-specific'?: { data?: { 'create-type'?: string } };
  };
  return { format: info.format, virtualSize: info['virtual-size'], createType: info['format-specific']?.data?.['create-type'] };
}

export interface ListedEntry extends TarEntry {
  content: Buffer;
}

/** Every entry of a (possibly gzipped) tar, bodies included: only for the small archives tests make. */
export async function listTar(path: string): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  await readTar(openTar(path), async (entry, body) => {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    out.push({ ...entry, content: Buffer.concat(chunks) });
  });
  return out;
}

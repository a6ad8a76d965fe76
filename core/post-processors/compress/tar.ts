/** A streaming tar writer in Packer's layout: each file under its base name, mode and owner kept, modification time zero. */
import { createReadStream, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';

const BLOCK = 512;

export async function* tarEntries(files: readonly string[]): AsyncGenerator<Buffer> {
  for (const file of files) {
    const st = statSync(file);
    yield tarHeader(basename(file), st.mode & 0o7777, st.uid, st.gid, st.size);
    let written = 0;
    for await (const chunk of createReadStream(file)) {
      written += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (written !== st.size) throw new Error(`${file} changed size while being archived`);
    const pad = (BLOCK - (st.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

function tarHeader(name: string, mode: number, uid: number, gid: number, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`file name too long for a tar archive: ${name}`);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, uid);
  octal(h, 116, 8, gid);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.write('        ', 148, 8, 'ascii');
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\u000000', 257, 8, 'ascii');
  h.write(userName(uid), 265, 32, 'utf8');
  h.write(groupName(gid, uid), 297, 32, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return h;
}

function octal(h: Buffer, at: number, width: number, n: number): void {
  h.write(`${n.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'ascii');
}

function userName(uid: number): string {
  if (uid === 0) return 'root';
  try {
    const me = userInfo();
    return me.uid === uid ? me.username : '';
  } catch {
    return '';
  }
}

function groupName(gid: number, uid: number): string {
  return gid === 0 ? 'root' : gid === uid ? userName(uid) : '';
}

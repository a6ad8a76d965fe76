/**
 * LZ4 frame format (lz4.org's frame spec v1.6.x) as a streaming encoder: independent 4 MiB blocks, a content checksum,
 * and a greedy single-pass match finder. Output is readable by `lz4 -d` and every LZ4 frame decoder.
 */
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = 0x184d2204;
const BLOCK_SIZE = 4 * 1024 * 1024;
const MIN_MATCH = 4;
/** The spec's rules: the last 5 bytes are literals, and no match may start within the last 12 bytes of a block. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_BITS = 16;
const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const PRIME32_4 = 0x27d4eb2f;
const PRIME32_5 = 0x165667b1;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** xxHash32, streaming, as LZ4 frames use it for header and content checksums. */
export class Xxh32 {
  private v = [0, 0, 0, 0];
  private buf = Buffer.alloc(16);
  private bufLen = 0;
  private total = 0;
  constructor(private readonly seed = 0) {
    this.v = [(seed + PRIME32_1 + PRIME32_2) >>> 0, (seed + PRIME32_2) >>> 0, seed >>> 0, (seed - PRIME32_1) >>> 0];
  }

  private round(i: number, input: number): void {
    this.v[i] = Math.imul(rotl((this.v[i] + Math.imul(input, PRIME32_2)) >>> 0, 13), PRIME32_1) >>> 0;
  }

  update(data: Buffer): this {
    this.total += data.length;
    let p = 0;
    if (this.bufLen > 0) {
      const take = Math.min(16 - this.bufLen, data.length);
      data.copy(this.buf, this.bufLen, 0, take);
      this.bufLen += take;
      p = take;
      if (this.bufLen < 16) return this;
      for (let i = 0; i < 4; i++) this.round(i, this.buf.readUInt32LE(i * 4));
      this.bufLen = 0;
    }
    for (; p + 16 <= data.length; p += 16) for (let i = 0; i < 4; i++) this.round(i, data.readUInt32LE(p + i * 4));
    if (p < data.length) {
      data.copy(this.buf, 0, p);
      this.bufLen = data.length - p;
    }
    return this;
  }

  digest(): number {
    let h =
      this.total >= 16
        ? (rotl(this.v[0], 1) + rotl(this.v[1], 7) + rotl(this.v[2], 12) + rotl(this.v[3], 18)) >>> 0
        : (this.seed + PRIME32_5) >>> 0;
    h = (h + this.total) >>> 0;
    let p = 0;
    for (; p + 4 <= this.bufLen; p += 4) h = Math.imul(rotl((h + Math.imul(this.buf.readUInt32LE(p), PRIME32_3)) >>> 0, 17), PRIME32_4) >>> 0;
    for (; p < this.bufLen; p++) h = Math.imul(rotl((h + Math.imul(this.buf[p], PRIME32_5)) >>> 0, 11), PRIME32_1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), PRIME32_2) >>> 0;
    h = Math.imul(h ^ (h >>> 13), PRIME32_3) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  }
}

/** Compresses one block; returns its LZ4 sequences, or undefined when they would not be smaller than the input. */
export function compressBlock(src: Buffer): Buffer | undefined {
  const n = src.length;
  const out = Buffer.allocUnsafe(n + Math.ceil(n / 255) + 16);
  let o = 0;
  let anchor = 0;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const hash = (i: number): number => Math.imul(src.readUInt32LE(i), 2654435761) >>> (32 - HASH_BITS);
  const writeLength = (len: number): void => {
    for (; len >= 255; len -= 255) out[o++] = 255;
    out[o++] = len;
  };
  let i = 0;
  const matchLimit = n - LAST_LITERALS;
  while (i + MF_LIMIT <= n) {
    const h = hash(i);
    const ref = table[h];
    table[h] = i;
    if (ref < 0 || i - ref > 0xffff || src.readUInt32LE(ref) !== src.readUInt32LE(i)) {
      i++;
      continue;
    }
    let len = MIN_MATCH;
    while (i + len < matchLimit && src[ref + len] === src[i + len]) len++;
    const literals = i - anchor;
    const token = o++;
    out[token] = (Math.min(literals, 15) << 4) | Math.min(len - MIN_MATCH, 15);
    if (literals >= 15) writeLength(literals - 15);
    src.copy(out, o, anchor, i);
    o += literals;
    out.writeUInt16LE(i - ref, o);
    o += 2;
    if (len - MIN_MATCH >= 15) writeLength(len - MIN_MATCH - 15);
    i += len;
    anchor = i;
    if (o > n) return undefined;
  }
  const literals = n - anchor;
  out[o++] = Math.min(literals, 15) << 4;
  if (literals >= 15) writeLength(literals - 15);
  src.copy(out, o, anchor, n);
  o += literals;
  return o < n ? out.subarray(0, o) : undefined;
}

/** A stream that turns its input into one LZ4 frame. */
export function createLz4Encoder(): Transform {
  const content = new Xxh32();
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let headerWritten = false;

  const header = (): Buffer => {
    const h = Buffer.alloc(7);
    h.writeUInt32LE(MAGIC, 0);
    h[4] = 0x64; // version 01, independent blocks, content checksum
    h[5] = 0x70; // 4 MiB maximum block size
    h[6] = (new Xxh32().update(h.subarray(4, 6)).digest() >>> 8) & 0xff;
    return h;
  };
  const block = (data: Buffer): Buffer => {
    const packed = compressBlock(data);
    const size = Buffer.alloc(4);
    // The size's top bit marks a block stored as is, when compression would not make it smaller.
    size.writeUInt32LE(packed ? packed.length : (data.length | 0x80000000) >>> 0, 0);
    return Buffer.concat([size, packed ?? data]);
  };

  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!headerWritten) {
        this.push(header());
        headerWritten = true;
      }
      content.update(chunk);
      pending.push(chunk);
      pendingLen += chunk.length;
      while (pendingLen >= BLOCK_SIZE) {
        const all = Buffer.concat(pending, pendingLen);
        this.push(block(all.subarray(0, BLOCK_SIZE)));
        const rest = all.subarray(BLOCK_SIZE);
        pending = rest.length ? [rest] : [];
        pendingLen = rest.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (!headerWritten) this.push(header());
      if (pendingLen > 0) this.push(block(Buffer.concat(pending, pendingLen)));
      const end = Buffer.alloc(8);
      end.writeUInt32LE(content.digest(), 4);
      this.push(end);
      done();
    },
  });
}

// Draws the app icon (a loaf on a rounded tile) into resources/icons/NxN.png for electron-builder; no image tools needed.
// Run: node scripts/make-icons.mjs. electron-builder derives .icns and .ico from the 1024 and 256 PNGs.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const OUT = 'resources/icons';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The colour at a point of the unit square (0..1), or null for transparent. */
function shade(x, y) {
  const r = 0.2;
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r - 0.04), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - r - 0.04), 0);
  if (dx * dx + dy * dy > r * r) return null;
  // The loaf: an ellipse whose top is domed, with three diagonal score marks.
  const ex = (x - 0.5) / 0.34;
  const ey = (y - 0.56) / (y < 0.56 ? 0.24 : 0.14);
  if (ex * ex + ey * ey <= 1) {
    for (const cx of [0.37, 0.5, 0.63]) {
      const d = Math.abs((x - cx) - (y - 0.5) * 0.6);
      if (d < 0.018 && y > 0.38 && y < 0.6) return [150, 84, 34];
    }
    return y > 0.62 ? [196, 120, 52] : [232, 164, 84];
  }
  return [58, 36, 24];
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) {
  const rgba = Buffer.alloc(size * size * 4);
  const ss = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a++;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  writeFileSync(`${OUT}/${size}x${size}.png`, png(size, rgba));
}
// electron-builder's default names: icon.png for macOS and Windows (converted), the NxN set for Linux.
copyFileSync(`${OUT}/1024x1024.png`, `${OUT}/icon.png`);

/** ANSI SGR colour codes in build output, split into styled runs for display; other escape sequences are dropped. */
export interface StyledRun {
  text: string;
  fg?: string;
  bold?: boolean;
}

const COLOURS = ['#4d4d4d', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
const BRIGHT = ['#808080', '#ff6b6b', '#5af78e', '#fffb8f', '#6cb6ff', '#ff92df', '#6be5fd', '#ffffff'];

const ESCAPE = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function hasAnsi(text: string): boolean {
  return text.includes('\x1b[');
}

export function parseAnsi(text: string): StyledRun[] {
  if (!hasAnsi(text)) return [{ text }];
  const runs: StyledRun[] = [];
  let fg: string | undefined;
  let bold = false;
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), fg, bold });
    last = m.index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) {
        fg = undefined;
        bold = false;
      } else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c >= 30 && c <= 37) fg = COLOURS[c - 30];
      else if (c >= 90 && c <= 97) fg = BRIGHT[c - 90];
      else if (c === 39) fg = undefined;
      else if (c === 38 && codes[i + 1] === 5) {
        fg = xterm256(codes[i + 2] ?? 7);
        i += 2;
      } else if (c === 38 && codes[i + 1] === 2) {
        fg = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        i += 4;
      }
    }
  }
  if (last < text.length) runs.push({ text: text.slice(last), fg, bold });
  return runs.filter((r) => r.text.length > 0);
}

/** Text without escape sequences: for search, copy and save. */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(ESCAPE, '') : text;
}

function xterm256(n: number): string {
  if (n < 8) return COLOURS[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const step = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${step(Math.floor(i / 36))},${step(Math.floor(i / 6) % 6)},${step(i % 6)})`;
}

/** Time formatting for `isotime` (Go reference-time layouts) and `strftime` (C-style %-codes), always in UTC as Packer does. */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, w: number, c = '0'): string => String(n).padStart(w, c);

/** Layout elements of Go's reference time "Mon Jan 2 15:04:05 MST 2006", longest first so prefixes do not win. */
const ELEMENTS: Array<[string, (d: Date) => string]> = [
  ['January', (d) => MONTHS[d.getUTCMonth()]],
  ['Monday', (d) => DAYS[d.getUTCDay()]],
  ['Z07:00:00', () => 'Z'],
  ['-07:00:00', () => '+00:00:00'],
  ['Z07:00', () => 'Z'],
  ['-07:00', () => '+00:00'],
  ['Z0700', () => 'Z'],
  ['-0700', () => '+0000'],
  ['Z07', () => 'Z'],
  ['-07', () => '+00'],
  ['2006', (d) => pad(d.getUTCFullYear(), 4)],
  ['002', (d) => pad(dayOfYear(d), 3)],
  ['__2', (d) => pad(dayOfYear(d), 3, ' ')],
  ['Jan', (d) => MONTHS[d.getUTCMonth()].slice(0, 3)],
  ['Mon', (d) => DAYS[d.getUTCDay()].slice(0, 3)],
  ['MST', () => 'UTC'],
  ['01', (d) => pad(d.getUTCMonth() + 1, 2)],
  ['02', (d) => pad(d.getUTCDate(), 2)],
  ['_2', (d) => pad(d.getUTCDate(), 2, ' ')],
  ['03', (d) => pad(hour12(d), 2)],
  ['04', (d) => pad(d.getUTCMinutes(), 2)],
  ['05', (d) => pad(d.getUTCSeconds(), 2)],
  ['06', (d) => pad(d.getUTCFullYear() % 100, 2)],
  ['15', (d) => pad(d.getUTCHours(), 2)],
  ['PM', (d) => (d.getUTCHours() >= 12 ? 'PM' : 'AM')],
  ['pm', (d) => (d.getUTCHours() >= 12 ? 'pm' : 'am')],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2', (d) => String(d.getUTCDate())],
  ['3', (d) => String(hour12(d))],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
];

function hour12(d: Date): number {
  const h = d.getUTCHours() % 12;
  return h === 0 ? 12 : h;
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

/** Formats `d` with a Go layout such as "2006-01-02T15:04:05Z07:00". */
export function formatGoTime(d: Date, layout: string): string {
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    // Fractional seconds: ".000" keeps zeros, ".999" drops trailing ones.
    const frac = /^[.,](0+|9+)/.exec(layout.slice(i));
    if (frac && !/[0-9]/.test(layout[i + frac[0].length] ?? '')) {
      const digits = frac[1].length;
      const ms = pad(d.getUTCMilliseconds(), 3).padEnd(9, '0').slice(0, digits);
      if (frac[1][0] === '0') out += layout[i] + ms;
      else {
        const trimmed = ms.replace(/0+$/, '');
        if (trimmed) out += layout[i] + trimmed;
      }
      i += frac[0].length;
      continue;
    }
    for (const [el, fn] of ELEMENTS) {
      if (layout.startsWith(el, i)) {
        // Go reads "Jan" only when not followed by a lowercase letter, and "Mon" likewise.
        if ((el === 'Jan' || el === 'Mon') && /[a-z]/.test(layout[i + 3] ?? '')) break;
        out += fn(d);
        i += el.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}

/** Formats `d` with the strftime codes Packer's strftime library knows (%Y, %m, %d, %H, %M, %S, …); others are written as is. */
export function formatStrftime(d: Date, format: string): string {
  const codes: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()].slice(0, 3),
    A: () => DAYS[d.getUTCDay()],
    b: () => MONTHS[d.getUTCMonth()].slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()],
    d: () => pad(d.getUTCDate(), 2),
    H: () => pad(d.getUTCHours(), 2),
    I: () => pad(hour12(d), 2),
    // %L is milliseconds with a leading dot, as the library writes it.
    L: () => `.${pad(d.getUTCMilliseconds(), 3)}`,
    m: () => pad(d.getUTCMonth() + 1, 2),
    M: () => pad(d.getUTCMinutes(), 2),
    p: () => (d.getUTCHours() >= 12 ? 'PM' : 'AM'),
    S: () => pad(d.getUTCSeconds(), 2),
    y: () => pad(d.getUTCFullYear() % 100, 2),
    Y: () => String(d.getUTCFullYear()),
    Z: () => 'UTC',
    z: () => '+0000',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (m, c: string) => (codes[c] ? codes[c]() : m));
}

/** Packer's own functions: the legacy JSON template's isotime and strftime, for templates moved to HCL2. */
import { T_STRING } from '../values/type';
import { str } from '../values/value';
import { asString } from './access';
import type { FunctionDef } from './define';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

/** Formats a UTC moment with a Go reference-time layout (`2006-01-02T15:04:05Z07:00`). */
export function formatGoLayout(layout: string, d: Date): string {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const h = d.getUTCHours();
  const mi = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  const ms = d.getUTCMilliseconds();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const yday = Math.floor((Date.UTC(y, mo, day) - Date.UTC(y, 0, 1)) / 86400000) + 1;
  const tokens: [string, () => string][] = [
    ['January', () => MONTHS[mo]],
    ['Monday', () => DAYS[d.getUTCDay()]],
    ['2006', () => pad(y, 4)],
    ['Z07:00', () => 'Z'],
    ['-07:00', () => '+00:00'],
    ['Z0700', () => 'Z'],
    ['-0700', () => '+0000'],
    ['Z07', () => 'Z'],
    ['-07', () => '+00'],
    ['.000000000', () => '.' + pad(ms, 3) + '000000'],
    ['.000000', () => '.' + pad(ms, 3) + '000'],
    ['.000', () => '.' + pad(ms, 3)],
    ['.999999999', () => (ms ? '.' + pad(ms, 3).replace(/0+$/, '') : '')],
    ['.999', () => (ms ? '.' + pad(ms, 3).replace(/0+$/, '') : '')],
    ['Jan', () => MONTHS[mo].slice(0, 3)],
    ['Mon', () => DAYS[d.getUTCDay()].slice(0, 3)],
    ['MST', () => 'UTC'],
    ['002', () => pad(yday, 3)],
    ['__2', () => pad(yday, 3, ' ')],
    ['01', () => pad(mo + 1)],
    ['02', () => pad(day)],
    ['_2', () => pad(day, 2, ' ')],
    ['03', () => pad(h12)],
    ['04', () => pad(mi)],
    ['05', () => pad(s)],
    ['06', () => pad(y % 100)],
    ['15', () => pad(h)],
    ['PM', () => (h < 12 ? 'AM' : 'PM')],
    ['pm', () => (h < 12 ? 'am' : 'pm')],
    ['1', () => String(mo + 1)],
    ['2', () => String(day)],
    ['3', () => String(h12)],
    ['4', () => String(mi)],
    ['5', () => String(s)],
  ];
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [tok, f] of tokens) {
      if (layout.startsWith(tok, i)) {
        out += f();
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i++];
  }
  return out;
}

/** C's strftime subset that Packer's legacy `strftime` supports. */
export function formatStrftime(format: string, d: Date): string {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const h = d.getUTCHours();
  const map: Record<string, () => string> = {
    a: () => DAYS[d.getUTCDay()].slice(0, 3),
    A: () => DAYS[d.getUTCDay()],
    b: () => MONTHS[mo].slice(0, 3),
    B: () => MONTHS[mo],
    c: () => formatGoLayout('Mon Jan _2 15:04:05 2006', d),
    d: () => pad(d.getUTCDate()),
    H: () => pad(h),
    I: () => pad(h % 12 === 0 ? 12 : h % 12),
    j: () => pad(Math.floor((Date.UTC(y, mo, d.getUTCDate()) - Date.UTC(y, 0, 1)) / 86400000) + 1, 3),
    m: () => pad(mo + 1),
    M: () => pad(d.getUTCMinutes()),
    p: () => (h < 12 ? 'AM' : 'PM'),
    S: () => pad(d.getUTCSeconds()),
    y: () => pad(y % 100),
    Y: () => pad(y, 4),
    Z: () => 'UTC',
    z: () => '+0000',
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, c: string) => (map[c] ? map[c]() : all));
}

export const packerFunctions: FunctionDef[] = [
  {
    name: 'legacy_isotime',
    signature: 'legacy_isotime(format)',
    description: 'Returns the current UTC time formatted with a Go time layout, like the JSON template isotime function.',
    params: [{ name: 'format', type: T_STRING }],
    returns: T_STRING,
    since: '1.7.0',
    call: ([f], ctx) => str(formatGoLayout(asString(f), ctx.now ?? new Date())),
  },
  {
    name: 'legacy_strftime',
    signature: 'legacy_strftime(format)',
    description: 'Returns the current UTC time formatted with C strftime verbs, like the JSON template strftime function.',
    params: [{ name: 'format', type: T_STRING }],
    returns: T_STRING,
    since: '1.7.0',
    call: ([f], ctx) => str(formatStrftime(asString(f), ctx.now ?? new Date())),
  },
];


/** Date and time functions on RFC 3339 timestamps. */
import { T_STRING } from '../values/type';
import { str } from '../values/value';
import { asString } from './access';
import { FunctionError, type FunctionDef } from './define';

const p = (name: string) => ({ name, type: T_STRING });

/** A moment with the UTC offset it was written in (minutes east of UTC), as Go's time.Time keeps it. */
export interface ZonedTime {
  ms: number;
  offset: number;
  utc: boolean;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function parseRfc3339(s: string, argIndex?: number): ZonedTime {
  const bad = (what: string, part: string): never => {
    throw new FunctionError(`not a valid RFC3339 timestamp: cannot use ${JSON.stringify(part)} as ${what}`, argIndex);
  };
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) {
    if (!/^\d{4}/.test(s)) bad('year', s);
    if (/^\d{4}-\d{2}-\d{2}/.test(s) && !/^.{10}[Tt]/.test(s)) {
      throw new FunctionError("not a valid RFC3339 timestamp: missing required time introducer 'T'", argIndex);
    }
    throw new FunctionError(`not a valid RFC3339 timestamp: ${JSON.stringify(s)} does not match the RFC3339 layout`, argIndex);
  }
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const ranges: [string, number, number, number, string][] = [
    [mo, 1, 12, 7, 'month'],
    [h, 0, 23, 13, 'hour'],
    [mi, 0, 59, 16, 'minute'],
    [se, 0, 59, 19, 'second'],
  ];
  for (const [text, lo, hi, rest, what] of ranges) {
    if (Number(text) < lo || Number(text) > hi) bad(what, s.slice(rest));
  }
  if (Number(d) < 1 || Number(d) > new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate()) {
    throw new FunctionError('not a valid RFC3339 timestamp: day out of range', argIndex);
  }
  const utc = zone === 'Z' || zone === 'z';
  const offset = utc ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), frac ? Math.floor(Number(frac) * 1000) : 0) - offset * 60000;
  return { ms, offset, utc };
}

/** The wall-clock fields of `t` in its own offset. */
function fields(t: ZonedTime) {
  const d = new Date(t.ms + t.offset * 60000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth(),
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function zone(t: ZonedTime, colon: boolean): string {
  const a = Math.abs(t.offset);
  return `${t.offset < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}${colon ? ':' : ''}${pad2(a % 60)}`;
}

export function formatRfc3339(t: ZonedTime): string {
  const f = fields(t);
  return `${f.year}-${pad2(f.month + 1)}-${pad2(f.day)}T${pad2(f.hour)}:${pad2(f.minute)}:${pad2(f.second)}${t.utc ? 'Z' : zone(t, true)}`;
}

/** Go's time.ParseDuration, in milliseconds (sub-millisecond parts kept as fractions). */
export function parseDuration(s: string): number {
  const fail = (): never => {
    throw new FunctionError(`time: invalid duration ${JSON.stringify(s)}`);
  };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') fail();
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let total = 0;
  while (rest) {
    const m = /^(\d*\.?\d*)([^\d.]*)/.exec(rest) as RegExpExecArray;
    if (m[1] === '' || m[1] === '.') fail();
    if (m[2] === '') throw new FunctionError(`time: missing unit in duration ${JSON.stringify(s)}`);
    const unit = units[m[2]];
    if (unit === undefined) throw new FunctionError(`time: unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(s)}`);
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** formatdate's verbs: runs of one letter (YYYY, MMM, hh …); 'quoted' text is literal. */
export function formatDate(format: string, t: ZonedTime): string {
  const f = fields(t);
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === "'") {
      if (format[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new FunctionError('unterminated literal \'', 0);
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let j = i;
    while (format[j] === c) j++;
    const verb = format.slice(i, j);
    i = j;
    const invalid = (why: string): never => {
      throw new FunctionError(`invalid date format verb ${JSON.stringify(verb)}: ${why}`, 0);
    };
    const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    switch (c) {
      case 'Y':
        if (verb === 'YYYY') out += String(f.year).padStart(4, '0');
        else if (verb === 'YY') out += pad2(f.year % 100);
        else invalid('year must either be "YY" or "YYYY"');
        break;
      case 'M':
        if (verb.length > 4) invalid('month must be "M", "MM", "MMM", or "MMMM"');
        out += [String(f.month + 1), pad2(f.month + 1), MONTHS[f.month].slice(0, 3), MONTHS[f.month]][verb.length - 1];
        break;
      case 'D':
        if (verb.length > 2) invalid('day of month must either be "D" or "DD"');
        out += verb.length === 1 ? String(f.day) : pad2(f.day);
        break;
      case 'E':
        if (verb === 'EEE') out += DAYS[f.weekday].slice(0, 3);
        else if (verb === 'EEEE') out += DAYS[f.weekday];
        else invalid('day of week must either be "EEE" or "EEEE"');
        break;
      case 'h':
        if (verb.length > 2) invalid('24-hour must either be "h" or "hh"');
        out += verb.length === 1 ? String(f.hour) : pad2(f.hour);
        break;
      case 'H':
        if (verb.length > 2) invalid('12-hour must either be "H" or "HH"');
        out += verb.length === 1 ? String(h12) : pad2(h12);
        break;
      case 'A':
      case 'a':
        if (verb.length !== 2) invalid('must be "AA" or "aa"');
        out += c === 'A' ? (f.hour < 12 ? 'AM' : 'PM') : f.hour < 12 ? 'am' : 'pm';
        break;
      case 'm':
        if (verb.length > 2) invalid('minute must either be "m" or "mm"');
        out += verb.length === 1 ? String(f.minute) : pad2(f.minute);
        break;
      case 's':
        if (verb.length > 2) invalid('second must either be "s" or "ss"');
        out += verb.length === 1 ? String(f.second) : pad2(f.second);
        break;
      case 'Z':
        if (verb === 'Z') out += t.utc ? 'Z' : zone(t, true);
        else if (verb === 'ZZZ') out += t.utc ? 'UTC' : zone(t, false);
        else if (verb === 'ZZZZ') out += zone(t, false);
        else if (verb === 'ZZZZZ') out += zone(t, true);
        else invalid('timezone must be Z, ZZZZ, or ZZZZZ');
        break;
      default:
        throw new FunctionError(`invalid date format verb ${JSON.stringify(verb)}`, 0);
    }
  }
  return out;
}

export const datetimeFunctions: FunctionDef[] = [
  {
    name: 'formatdate',
    signature: 'formatdate(format, time)',
    description: 'Converts a timestamp into a different time format.',
    params: [p('format'), p('time')],
    returns: T_STRING,
    call: ([f, t]) => {
      const time = parseRfc3339(asString(t), 1);
      return str(formatDate(asString(f), time));
    },
  },
  {
    name: 'timeadd',
    signature: 'timeadd(timestamp, duration)',
    description: 'Adds a duration to a timestamp, returning a new timestamp.',
    params: [p('timestamp'), p('duration')],
    returns: T_STRING,
    call: ([t, d]) => {
      const time = parseRfc3339(asString(t));
      const ms = parseDuration(asString(d));
      return str(formatRfc3339({ ...time, ms: time.ms + Math.trunc(ms) }));
    },
  },
  {
    name: 'timestamp',
    signature: 'timestamp()',
    description: 'Returns a UTC timestamp string in RFC 3339 format.',
    params: [],
    returns: T_STRING,
    call: (_args, ctx) => str(formatRfc3339({ ms: Math.floor((ctx.now ?? new Date()).getTime() / 1000) * 1000, offset: 0, utc: true })),
  },
];

/** Go's time.ParseDuration, so "5m", "1h30m" and "300ms" mean what they mean to Packer. */
import { err, ok, type Result } from '../common/result';

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration string into nanoseconds; errors use Go's wording (`time: unknown unit "x" in duration "5x"`). */
export function parseDuration(text: string): Result<number> {
  const quoted = JSON.stringify(text);
  const invalid: Result<number> = err(`time: invalid duration ${quoted}`);
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return ok(0);
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    if (!num || (num[1] === '' && (num[2] === undefined || num[2] === ''))) return invalid;
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') return err(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) return err(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    s = s.slice(unit.length);
    total += Number(`${num[1] || '0'}.${num[2] || '0'}`) * scale;
  }
  if (total > 9223372036854775807) return invalid;
  return ok(negative ? -total : total);
}

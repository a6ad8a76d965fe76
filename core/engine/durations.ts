/** Durations as Packer reads them (Go's "1m30s") and prints them ("1 second 36 milliseconds"). */
import { ok, type Result } from '../common/result';
import { parseDuration } from '../components/durations';

/** A Go duration string in milliseconds; an empty or missing value is zero. */
export function durationMs(text: string | undefined): Result<number> {
  if (text === undefined || text === '') return ok(0);
  const parsed = parseDuration(text);
  return parsed.ok ? ok(parsed.value / 1e6) : parsed;
}

const UNITS: Array<[string, number]> = [
  ['year', 365 * 24 * 3600e6],
  ['week', 7 * 24 * 3600e6],
  ['day', 24 * 3600e6],
  ['hour', 3600e6],
  ['minute', 60e6],
  ['second', 1e6],
  ['millisecond', 1e3],
  ['microsecond', 1],
];

/** Packer prints elapsed time with durafmt: every non-zero unit, largest first ("1 minute 2 seconds 5 milliseconds"). */
export function humanDuration(ms: number): string {
  let us = Math.round(ms * 1000);
  if (us <= 0) return '0 microseconds';
  const parts: string[] = [];
  for (const [name, size] of UNITS) {
    const n = Math.floor(us / size);
    if (n > 0) {
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      us -= n * size;
    }
  }
  return parts.join(' ');
}

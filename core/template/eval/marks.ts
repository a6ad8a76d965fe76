/** Sensitive marks travel with values: anything computed from a sensitive value is sensitive. */
import { markSensitive, type Value } from '../values/value';

/** `v` marked sensitive if any of `from` is. */
export function carryMarks<V extends Value>(v: V, ...from: readonly Value[]): V {
  return from.some((f) => f.sensitive) ? markSensitive(v) : v;
}

/** `v` without its own sensitive mark (for looking inside it; callers re-apply the mark to results). */
export function unmarked<V extends Value>(v: V): V {
  if (!v.sensitive) return v;
  const copy = { ...v };
  delete (copy as { sensitive?: boolean }).sensitive;
  return copy;
}

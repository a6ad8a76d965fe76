/** Checks a version against a constraint string such as `>= 1.5.0, < 2.0` or `~> 1.6`, as hashicorp/go-version does. */
import { err, ok, type Result } from '../../common/result';

interface Version {
  segments: number[];
  /** How many segments were written, which `~>` needs. */
  written: number;
  prerelease: string;
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const CONSTRAINT = /^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const parts = m[1].split('.').map(Number);
  const written = parts.length;
  while (parts.length < 3) parts.push(0);
  return { segments: parts, written, prerelease: m[2] ?? '' };
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = (a.segments[i] ?? 0) - (b.segments[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (!a.prerelease) return 1;
  if (!b.prerelease) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** True if `version` meets every comma-separated part of `constraint`. */
export function checkVersionConstraint(constraint: string, version: string): Result<boolean> {
  const v = parseVersion(version);
  if (!v) return err(`Malformed version: ${version}`);
  let satisfied = true;
  for (const part of constraint.split(',')) {
    const m = CONSTRAINT.exec(part);
    const want = m ? parseVersion(m[2]) : undefined;
    if (!m || !want) return err(`Malformed constraint: ${part.trim()}`);
    const op = m[1] ?? '=';
    const c = compareVersions(v, want);
    // As go-version does, a pre-release only satisfies constraints that name a pre-release of the same version.
    if (v.prerelease && !want.prerelease) satisfied = false;
    switch (op) {
      case '=':
        satisfied &&= c === 0;
        break;
      case '!=':
        satisfied &&= c !== 0;
        break;
      case '>':
        satisfied &&= c > 0;
        break;
      case '<':
        satisfied &&= c < 0;
        break;
      case '>=':
        satisfied &&= c >= 0;
        break;
      case '<=':
        satisfied &&= c <= 0;
        break;
      case '~>': {
        // `~> 1.6` allows 1.x from 1.6; `~> 1.6.2` allows 1.6.x from 1.6.2.
        const fixed = Math.max(1, want.written - 1);
        const samePrefix = want.segments.slice(0, fixed).every((s, i) => v.segments[i] === s);
        satisfied &&= c >= 0 && samePrefix;
        break;
      }
    }
  }
  return ok(satisfied);
}

/** -only/-except patterns, matched as gobwas/glob does without separators: `*` spans any text (dots included). */
import { err, ok, type Result } from '../../common/result';

/** Whether a build or post-processor name matches a pattern. */
export type GlobMatch = (name: string) => boolean;

export function compileGlob(pattern: string): Result<GlobMatch> {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return err('unexpected end of input');
      re += escape(pattern[i + 1]);
      i += 2;
      continue;
    }
    if (c === '*') {
      while (pattern[i] === '*') i++;
      re += '.*';
      continue;
    }
    if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return err('unexpected end of input');
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end + 1;
      continue;
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += escape(c);
    i++;
  }
  if (braces > 0) return err('unexpected end of input');
  const rx = new RegExp(`^${re}$`, 's');
  return ok((name: string) => rx.test(name));
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

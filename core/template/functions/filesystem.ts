/** Filesystem functions; relative paths start from the template's folder (`path.root`). */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { setOf, T_BOOL, T_DYNAMIC, T_STRING } from '../values/type';
import { bool, str } from '../values/value';
import { makeSet } from '../values/set';
import { asString } from './access';
import { FunctionError, type FunctionContext, type FunctionDef } from './define';

const p = (name: string, type = T_STRING) => ({ name, type });

/** `~` and `~/…` become the user's home folder. */
export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return path.join(homedir(), p.slice(2));
  return p;
}

export function resolveFrom(ctx: FunctionContext, p: string): string {
  const expanded = expandHome(p);
  return path.isAbsolute(expanded) ? expanded : path.join(ctx.baseDir, expanded);
}

/** The bytes of a file for file(), filebase64() and the file hashes. */
export function readFileFor(ctx: FunctionContext, given: string): Buffer {
  const full = resolveFrom(ctx, given);
  try {
    return readFileSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FunctionError(`no file exists at ${given}`);
    throw new FunctionError(`failed to read ${given}`);
  }
}

/** Go's FileMode.String(): `drwxr-xr-x`. */
function modeString(st: Stats): string {
  const kind = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'L' : st.isFIFO() ? 'p' : st.isSocket() ? 'S' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'D' : '-';
  const rwx = 'rwxrwxrwx';
  let bits = '';
  for (let i = 0; i < 9; i++) bits += st.mode & (1 << (8 - i)) ? rwx[i] : '-';
  return kind + bits;
}

/** Go's filepath.Clean for slash paths. */
function clean(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && abs) continue;
    else out.push(part);
  }
  const joined = out.join('/');
  return abs ? '/' + joined : joined || '.';
}

function basename(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return clean(p.slice(0, i + 1));
}

/** A glob (`*`, `**`, `?`, `[a-z]`, `{a,b}`) as a regular expression over slash paths. */
function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new FunctionError(`failed to glob pattern (${pattern}): syntax error in pattern`);
      re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^') + ']';
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw new FunctionError(`failed to glob pattern (${pattern}): syntax error in pattern`);
      re += '(?:' + pattern.slice(i + 1, end).split(',').map((a) => a.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i];
    else re += c.replace(/[.+^$()|]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walkFiles(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    let st: Stats;
    try {
      st = statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...walkFiles(full, rel));
    else if (st.isFile()) out.push(rel);
  }
  return out;
}

export const filesystemFunctions: FunctionDef[] = [
  {
    name: 'abspath',
    signature: 'abspath(path)',
    description: 'Takes a string containing a filesystem path and converts it to an absolute path.',
    params: [p('path')],
    returns: T_STRING,
    call: ([v]) => str(path.resolve(asString(v)).split(path.sep).join('/')),
  },
  {
    name: 'basename',
    signature: 'basename(path)',
    description: 'Takes a string containing a filesystem path and removes all except the last portion from it.',
    params: [p('path')],
    returns: T_STRING,
    call: ([v]) => str(basename(asString(v))),
  },
  {
    name: 'dirname',
    signature: 'dirname(path)',
    description: 'Takes a string containing a filesystem path and removes the last portion from it.',
    params: [p('path')],
    returns: T_STRING,
    call: ([v]) => str(dirname(asString(v))),
  },
  {
    name: 'pathexpand',
    signature: 'pathexpand(path)',
    description: "Takes a filesystem path that might begin with a ~ segment, and if so replaces it with the current user's home directory path.",
    params: [p('path')],
    returns: T_STRING,
    call: ([v]) => str(expandHome(asString(v))),
  },
  {
    name: 'file',
    signature: 'file(path)',
    description: 'Reads the contents of a file at the given path and returns them as a string.',
    params: [p('path')],
    returns: T_STRING,
    call: ([v], ctx) => {
      const given = asString(v);
      const bytes = readFileFor(ctx, given);
      const text = bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(bytes)) {
        throw new FunctionError(
          `contents of ${given} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`,
        );
      }
      return str(text);
    },
  },
  {
    name: 'fileexists',
    signature: 'fileexists(path)',
    description: 'Determines whether a file exists at a given path.',
    params: [p('path')],
    returns: T_BOOL,
    call: ([v], ctx) => {
      const given = asString(v);
      let st: Stats;
      try {
        st = statSync(resolveFrom(ctx, given));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return bool(false);
        throw new FunctionError(`failed to stat ${given}`);
      }
      if (!st.isFile()) throw new FunctionError(`${given} is not a regular file, but "${modeString(st)}"`);
      return bool(true);
    },
  },
  {
    name: 'fileset',
    signature: 'fileset(path, pattern)',
    description: 'Enumerates a set of regular file names given a path and pattern.',
    params: [p('path'), p('pattern')],
    returns: setOf(T_STRING),
    call: ([dir, pat], ctx) => {
      const re = globToRegExp(asString(pat));
      const files = walkFiles(resolveFrom(ctx, asString(dir))).filter((f) => re.test(f));
      return makeSet(T_STRING, files.map(str));
    },
  },
  {
    name: 'filebase64',
    signature: 'filebase64(path)',
    description: 'Reads the contents of a file at the given path and returns them as a base64-encoded string.',
    params: [p('path')],
    returns: T_STRING,
    since: '1.7.0',
    call: ([v], ctx) => str(readFileFor(ctx, asString(v)).toString('base64')),
  },
  {
    name: 'templatefile',
    signature: 'templatefile(path, vars)',
    description: 'Reads the file at the given path and renders its content as a template using a supplied set of template variables.',
    params: [p('path'), { name: 'vars', type: T_DYNAMIC }],
    since: '1.7.0',
    call: ([v, vars], ctx) => {
      if (!ctx.renderTemplate) throw new FunctionError('templatefile is not available in this context');
      const given = asString(v);
      const text = readFileFor(ctx, given).toString('utf8');
      if (vars.kind !== 'map' && vars.kind !== 'object') throw new FunctionError('invalid vars value: must be a map', 1);
      return ctx.renderTemplate(text, resolveFrom(ctx, given), vars);
    },
  },
];

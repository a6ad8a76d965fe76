/** String functions: case, trimming, splitting, replacing and printf-style formatting. */
import { listOf, T_BOOL, T_DYNAMIC, T_NUMBER, T_STRING } from '../values/type';
import { bool, list, str, typeOf, type Value } from '../values/value';
import { asInteger, asItems, asString, isSequence } from './access';
import { FunctionError, type FunctionDef } from './define';
import { formatString } from './printf';

const p = (name: string, type = T_STRING) => ({ name, type });
const strings = (items: string[]) => list(T_STRING, items.map(str));

/** Go's regexp syntax is close to JS's; `(?P<name>` is the one common spelling JS lacks. */
export function goRegExp(pattern: string, flags = 'u'): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch (e) {
    const why = (e as Error).message.replace(/^.*: /, '');
    const go = /Unterminated group/.test(why)
      ? 'missing closing )'
      : /Unmatched '\)'/.test(why)
        ? 'unexpected )'
        : /Nothing to repeat/.test(why)
          ? 'missing argument to repetition operator'
          : why.toLowerCase();
    throw new FunctionError(`error parsing regexp: ${go}: \`${pattern}\``);
  }
}

/** Go's case mapping works rune by rune: a rune whose mapping is several runes (ß → SS) stays as it is. */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}` and `$$` in a replacement template. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (all, _x: string, braced?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}

/** Go's ReplaceAllString: an empty match right after a previous match is skipped. */
function goReplaceAll(s: string, re: RegExp, template: string): string {
  let out = '';
  let last = 0;
  let prevEnd = -1;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '') re.lastIndex = end + (s.codePointAt(end) !== undefined && (s.codePointAt(end) as number) > 0xffff ? 2 : 1);
    if (m[0] === '' && start === prevEnd) continue;
    out += s.slice(last, start) + expandTemplate(template, m);
    last = end;
    prevEnd = end;
    if (end > s.length) break;
  }
  return out + s.slice(last);
}

export const stringFunctions: FunctionDef[] = [
  {
    name: 'upper',
    signature: 'upper(str)',
    description: 'Converts all cased letters in the given string to uppercase.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(mapRunes(asString(s), (c) => c.toUpperCase())),
  },
  {
    name: 'lower',
    signature: 'lower(str)',
    description: 'Converts all cased letters in the given string to lowercase.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(mapRunes(asString(s), (c) => c.toLowerCase())),
  },
  {
    name: 'title',
    signature: 'title(str)',
    description: 'Converts the first letter of each word in the given string to uppercase.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(asString(s).replace(/(^|[\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]|\s)(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase())),
  },
  {
    name: 'chomp',
    signature: 'chomp(str)',
    description: 'Removes newline characters at the end of a string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(asString(s).replace(/(\r\n|\n|\r)+$/, '')),
  },
  {
    name: 'trimspace',
    signature: 'trimspace(str)',
    description: 'Removes any space characters from the start and end of the given string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(asString(s).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '')),
  },
  {
    name: 'trim',
    signature: 'trim(str, cutset)',
    description: 'Removes the specified characters from the start and end of the given string.',
    params: [p('str'), p('cutset')],
    returns: T_STRING,
    call: ([s, c]) => {
      const cut = new Set([...asString(c)]);
      const chars = [...asString(s)];
      let a = 0;
      let b = chars.length;
      while (a < b && cut.has(chars[a])) a++;
      while (b > a && cut.has(chars[b - 1])) b--;
      return str(chars.slice(a, b).join(''));
    },
  },
  {
    name: 'trimprefix',
    signature: 'trimprefix(str, prefix)',
    description: 'Removes the specified prefix from the start of the given string, if present.',
    params: [p('str'), p('prefix')],
    returns: T_STRING,
    call: ([s, x]) => {
      const v = asString(s);
      const pre = asString(x);
      return str(v.startsWith(pre) ? v.slice(pre.length) : v);
    },
  },
  {
    name: 'trimsuffix',
    signature: 'trimsuffix(str, suffix)',
    description: 'Removes the specified suffix from the end of the given string, if present.',
    params: [p('str'), p('suffix')],
    returns: T_STRING,
    call: ([s, x]) => {
      const v = asString(s);
      const suf = asString(x);
      return str(suf && v.endsWith(suf) ? v.slice(0, v.length - suf.length) : v);
    },
  },
  {
    name: 'indent',
    signature: 'indent(spaces, str)',
    description: 'Adds a given number of spaces after each newline character in the given string.',
    params: [p('spaces', T_NUMBER), p('str')],
    returns: T_STRING,
    call: ([n, s]) => str(asString(s).replace(/\n/g, '\n' + ' '.repeat(Math.max(0, asInteger(n, 0))))),
  },
  {
    name: 'join',
    signature: 'join(separator, lists...)',
    description: 'Produces a string by concatenating the elements of the given lists with the given separator.',
    params: [p('separator')],
    variadic: p('lists', listOf(T_STRING)),
    returns: T_STRING,
    call: ([sep, ...lists]) => {
      if (lists.length === 0) throw new FunctionError('at least one list is required');
      const parts: string[] = [];
      lists.forEach((l, i) =>
        asItems(l).forEach((item) => {
          if (item.kind === 'null') throw new FunctionError(`element ${parts.length} is null; cannot concatenate null values`, i + 1);
          parts.push(asString(item, i + 1));
        }),
      );
      return str(parts.join(asString(sep)));
    },
  },
  {
    name: 'split',
    signature: 'split(separator, str)',
    description: 'Produces a list by dividing the given string at all occurrences of the given separator.',
    params: [p('separator'), p('str')],
    returns: listOf(T_STRING),
    call: ([sep, s]) => {
      const v = asString(s);
      const d = asString(sep);
      return strings(d === '' ? [...v] : v.split(d));
    },
  },
  {
    name: 'replace',
    signature: 'replace(str, substr, replace)',
    description: 'Replaces every occurrence of substr in str with replace (Packer 1.6.6 treats substr literally).',
    params: [p('str'), p('substr'), p('replace')],
    returns: T_STRING,
    call: ([s, sub, rep]) => {
      const needle = asString(sub);
      const v = asString(s);
      return str(needle === '' ? insertEverywhere(v, asString(rep)) : v.split(needle).join(asString(rep)));
    },
  },
  {
    name: 'regex_replace',
    signature: 'regex_replace(str, substr, replace)',
    description: 'Replaces every match of the regular expression substr in str; replace may use $1, ${name}.',
    params: [p('str'), p('substr'), p('replace')],
    returns: T_STRING,
    call: ([s, sub, rep]) => str(goReplaceAll(asString(s), goRegExp(asString(sub), 'gu'), asString(rep))),
  },
  {
    name: 'strrev',
    signature: 'strrev(str)',
    description: 'Reverses the characters in a string.',
    params: [p('str')],
    returns: T_STRING,
    call: ([s]) => str(graphemes(asString(s)).reverse().join('')),
  },
  {
    name: 'substr',
    signature: 'substr(str, offset, length)',
    description: 'Extracts a substring from the given string by offset and (maximum) length; -1 length means to the end.',
    params: [p('str'), p('offset', T_NUMBER), p('length', T_NUMBER)],
    returns: T_STRING,
    call: ([s, o, l]) => {
      const chars = graphemes(asString(s));
      let offset = asInteger(o, 1);
      let length = asInteger(l, 2);
      if (offset < 0) offset = Math.max(0, chars.length + offset);
      if (offset > chars.length) return str('');
      if (length < 0) length = chars.length - offset;
      return str(chars.slice(offset, offset + length).join(''));
    },
  },
  {
    name: 'format',
    signature: 'format(format, args...)',
    description: 'Produces a string by formatting the arguments according to a printf-style format string.',
    params: [p('format')],
    variadic: { name: 'args', type: T_DYNAMIC, allowNull: true },
    returns: T_STRING,
    call: ([f, ...args]) => str(formatString(asString(f), args)),
  },
  {
    name: 'formatlist',
    signature: 'formatlist(format, args...)',
    description: 'Formats each element of the given lists with format, producing a list of strings.',
    params: [p('format')],
    variadic: { name: 'args', type: T_DYNAMIC, allowNull: true },
    returns: listOf(T_STRING),
    call: ([f, ...args]) => {
      let n = -1;
      let first = -1;
      args.forEach((a, i) => {
        if (!isSequence(a)) return;
        const len = asItems(a).length;
        if (n < 0) {
          n = len;
          first = i;
        } else if (len !== n) {
          throw new FunctionError(
            `argument ${i + 1} has length ${len}, which is inconsistent with argument ${first + 1} of length ${n}`,
            i + 1,
          );
        }
      });
      if (n < 0) n = 1;
      const out: string[] = [];
      for (let k = 0; k < n; k++) {
        const row = args.map((a) => (isSequence(a) ? asItems(a)[k] : a));
        try {
          out.push(formatString(asString(f), row));
        } catch (e) {
          if (e instanceof FunctionError) throw new FunctionError(`error on format iteration ${k}: ${e.message}`);
          throw e;
        }
      }
      return strings(out);
    },
  },
  {
    name: 'regex',
    signature: 'regex(pattern, string)',
    description: 'Applies a regular expression to a string and returns the matching substrings.',
    params: [p('pattern'), p('string')],
    since: '1.7.0',
    call: ([pat, s]) => {
      const re = goRegExp(asString(pat), 'u');
      const m = re.exec(asString(s));
      if (!m) throw new FunctionError('pattern did not match any part of the given string');
      return captures(m);
    },
  },
  {
    name: 'regexall',
    signature: 'regexall(pattern, string)',
    description: 'Applies a regular expression to a string and returns a list of all matches.',
    params: [p('pattern'), p('string')],
    since: '1.7.0',
    call: ([pat, s]) => {
      const re = goRegExp(asString(pat), 'gu');
      const items = [...asString(s).matchAll(re)].map(captures);
      return items.length ? list(typeOf(items[0]), items) : list(T_STRING, []);
    },
  },
  {
    name: 'startswith',
    signature: 'startswith(string, prefix)',
    description: 'Takes two values: a string to check and a prefix string. Returns true if string begins with prefix.',
    params: [p('string'), p('prefix')],
    returns: T_BOOL,
    since: 'terraform 1.3',
    call: ([s, x]) => bool(asString(s).startsWith(asString(x))),
  },
  {
    name: 'endswith',
    signature: 'endswith(string, suffix)',
    description: 'Takes two values: a string to check and a suffix string. Returns true if string ends with suffix.',
    params: [p('string'), p('suffix')],
    returns: T_BOOL,
    since: 'terraform 1.3',
    call: ([s, x]) => bool(asString(s).endsWith(asString(x))),
  },
  {
    name: 'strcontains',
    signature: 'strcontains(string, substr)',
    description: 'Checks whether a substring is within another string.',
    params: [p('string'), p('substr')],
    returns: T_BOOL,
    since: 'terraform 1.5',
    call: ([s, x]) => bool(asString(s).includes(asString(x))),
  },
];

/** Characters as users see them: a base character with its combining marks stays whole. */
export function graphemes(s: string): string[] {
  const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
  return [...seg.segment(s)].map((x) => x.segment);
}

function insertEverywhere(s: string, rep: string): string {
  const chars = [...s];
  return rep + chars.map((c) => c + rep).join('');
}

/** regex() returns the match, a list of its captures, or a map of its named captures. */
function captures(m: RegExpExecArray | RegExpMatchArray): Value {
  if (m.groups && Object.keys(m.groups).length) {
    const entries: Record<string, Value> = {};
    for (const [n, c] of Object.entries(m.groups)) entries[n] = str(c ?? '');
    return { kind: 'map', elementType: T_STRING, entries };
  }
  if (m.length > 1) return strings(m.slice(1).map((c) => c ?? ''));
  return str(m[0]);
}

/**
 * Finds the first JSON syntax error as Go's encoding/json does, in its words. Packer reads a legacy template with
 * json.Unmarshal, which checks the whole input with its byte scanner before decoding, and prints the scanner's message
 * ("invalid character '<' looking for beginning of object key string", "unexpected end of JSON input"); users search
 * for those words, so Bakehouse says the same, with the place Go only gives as a byte count.
 *
 * Go scans bytes: a character outside ASCII in a wrong place is named by its first UTF-8 byte, read as a Latin-1
 * character (strconv.Quote of that byte as a rune), exactly as Go prints it.
 */

/** What Go's scanner was looking for when it met the character; the last part of its message. */
export const GO_JSON_CONTEXTS = [
  'looking for beginning of value',
  'looking for beginning of object key string',
  'after object key',
  'after object key:value pair',
  'after array element',
  'after top-level value',
  'in string literal',
  'in string escape code',
  'in \\u hexadecimal character escape',
  'in numeric literal',
  'after decimal point in numeric literal',
  'in exponent of numeric literal',
  'in literal true',
  'in literal false',
  'in literal null',
  'exceeded max depth',
] as const;
export type GoJsonContext = (typeof GO_JSON_CONTEXTS)[number];

export type GoJsonSyntaxError =
  /** `at` is the UTF-16 index of the character Go stopped at (the text's length when the input ran out inside a number). */
  | { kind: 'invalid character'; message: string; context: GoJsonContext; char: string; at: number }
  | { kind: 'unexpected end'; message: string; at: number };

/**
 * How Go reads the text: json.Unmarshal (a legacy template) wants exactly one value; a json.Decoder (`packer fix`, a
 * legacy -var-file) reads the first value and ignores what follows, and names a cut-short input io's "unexpected EOF".
 */
export type GoJsonReader = 'unmarshal' | 'decoder';

/** Go's limit on nested objects and arrays. */
const MAX_DEPTH = 10000;

type Container = 'key' | 'value' | 'array';

type State =
  | 'value'
  | 'value-or-empty'
  | 'key'
  | 'key-or-empty'
  | 'end-value'
  | 'end-top'
  | 'string'
  | 'escape'
  | 'hex'
  | 'minus'
  | 'int'
  | 'zero'
  | 'dot'
  | 'fraction'
  | 'exponent'
  | 'exponent-sign'
  | 'exponent-digits'
  | 'literal';

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isHex = (b: number): boolean => isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);

/** How Go's quoteChar prints one byte: strconv.Quote of the byte as a rune, between single quotes. */
export function goQuoteChar(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return `'"'`;
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  const hex2 = b.toString(16).padStart(2, '0');
  if (named[b]) return `'${named[b]}'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${hex2}'`;
  // U+0080–U+00A0 and the soft hyphen are not printable to Go, so it escapes them.
  if (b >= 0x80 && (b <= 0xa0 || b === 0xad)) return `'\\u00${hex2}'`;
  return `'${String.fromCharCode(b)}'`;
}

/** The UTF-8 bytes of the code point starting at `i` (a lone surrogate as U+FFFD, as Node writes it). */
function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp >= 0xd800 && cp <= 0xdfff) return [0xef, 0xbf, 0xbd];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/** The first syntax error Go would report for `text` read by `reader`, or undefined when Go reads it. */
export function findGoJsonSyntaxError(text: string, reader: GoJsonReader = 'unmarshal'): GoJsonSyntaxError | undefined {
  const stack: Container[] = [];
  let state = 'value' as State;
  let hexLeft = 0;
  let literal = '';
  let literalName: 'true' | 'false' | 'null' = 'true';
  let at = 0;

  const fail = (b: number, context: GoJsonContext, expecting = ''): GoJsonSyntaxError => {
    const char = goQuoteChar(b);
    return { kind: 'invalid character', message: `invalid character ${char} ${context}${expecting}`, context, char, at };
  };

  /** The state after a value ends: what its container expects next. */
  const endValue = (b: number): GoJsonSyntaxError | undefined => {
    if (stack.length === 0) {
      state = 'end-top';
      return endTop(b);
    }
    if (isSpace(b)) {
      state = 'end-value';
      return undefined;
    }
    const top = stack.length - 1;
    switch (stack[top]) {
      case 'key':
        if (b !== 0x3a) return fail(b, 'after object key');
        stack[top] = 'value';
        state = 'value';
        return undefined;
      case 'value':
        if (b === 0x2c) {
          stack[top] = 'key';
          state = 'key';
          return undefined;
        }
        if (b !== 0x7d) return fail(b, 'after object key:value pair');
        break;
      case 'array':
        if (b === 0x2c) {
          state = 'value';
          return undefined;
        }
        if (b !== 0x5d) return fail(b, 'after array element');
        break;
    }
    stack.pop();
    state = stack.length === 0 ? 'end-top' : 'end-value';
    return undefined;
  };

  // The decoder stops at the end of the first value, so what follows it is never its error.
  const endTop = (b: number): GoJsonSyntaxError | undefined => (isSpace(b) || reader === 'decoder' ? undefined : fail(b, 'after top-level value'));

  const open = (b: number, container: Container, next: State): GoJsonSyntaxError | undefined => {
    stack.push(container);
    state = next;
    return stack.length > MAX_DEPTH ? fail(b, 'exceeded max depth') : undefined;
  };

  const beginValue = (b: number): GoJsonSyntaxError | undefined => {
    if (isSpace(b)) return undefined;
    switch (b) {
      case 0x7b:
        return open(b, 'key', 'key-or-empty');
      case 0x5b:
        return open(b, 'array', 'value-or-empty');
      case 0x22:
        state = 'string';
        return undefined;
      case 0x2d:
        state = 'minus';
        return undefined;
      case 0x30:
        state = 'zero';
        return undefined;
      case 0x74:
      case 0x66:
      case 0x6e:
        literalName = b === 0x74 ? 'true' : b === 0x66 ? 'false' : 'null';
        literal = literalName.slice(1);
        state = 'literal';
        return undefined;
    }
    if (isDigit(b)) {
      state = 'int';
      return undefined;
    }
    return fail(b, 'looking for beginning of value');
  };

  const afterNumber = (b: number): GoJsonSyntaxError | undefined => {
    if (b === 0x2e) {
      state = 'dot';
      return undefined;
    }
    if (b === 0x65 || b === 0x45) {
      state = 'exponent';
      return undefined;
    }
    return endValue(b);
  };

  const step = (b: number): GoJsonSyntaxError | undefined => {
    switch (state) {
      case 'value':
        return beginValue(b);
      case 'value-or-empty':
        if (isSpace(b)) return undefined;
        return b === 0x5d ? endValue(b) : beginValue(b);
      case 'key-or-empty':
        if (isSpace(b)) return undefined;
        if (b === 0x7d) {
          stack[stack.length - 1] = 'value';
          return endValue(b);
        }
        return beginKey(b);
      case 'key':
        return beginKey(b);
      case 'end-value':
        return endValue(b);
      case 'end-top':
        return endTop(b);
      case 'string':
        if (b === 0x22) state = 'end-value';
        else if (b === 0x5c) state = 'escape';
        else if (b < 0x20) return fail(b, 'in string literal');
        return undefined;
      case 'escape':
        if (b === 0x75) {
          state = 'hex';
          hexLeft = 4;
          return undefined;
        }
        if (![0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(b)) return fail(b, 'in string escape code');
        state = 'string';
        return undefined;
      case 'hex':
        if (!isHex(b)) return fail(b, 'in \\u hexadecimal character escape');
        if (--hexLeft === 0) state = 'string';
        return undefined;
      case 'minus':
        if (b === 0x30) state = 'zero';
        else if (isDigit(b)) state = 'int';
        else return fail(b, 'in numeric literal');
        return undefined;
      case 'int':
        if (isDigit(b)) return undefined;
        return afterNumber(b);
      case 'zero':
        return afterNumber(b);
      case 'dot':
        if (!isDigit(b)) return fail(b, 'after decimal point in numeric literal');
        state = 'fraction';
        return undefined;
      case 'fraction':
        if (isDigit(b)) return undefined;
        if (b === 0x65 || b === 0x45) {
          state = 'exponent';
          return undefined;
        }
        return endValue(b);
      case 'exponent':
        if (b === 0x2b || b === 0x2d) {
          state = 'exponent-sign';
          return undefined;
        }
        return exponentDigit(b);
      case 'exponent-sign':
        return exponentDigit(b);
      case 'exponent-digits':
        if (isDigit(b)) return undefined;
        return endValue(b);
      case 'literal': {
        const want = literal.charCodeAt(0);
        if (b !== want) return fail(b, `in literal ${literalName}`, ` (expecting '${literal[0]}')`);
        literal = literal.slice(1);
        if (literal === '') state = 'end-value';
        return undefined;
      }
    }
  };

  const beginKey = (b: number): GoJsonSyntaxError | undefined => {
    if (isSpace(b)) return undefined;
    if (b !== 0x22) return fail(b, 'looking for beginning of object key string');
    state = 'string';
    return undefined;
  };

  const exponentDigit = (b: number): GoJsonSyntaxError | undefined => {
    if (!isDigit(b)) return fail(b, 'in exponent of numeric literal');
    state = 'exponent-digits';
    return undefined;
  };

  while (at < text.length) {
    if (reader === 'decoder' && state === 'end-top') return undefined;
    const c = text.charCodeAt(at);
    if (c < 0x80) {
      const problem = step(c);
      if (problem) return problem;
      at++;
      continue;
    }
    const cp = text.codePointAt(at) ?? c;
    for (const b of utf8Bytes(cp)) {
      const problem = step(b);
      if (problem) return problem;
    }
    at += cp > 0xffff ? 2 : 1;
  }
  // At the end Go feeds one space, which ends a number or a top-level literal, then asks whether the value is complete.
  const ended = (): boolean => state === 'end-top';
  if (ended()) return undefined;
  const onlySpace = stack.length === 0 && state === 'value';
  const problem = step(0x20);
  if (!problem && ended()) return undefined;
  // The decoder names any cut-short input with io's EOF errors, even one the space made a syntax error.
  if (reader === 'decoder') return { kind: 'unexpected end', message: onlySpace ? 'EOF' : 'unexpected EOF', at: text.length };
  return problem ?? { kind: 'unexpected end', message: 'unexpected end of JSON input', at: text.length };
}

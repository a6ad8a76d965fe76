/**
 * The YAML that yamlencode writes and yamldecode reads: block and flow collections, plain, quoted and block
 * scalars, with YAML 1.1 booleans (`yes`, `on`, `y`) as Packer's YAML library resolves them. No anchors or tags.
 */
import { numberToString } from '../values/convert';
import { compareKeys } from '../values/format';
import { T_DYNAMIC } from '../values/type';
import type { Value } from '../values/value';
import { FunctionError } from './define';

// ---- encoding -------------------------------------------------------------------------------------------

function quoteYaml(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

type Scalar = { text: string; plain: boolean } | { block: string[]; header: string };

function scalar(v: Value): Scalar | undefined {
  switch (v.kind) {
    case 'null':
      return { text: 'null', plain: true };
    case 'unknown':
      throw new FunctionError('cannot serialize unknown values');
    case 'bool':
      return { text: String(v.value), plain: true };
    case 'number':
      return { text: numberToString(v.value), plain: true };
    case 'string': {
      const s = v.value;
      if (s.includes('\n') && !/[\r\t]/.test(s) && !/ \n|[ ]$/.test(s.replace(/\n+$/, ''))) {
        const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
        // Text starting with a space or newline needs an explicit indentation indicator.
        const header = (/^[ \n]/.test(s) ? '|2' : '|') + (trailing === 0 ? '-' : trailing === 1 ? '' : '+');
        const body = s.replace(/\n$/, '').split('\n');
        return { block: body, header };
      }
      return { text: quoteYaml(s), plain: false };
    }
    case 'list':
    case 'set':
    case 'tuple':
      return v.items.length === 0 ? { text: '[]', plain: false } : undefined;
    case 'map':
    case 'object':
      return Object.keys(v.kind === 'map' ? v.entries : v.attrs).length === 0 ? { text: '{}', plain: false } : undefined;
  }
}

/** Lines of `v` written as a block at `indent` columns. */
function block(v: Value, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const s = scalar(v);
  if (s) {
    if ('block' in s) return [pad + s.header, ...s.block.map((l) => (l ? ' '.repeat(indent + 2) + l : ''))];
    return [pad + s.text];
  }
  const lines: string[] = [];
  if (v.kind === 'map' || v.kind === 'object') {
    const e = v.kind === 'map' ? v.entries : v.attrs;
    for (const k of Object.keys(e).sort(compareKeys)) {
      const child = e[k];
      const cs = scalar(child);
      const key = `${pad}${quoteYaml(k)}:`;
      if (cs && 'block' in cs) lines.push(`${key} ${cs.header}`, ...cs.block.map((l) => (l ? ' '.repeat(indent + 2) + l : '')));
      else if (cs) lines.push(`${key} ${cs.text}`);
      else {
        lines.push(key);
        const isSeq = child.kind === 'list' || child.kind === 'set' || child.kind === 'tuple';
        lines.push(...block(child, isSeq ? indent : indent + 2));
      }
    }
    return lines;
  }
  const items = v.kind === 'list' || v.kind === 'set' || v.kind === 'tuple' ? v.items : [];
  for (const item of items) {
    const cs = scalar(item);
    if (cs && 'block' in cs) lines.push(`${pad}- ${cs.header}`, ...cs.block.map((l) => (l ? ' '.repeat(indent + 2) + l : '')));
    else if (cs) lines.push(`${pad}- ${cs.text}`);
    else {
      const inner = block(item, indent + 2);
      lines.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
    }
  }
  return lines;
}

export function yamlEncode(v: Value): string {
  const s = scalar(v);
  const text = block(v, 0).join('\n') + '\n';
  // A bare plain scalar document is closed with `...`, as the YAML emitter does.
  return s && !('block' in s) && s.plain ? text + '...\n' : text;
}

// ---- decoding -------------------------------------------------------------------------------------------

interface Line {
  indent: number;
  text: string;
  no: number;
}

const NULLS = new Set(['~', 'null', 'Null', 'NULL', '']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

function syntaxError(line: number, column: number, what: string): never {
  throw new FunctionError(`on line ${line}, column ${column}: ${what}`);
}

/** A plain scalar resolved to null, bool, number or string. */
function resolvePlain(s: string): Value {
  if (NULLS.has(s)) return { kind: 'null', type: T_DYNAMIC };
  if (TRUES.has(s)) return { kind: 'bool', value: true };
  if (FALSES.has(s)) return { kind: 'bool', value: false };
  const clean = s.replace(/_/g, '');
  if (/^[-+]?(0|[1-9]\d*)$/.test(clean)) return { kind: 'number', value: Number(clean) };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(clean)) return { kind: 'number', value: Number(clean) };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return { kind: 'number', value: s.startsWith('-') ? -Infinity : Infinity };
  return { kind: 'string', value: s };
}

/** Removes a trailing `# comment` that is outside quotes. */
function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = '';
      } else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:-]/.test(text[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

function unquoteDouble(s: string, line: number): string {
  try {
    return JSON.parse(s.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\\//g, '/').replace(/\t/g, '\\t'));
  } catch {
    return syntaxError(line, 1, 'found unknown escape character while parsing a quoted scalar');
  }
}

class YamlReader {
  private pos = 0;
  private readonly anchors = new Map<string, Value>();
  constructor(
    private readonly raw: string[],
    private readonly lines: Line[],
  ) {}

  private peek(): Line | undefined {
    return this.lines[this.pos];
  }

  parseDocument(): Value {
    if (this.lines.length === 0) return { kind: 'null', type: T_DYNAMIC };
    const v = this.node(-1);
    const rest = this.peek();
    if (rest) syntaxError(rest.no, rest.indent + 1, 'did not find expected key');
    return v;
  }

  /** The node starting at the current line, which must be indented more than `parent`. */
  private node(parent: number): Value {
    const line = this.peek();
    if (!line || line.indent <= parent) return { kind: 'null', type: T_DYNAMIC };
    if (line.text === '-' || line.text.startsWith('- ')) return this.sequence(line.indent);
    if (keyOf(line.text)) return this.mapping(line.indent);
    this.pos++;
    return this.inline(line.text, line, parent);
  }

  private sequence(indent: number): Value {
    const items: Value[] = [];
    for (let line = this.peek(); line && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = this.peek()) {
      const rest = line.text.slice(1).replace(/^ +/, '');
      if (rest === '') {
        this.pos++;
        items.push(this.node(indent));
      } else {
        // Re-read the rest of the line as a node indented just past the dash.
        const offset = line.text.length - rest.length;
        this.lines[this.pos] = { indent: indent + offset, text: rest, no: line.no };
        items.push(this.node(indent));
      }
    }
    return { kind: 'tuple', items };
  }

  private mapping(indent: number): Value {
    const attrs: Record<string, Value> = {};
    const start = this.peek() as Line;
    for (let line = this.peek(); line && line.indent === indent; line = this.peek()) {
      const k = keyOf(line.text);
      if (!k) syntaxError(start.no, start.indent + 1, 'did not find expected key');
      this.pos++;
      const key = k.quoted ? k.key : keyText(resolvePlain(k.key));
      let rest = k.rest;
      const anchor = /^&(\S+)$/.exec(rest);
      if (anchor) rest = '';
      let value: Value;
      if (rest === '') {
        const next = this.peek();
        if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) value = this.sequence(indent);
        else value = this.node(indent);
      } else {
        value = this.inline(rest, line, indent);
      }
      if (anchor) this.anchors.set(anchor[1], value);
      attrs[key] = value;
    }
    return { kind: 'object', attrs };
  }

  /** A scalar or flow collection that starts on `line`; block scalars and flow collections may continue below. */
  private inline(text: string, line: Line, parent: number): Value {
    const anchor = /^&(\S+)\s+(.*)$/.exec(text);
    if (anchor) {
      const v = this.inline(anchor[2], line, parent);
      this.anchors.set(anchor[1], v);
      return v;
    }
    const alias = /^\*(\S+)$/.exec(text);
    if (alias) {
      const v = this.anchors.get(alias[1]);
      if (!v) syntaxError(line.no, line.indent + 1, `unknown anchor '${alias[1]}' referenced`);
      return v;
    }
    if (/^[|>]/.test(text)) return this.blockScalar(text, line, parent);
    if (text.startsWith('[') || text.startsWith('{')) {
      let src = text;
      while (!flowClosed(src) && this.peek()) src += ' ' + (this.lines[this.pos++] as Line).text;
      const flow = new FlowReader(src, line.no);
      const v = flow.value();
      flow.end();
      return v;
    }
    if (text.startsWith('"')) {
      let src = text;
      while (!/^"(?:[^"\\]|\\.)*"$/.test(src) && this.peek()) src += ' ' + (this.lines[this.pos++] as Line).text;
      return { kind: 'string', value: unquoteDouble(src, line.no) };
    }
    if (text.startsWith("'")) {
      let src = text;
      while (!/^'(?:[^']|'')*'$/.test(src) && this.peek()) src += ' ' + (this.lines[this.pos++] as Line).text;
      return { kind: 'string', value: src.slice(1, -1).replace(/''/g, "'") };
    }
    if (text.startsWith('!')) throw new FunctionError(`on line ${line.no}: tags are not supported in Bakehouse yet`);
    if (/:(\s|$)/.test(text)) throw new FunctionError('mapping values are not allowed in this context');
    let s = text;
    for (let next = this.peek(); next && next.indent > parent && !keyOf(next.text); next = this.peek()) {
      s += ' ' + next.text;
      this.pos++;
    }
    return resolvePlain(s);
  }

  private blockScalar(header: string, line: Line, parent: number): Value {
    const folded = header.startsWith('>');
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    const body: string[] = [];
    let indent = -1;
    // Block scalar lines are read raw: blank lines and '#' belong to the text.
    let r = line.no;
    while (r < this.raw.length) {
      const rawLine = this.raw[r];
      const ind = rawLine.length - rawLine.trimStart().length;
      if (rawLine.trim() !== '') {
        if (ind <= parent) break;
        if (indent < 0) indent = ind;
        if (ind < indent) break;
      }
      body.push(rawLine.trim() === '' ? '' : rawLine.slice(indent));
      r++;
    }
    while (this.pos < this.lines.length && (this.lines[this.pos] as Line).no <= r) this.pos++;
    let trailing = 0;
    while (body.length && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    let text = folded ? body.reduce((acc, l, i) => (i === 0 ? l : acc + (l === '' || body[i - 1] === '' ? '\n' : ' ') + l), '') : body.join('\n');
    if (body.length) text += chomp === 'strip' ? '' : chomp === 'keep' ? '\n'.repeat(trailing + 1) : '\n';
    return { kind: 'string', value: text };
  }
}

function keyOf(text: string): { key: string; rest: string; quoted: boolean } | undefined {
  let m = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s+(.*))?$/.exec(text);
  if (m) return { key: unquoteDouble(`"${m[1]}"`, 0), rest: (m[2] ?? '').trim(), quoted: true };
  m = /^'((?:[^']|'')*)'\s*:(?:\s+(.*))?$/.exec(text);
  if (m) return { key: m[1].replace(/''/g, "'"), rest: (m[2] ?? '').trim(), quoted: true };
  if (/^[[{"'|>&*!%@`]/.test(text)) return undefined;
  m = /^(.*?)\s*:(?:\s+(.*))?$/.exec(text);
  if (m && !m[1].includes('#')) return { key: m[1], rest: (m[2] ?? '').trim(), quoted: false };
  return undefined;
}

/** A plain key is resolved like any scalar (`on:` is the key "true"), then written as a string. */
function keyText(v: Value): string {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') return numberToString(v.value);
  if (v.kind === 'bool') return String(v.value);
  return 'null';
}

function flowClosed(src: string): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth <= 0;
}

class FlowReader {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
  ) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  private fail(): never {
    return syntaxError(this.line, 1, 'did not find expected node content');
  }

  end(): void {
    this.ws();
    if (this.i < this.s.length) this.fail();
  }

  value(): Value {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '[') {
      this.i++;
      const items: Value[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ']') {
          this.i++;
          return { kind: 'tuple', items };
        }
        items.push(this.value());
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== ']') this.fail();
      }
    }
    if (c === '{') {
      this.i++;
      const attrs: Record<string, Value> = {};
      for (;;) {
        this.ws();
        if (this.s[this.i] === '}') {
          this.i++;
          return { kind: 'object', attrs };
        }
        const k = this.value();
        this.ws();
        let v: Value = { kind: 'null', type: T_DYNAMIC };
        if (this.s[this.i] === ':') {
          this.i++;
          v = this.value();
        }
        attrs[k.kind === 'string' ? k.value : k.kind === 'number' || k.kind === 'bool' ? String(k.value) : 'null'] = v;
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== '}') this.fail();
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(this.s.slice(this.i));
      if (!m) this.fail();
      this.i += m[0].length;
      return { kind: 'string', value: unquoteDouble(m[0], this.line) };
    }
    if (c === "'") {
      const m = /^'(?:[^']|'')*'/.exec(this.s.slice(this.i));
      if (!m) this.fail();
      this.i += m[0].length;
      return { kind: 'string', value: m[0].slice(1, -1).replace(/''/g, "'") };
    }
    const m = /^(?:[^,[\]{}:]|:(?=\S))+/.exec(this.s.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    return resolvePlain(m[0].trim());
  }
}

export function yamlDecode(src: string): Value {
  if (src.trim() === '') throw new FunctionError('on line 1, column 1: missing start of document');
  const raw = src.replace(/\r\n/g, '\n').split('\n');
  const lines: Line[] = [];
  let started = false;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    if (r === '---' || r.startsWith('--- ')) {
      if (started) throw new FunctionError('unexpected extra content after value');
      started = true;
      const rest = stripComment(r.slice(3).trim());
      if (rest) lines.push({ indent: 4, text: rest, no: i + 1 });
      continue;
    }
    if (r === '...') break;
    if (/^%/.test(r)) continue;
    const text = stripComment(r.trim());
    if (text === '') continue;
    if (/\t/.test(r.slice(0, r.length - r.trimStart().length))) {
      syntaxError(i + 1, 1, 'found character that cannot start any token');
    }
    lines.push({ indent: r.length - r.trimStart().length, text, no: i + 1 });
    started = true;
  }
  return new YamlReader(raw, lines).parseDocument();
}

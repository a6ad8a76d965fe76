/**
 * The subset of Go's text/template that Packer's legacy templates use: text, `{{ … }}` actions with
 * function calls, pipelines, string/number/bool literals and `.Field` references.
 * Actions that name a field (`{{ .HTTPIP }}`) or a control word (`{{ if … }}`) are kept as written:
 * the component fills them in at build time.
 */

export type TemplateValue = string | number | boolean;

export type Operand =
  | { kind: 'ident'; name: string; pos: number }
  | { kind: 'field'; path: string[]; pos: number }
  | { kind: 'dot'; pos: number }
  | { kind: 'variable'; name: string; pos: number }
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'bool'; value: boolean; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'pipe'; pipe: Pipeline; pos: number };

export interface Command {
  args: Operand[];
  pos: number;
}

export interface Pipeline {
  commands: Command[];
  pos: number;
}

export type TemplateNode =
  | { kind: 'text'; text: string; start: number; end: number }
  | {
      kind: 'action';
      /** Absent for a comment action. */
      pipe?: Pipeline;
      /** Kept verbatim: it refers to build-time data or is a control structure. */
      verbatim: boolean;
      /** Offsets of `{{` and just past `}}` in the template text. */
      start: number;
      end: number;
    };

export interface TemplateError {
  message: string;
  /** What went wrong, for choosing the diagnostic's summary; absent for syntax errors. */
  kind?: 'unknown-function' | 'call' | 'args';
  /** The function involved, if any. */
  func?: string;
  /** The error the function raised. */
  cause?: Error;
  /** Offsets into the template text. */
  start: number;
  end: number;
}

const CONTROL_WORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

export function hasActions(text: string): boolean {
  return text.includes('{{');
}

/** Parses a template string; the first syntax error stops parsing, as Go's parser does. */
export function parseTemplate(text: string): { nodes: TemplateNode[]; error?: TemplateError } {
  const nodes: TemplateNode[] = [];
  let i = 0;
  let trimNext = false;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    let chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    const chunkStart = i;
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (chunk) nodes.push({ kind: 'text', text: chunk, start: chunkStart, end: text.length });
      break;
    }
    const trimLeft = text[open + 2] === '-' && isSpace(text[open + 3]);
    if (trimLeft) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk) nodes.push({ kind: 'text', text: chunk, start: chunkStart, end: open });
    const body = open + (trimLeft ? 4 : 2);
    const parsed = parseAction(text, body);
    if ('message' in parsed) return { nodes, error: parsed };
    trimNext = parsed.trimRight;
    nodes.push({ kind: 'action', pipe: parsed.pipe, verbatim: parsed.verbatim, start: open, end: parsed.end });
    i = parsed.end;
  }
  return { nodes };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

type Token =
  | { t: 'ident' | 'field' | 'variable' | 'string' | 'number' | 'char' | 'bool' | 'nil'; text: string; value?: TemplateValue; pos: number }
  | { t: '|' | '(' | ')' | ',' | ':=' | '=' | 'dot'; pos: number; text: string }
  | { t: 'close'; pos: number; end: number; trim: boolean; text: string };

/** Lexes one action starting after `{{`; returns its tokens up to and including the closing `}}`. */
function lexAction(text: string, start: number): Token[] | TemplateError {
  const toks: Token[] = [];
  let i = start;
  // A comment action: {{/* … */}}
  if (text.startsWith('/*', skipSpace(text, i))) {
    const c = skipSpace(text, i);
    const endC = text.indexOf('*/', c + 2);
    if (endC < 0) return { message: 'unclosed comment', start: c, end: text.length };
    const after = skipSpace(text, endC + 2);
    const trim = text.startsWith('-}}', after);
    const close = text.startsWith('}}', after) ? after : trim ? after : -1;
    if (close < 0) return { message: 'comment ends before closing delimiter', start: endC, end: endC + 2 };
    toks.push({ t: 'close', pos: close, end: close + (trim ? 3 : 2), trim, text: '}}' });
    return toks;
  }
  for (;;) {
    while (i < text.length && isSpace(text[i])) {
      if (text[i] === ' ' && text.startsWith(' -}}', i)) break;
      i++;
    }
    if (i >= text.length) return { message: 'unclosed action', start, end: text.length };
    if (text.startsWith(' -}}', i)) {
      toks.push({ t: 'close', pos: i, end: i + 4, trim: true, text: '}}' });
      return toks;
    }
    if (text.startsWith('}}', i)) {
      toks.push({ t: 'close', pos: i, end: i + 2, trim: false, text: '}}' });
      return toks;
    }
    const c = text[i];
    const pos = i;
    if (c === '|' || c === '(' || c === ')' || c === ',' || c === '=') {
      toks.push({ t: c, pos, text: c });
      i++;
    } else if (c === ':' && text[i + 1] === '=') {
      toks.push({ t: ':=', pos, text: ':=' });
      i += 2;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= text.length || text[j] === '\n') return { message: 'unterminated quoted string', start: pos, end: j };
        const ch = text[j];
        if (ch === '"') break;
        if (ch === '\\') {
          const esc = text[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
          if (esc === 'x' || esc === 'u' || esc === 'U') {
            const len = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
            const hex = text.slice(j + 2, j + 2 + len);
            if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return { message: `invalid syntax: bad escape in ${text.slice(pos, j + 2 + len)}`, start: j, end: j + 2 };
            out += String.fromCodePoint(parseInt(hex, 16));
            j += 2 + len;
            continue;
          }
          if (esc === undefined || !(esc in simple)) return { message: 'invalid syntax: unknown escape sequence', start: j, end: j + 2 };
          out += simple[esc];
          j += 2;
          continue;
        }
        out += ch;
        j++;
      }
      toks.push({ t: 'string', text: text.slice(pos, j + 1), value: out, pos });
      i = j + 1;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) return { message: 'unterminated raw quoted string', start: pos, end: text.length };
      toks.push({ t: 'string', text: text.slice(pos, j + 1), value: text.slice(i + 1, j), pos });
      i = j + 1;
    } else if (c === "'") {
      const m = /^'(\\.|[^\\'])'/.exec(text.slice(i));
      if (!m) return { message: 'unterminated character constant', start: pos, end: pos + 1 };
      const ch = m[1].length === 2 ? ({ n: 10, t: 9, r: 13, '\\': 92, "'": 39 } as Record<string, number>)[m[1][1]] ?? m[1].charCodeAt(1) : m[1].charCodeAt(0);
      toks.push({ t: 'number', text: m[0], value: ch, pos });
      i += m[0].length;
    } else if (c === '.' && !/[0-9]/.test(text[i + 1] ?? '')) {
      const m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(text.slice(i));
      if (m) {
        toks.push({ t: 'field', text: m[0], pos });
        i += m[0].length;
      } else {
        toks.push({ t: 'dot', pos, text: '.' });
        i++;
      }
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(text.slice(i))!;
      toks.push({ t: 'variable', text: m[0], pos });
      i += m[0].length;
    } else if (/[0-9+\-.]/.test(c)) {
      const m = /^[+-]?(0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+([eE][+-]?[0-9]+)?)/.exec(text.slice(i));
      if (!m || m[0] === '' || m[0] === '-' || m[0] === '+') return { message: `bad number syntax: "${text.slice(i, i + 1)}"`, start: pos, end: pos + 1 };
      const value = Number(m[0].replace(/_/g, ''));
      if (Number.isNaN(value)) return { message: `bad number syntax: "${m[0]}"`, start: pos, end: pos + m[0].length };
      toks.push({ t: 'number', text: m[0], value, pos });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      const word = m[0];
      if (word === 'true' || word === 'false') toks.push({ t: 'bool', text: word, value: word === 'true', pos });
      else if (word === 'nil') toks.push({ t: 'nil', text: word, pos });
      else toks.push({ t: 'ident', text: word, pos });
      i += word.length;
    } else {
      return { message: `unexpected ${JSON.stringify(c)} in ${unexpectedCharContext(toks)}`, start: pos, end: pos + 1 };
    }
  }
}

/**
 * Where Go's parser meets a character its lexer passed on as is: where a command may start (the action's start, after
 * `|` or a declaration) it reports it "in command", after `(` "in parenthesized pipeline", and elsewhere "in operand".
 */
function unexpectedCharContext(toks: Token[]): string {
  const last = toks[toks.length - 1];
  if (!last || last.t === '|' || last.t === ':=' || last.t === '=') return 'command';
  if (last.t === '(') return 'parenthesized pipeline';
  return 'operand';
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

function parseAction(text: string, start: number): { pipe?: Pipeline; verbatim: boolean; end: number; trimRight: boolean } | TemplateError {
  const toks = lexAction(text, start);
  if (!Array.isArray(toks)) return toks;
  const close = toks[toks.length - 1] as Extract<Token, { t: 'close' }>;
  const body = toks.slice(0, -1);
  if (body.length === 0) {
    // `{{}}` is a syntax error unless it was a comment.
    if (text.slice(start, close.pos).trim().startsWith('/*')) return { verbatim: false, end: close.end, trimRight: close.trim };
    return { message: 'missing value for command', start: start - 2, end: close.end };
  }
  if (body[0].t === 'ident' && CONTROL_WORDS.has(body[0].text)) {
    return { verbatim: true, end: close.end, trimRight: close.trim };
  }
  const p = new PipeParser(body, close.pos);
  const pipe = p.pipeline();
  if ('message' in pipe) return pipe;
  if (p.i < body.length) {
    const t = body[p.i];
    return { message: `unexpected ${describe(t)} in command`, start: t.pos, end: t.pos + t.text.length };
  }
  return { pipe, verbatim: refersToData(pipe), end: close.end, trimRight: close.trim };
}

function describe(t: Token): string {
  if (t.t === ')') return '")"';
  if (t.t === 'close') return '"}}"';
  return `<${t.text}>`;
}

class PipeParser {
  i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly endPos: number,
  ) {}

  pipeline(): Pipeline | TemplateError {
    const pos = this.toks[this.i]?.pos ?? this.endPos;
    // Variable declarations (`$x := …`) are build-time logic; treat the operand after them as the pipeline.
    if (this.toks[this.i]?.t === 'variable' && (this.toks[this.i + 1]?.t === ':=' || this.toks[this.i + 1]?.t === '=')) this.i += 2;
    const commands: Command[] = [];
    for (;;) {
      const cmd = this.command();
      if ('message' in cmd) return cmd;
      commands.push(cmd);
      if (this.toks[this.i]?.t === '|') {
        this.i++;
        continue;
      }
      break;
    }
    return { commands, pos };
  }

  command(): Command | TemplateError {
    const args: Operand[] = [];
    const pos = this.toks[this.i]?.pos ?? this.endPos;
    while (this.i < this.toks.length) {
      const t = this.toks[this.i];
      if (t.t === '|' || t.t === ')') break;
      const op = this.operand();
      if ('message' in op) return op;
      args.push(op);
    }
    if (args.length === 0) return { message: 'missing value for command', start: pos, end: pos + 1 };
    return { args, pos };
  }

  operand(): Operand | TemplateError {
    const t = this.toks[this.i++];
    switch (t.t) {
      case 'ident':
        return { kind: 'ident', name: t.text, pos: t.pos };
      case 'field':
        return { kind: 'field', path: t.text.slice(1).split('.'), pos: t.pos };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'variable':
        return { kind: 'variable', name: t.text, pos: t.pos };
      case 'string':
        return { kind: 'string', value: String(t.value), text: t.text, pos: t.pos };
      case 'number':
      case 'char':
        return { kind: 'number', value: Number(t.value), text: t.text, pos: t.pos };
      case 'bool':
        return { kind: 'bool', value: Boolean(t.value), pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case '(': {
        const pipe = this.pipeline();
        if ('message' in pipe) return pipe;
        if (this.toks[this.i]?.t !== ')') return { message: 'unclosed left paren', start: t.pos, end: t.pos + 1 };
        this.i++;
        return { kind: 'pipe', pipe, pos: t.pos };
      }
      default:
        return { message: `unexpected ${describe(t)} in operand`, start: t.pos, end: t.pos + t.text.length };
    }
  }
}

/** True if the pipeline reads build-time data (`.Field`, `.`, `$var`), so it must stay as written. */
function refersToData(pipe: Pipeline): boolean {
  return pipe.commands.some((c) =>
    c.args.some((a) => a.kind === 'field' || a.kind === 'dot' || a.kind === 'variable' || (a.kind === 'pipe' && refersToData(a.pipe))),
  );
}

/** Every function name a pipeline calls, with the position of each call. */
export function calledFunctions(pipe: Pipeline): Array<{ name: string; pos: number }> {
  const out: Array<{ name: string; pos: number }> = [];
  for (const c of pipe.commands) {
    for (const a of c.args) {
      if (a.kind === 'ident') out.push({ name: a.name, pos: a.pos });
      else if (a.kind === 'pipe') out.push(...calledFunctions(a.pipe));
    }
  }
  return out;
}

/** Thrown by a template function; the evaluator turns it into a TemplateError at the call. */
export class FunctionError extends Error {}

/** A function's result that tells the evaluator to keep the whole action as written (e.g. `{{ build `ID` }}`). */
export const KEEP_AS_WRITTEN: unique symbol = Symbol('keep');

export type TemplateFunction = (args: TemplateValue[]) => TemplateValue | typeof KEEP_AS_WRITTEN;

export interface FunctionSpec {
  /** Parameter kinds: 's' string, 'i' integer; a trailing '...' makes the last one variadic. */
  params: string[];
  call: TemplateFunction;
}

export type FunctionTable = Record<string, FunctionSpec>;

/** Renders parsed nodes; a failing action is reported and leaves its text as written. */
export function renderTemplate(text: string, nodes: TemplateNode[], funcs: FunctionTable): { text: string; errors: TemplateError[] } {
  let out = '';
  const errors: TemplateError[] = [];
  for (const n of nodes) {
    if (n.kind === 'text') {
      out += n.text;
      continue;
    }
    if (!n.pipe) continue;
    if (n.verbatim) {
      // Kept for the component to render later, but a misspelt function would fail then; say so now.
      const unknown = calledFunctions(n.pipe).find((f) => !funcs[f.name]);
      if (unknown) errors.push({ message: `function "${unknown.name}" not defined`, kind: 'unknown-function', func: unknown.name, start: unknown.pos, end: unknown.pos + unknown.name.length });
      out += text.slice(n.start, n.end);
      continue;
    }
    try {
      const v = evalPipe(n.pipe, funcs);
      out += v === KEEP_AS_WRITTEN ? text.slice(n.start, n.end) : goPrint(v);
    } catch (e) {
      if (e instanceof EvalError) errors.push(e.at);
      else throw e;
      out += text.slice(n.start, n.end);
    }
  }
  return { text: out, errors };
}

class EvalError extends Error {
  constructor(readonly at: TemplateError) {
    super(at.message);
  }
}

function goPrint(v: TemplateValue): string {
  return typeof v === 'string' ? v : String(v);
}

function evalPipe(pipe: Pipeline, funcs: FunctionTable): TemplateValue | typeof KEEP_AS_WRITTEN {
  let prev: TemplateValue | undefined;
  for (const cmd of pipe.commands) {
    const r = evalCommand(cmd, funcs, prev);
    if (r === KEEP_AS_WRITTEN) return r;
    prev = r;
  }
  return prev as TemplateValue;
}

function evalCommand(cmd: Command, funcs: FunctionTable, piped: TemplateValue | undefined): TemplateValue | typeof KEEP_AS_WRITTEN {
  const [head, ...rest] = cmd.args;
  if (head.kind !== 'ident') {
    if (rest.length > 0 || piped !== undefined) {
      throw new EvalError({ message: `can't give argument to non-function ${operandText(head)}`, start: head.pos, end: head.pos + 1 });
    }
    const v = evalOperand(head, funcs);
    return v;
  }
  const spec = funcs[head.name];
  if (!spec) throw new EvalError({ message: `function "${head.name}" not defined`, kind: 'unknown-function', func: head.name, start: head.pos, end: head.pos + head.name.length });
  const args: TemplateValue[] = [];
  for (const a of rest) {
    const v = evalOperand(a, funcs);
    if (v === KEEP_AS_WRITTEN) return v;
    args.push(v);
  }
  if (piped !== undefined) args.push(piped);
  const where = { start: head.pos, end: head.pos + head.name.length };
  checkArgs(head.name, spec, args, where);
  try {
    return spec.call(args);
  } catch (e) {
    if (e instanceof FunctionError) throw new EvalError({ message: `error calling ${head.name}: ${e.message}`, kind: 'call', func: head.name, cause: e, ...where });
    throw e;
  }
}

function operandText(o: Operand): string {
  switch (o.kind) {
    case 'string':
      return JSON.stringify(o.value);
    case 'number':
      return o.text;
    case 'bool':
      return String(o.value);
    default:
      return o.kind;
  }
}

function evalOperand(o: Operand, funcs: FunctionTable): TemplateValue | typeof KEEP_AS_WRITTEN {
  switch (o.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return o.value;
    case 'ident': {
      const spec = funcs[o.name];
      if (!spec) throw new EvalError({ message: `function "${o.name}" not defined`, kind: 'unknown-function', func: o.name, start: o.pos, end: o.pos + o.name.length });
      return evalCommand({ args: [o], pos: o.pos }, funcs, undefined);
    }
    case 'pipe':
      return evalPipe(o.pipe, funcs);
    case 'nil':
      throw new EvalError({ message: 'nil is not a command', start: o.pos, end: o.pos + 3 });
    default:
      return KEEP_AS_WRITTEN;
  }
}

function checkArgs(name: string, spec: FunctionSpec, args: TemplateValue[], where: { start: number; end: number }): void {
  const variadic = spec.params.length > 0 && spec.params[spec.params.length - 1].endsWith('...');
  const fixed = variadic ? spec.params.length - 1 : spec.params.length;
  if (variadic ? args.length < fixed : args.length !== fixed) {
    const want = variadic ? `at least ${fixed}` : String(fixed);
    throw new EvalError({ message: `wrong number of args for ${name}: want ${want} got ${args.length}`, kind: 'args', func: name, ...where });
  }
  args.forEach((a, i) => {
    const kind = (spec.params[Math.min(i, spec.params.length - 1)] ?? 's').replace('...', '');
    const ok = kind === 's' ? typeof a === 'string' : typeof a === 'number' && Number.isInteger(a);
    if (!ok) {
      const got = typeof a === 'string' ? 'string' : typeof a === 'number' ? (Number.isInteger(a) ? 'int' : 'float64') : 'bool';
      throw new EvalError({ message: `wrong type for argument ${i + 1} of ${name}; expected ${kind === 's' ? 'string' : 'int'}; got ${got}`, kind: 'args', func: name, ...where });
    }
  });
}

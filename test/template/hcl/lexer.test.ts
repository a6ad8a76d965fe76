import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexHcl, lexHclTemplate } from '../../../core/template/hcl/lexer';
import { LineIndex } from '../../../core/template/source';

/** Every byte is in a token except the spaces between tokens, which must be only spaces/tabs (or a leading BOM). */
function assertRoundTrip(text: string, lex = lexHcl): void {
  const { tokens } = lex(text, 't.pkr.hcl');
  let rebuilt = '';
  let last = 0;
  for (const t of tokens) {
    const gap = text.slice(last, t.start);
    assert.match(gap, /^[\uFEFF \t]*$/, `unexpected gap ${JSON.stringify(gap)} before ${t.type}`);
    rebuilt += gap + t.text;
    assert.equal(t.text, text.slice(t.start, t.end));
    last = t.end;
  }
  assert.equal(rebuilt, text);
  assert.equal(tokens[tokens.length - 1].type, 'EOF');
  const idx = new LineIndex(text);
  for (const t of tokens) {
    assert.deepEqual(t.range.start, idx.pos(t.start), `start of ${t.type} ${JSON.stringify(t.text)}`);
    assert.deepEqual(t.range.end, idx.pos(t.end), `end of ${t.type} ${JSON.stringify(t.text)}`);
  }
}

function types(text: string): string[] {
  return lexHcl(text, 't.pkr.hcl').tokens.map((t) => `${t.type}:${t.text}`);
}

const samples: string[] = [
  '',
  'a = 1\n',
  'source "docker" "ubuntu" {\n  image  = "ubuntu:22.04"\n  commit = true\n}\n',
  '# hash comment\n// slash comment\r\n/* block\n comment */ a = 1 # trailing\n',
  'x = "a ${var.b} c %{ if d }e%{ else }f%{ endif } $${g} %%{h} \\"q\\" \\u00e9"\n',
  'x = "${~ a ~}"\n',
  'x = <<EOT\nline ${1 + 2} one\n  two\nEOT\ny = 2\n',
  'x = <<-EOT\n    indented\n      more\n    EOT\n',
  'n = [1, 1.5, 1e3, 2.5E-2, -3]\nm = { a = 1, "b" : 2, (c) = 3 }\n',
  'o = a == b && c != d || e >= f && g <= h ? i : j\np = x...\nq = { for k, v in m : k => v... if v > 0 }\n',
  's = a.b[0].c.0[*].d.*.e\n',
  'u = "héllo wörld 😀" # ünïcode ☃\nv = ünï\n',
  '\uFEFFa = 1\r\nb = 2\r\n',
  'bad = a & b ; c `x` \'y\' @\n',
  'unterminated = "abc\nnext = 1\n',
  'open /* not closed\n',
  'nested = "${ {a = "${b}"} }"\n',
  'h = <<EOT\nno end marker',
  'trailing = 1',
];

test('lexer: concatenated token text rebuilds the input and ranges match LineIndex', () => {
  for (const s of samples) assertRoundTrip(s);
});

test('lexer: bare templates round-trip', () => {
  for (const s of ['hello ${name}!\n%{ for x in xs }${x}\n%{ endfor }', 'ends with $', '100%', '']) assertRoundTrip(s, lexHclTemplate);
});

test('lexer: quoted templates split into interpolation tokens', () => {
  assert.deepEqual(types('"a${b}c"'), ['OQuote:"', 'QuotedLit:a', 'TemplateInterp:${', 'Ident:b', 'TemplateSeqEnd:}', 'QuotedLit:c', 'CQuote:"', 'EOF:']);
  assert.deepEqual(types('"%{~if x~}y"'), ['OQuote:"', 'TemplateControl:%{~', 'Ident:if', 'Ident:x', 'TemplateSeqEnd:~}', 'QuotedLit:y', 'CQuote:"', 'EOF:']);
  assert.deepEqual(types('"$${x}%%{y}"'), ['OQuote:"', 'QuotedLit:$${x}%%{y}', 'CQuote:"', 'EOF:']);
  assert.deepEqual(types('"${ {a=1} }"'), ['OQuote:"', 'TemplateInterp:${', 'OBrace:{', 'Ident:a', 'Equal:=', 'NumberLit:1', 'CBrace:}', 'TemplateSeqEnd:}', 'CQuote:"', 'EOF:']);
});

test('lexer: heredocs emit the opener with its newline, literal lines and the closing marker', () => {
  assert.deepEqual(types('x = <<EOT\nhi ${a}\n  EOT\n'), [
    'Ident:x', 'Equal:=', 'OHeredoc:<<EOT\n', 'StringLit:hi ', 'TemplateInterp:${', 'Ident:a', 'TemplateSeqEnd:}', 'StringLit:\n', 'CHeredoc:  EOT', 'Newline:\n', 'EOF:',
  ]);
  assert.deepEqual(types('<<-X\r\nX\r\n'), ['OHeredoc:<<-X\r\n', 'CHeredoc:X', 'Newline:\r\n', 'EOF:']);
});

test('lexer: comments keep their newline; numbers, identifiers with dashes and operators', () => {
  assert.deepEqual(types('# c\na-b 1.5e+3 1.0.2 x.0.y ...=>'), [
    'Comment:# c\n', 'Ident:a-b', 'NumberLit:1.5e+3', 'NumberLit:1.0.2', 'Ident:x', 'Dot:.', 'NumberLit:0', 'Dot:.', 'Ident:y', 'Ellipsis:...', 'FatArrow:=>', 'EOF:',
  ]);
  assert.deepEqual(types('/* a */b'), ['Comment:/* a */', 'Ident:b', 'EOF:']);
  assert.deepEqual(types('/* a'), ['Slash:/', 'Star:*', 'Ident:a', 'EOF:']);
  assert.deepEqual(types('a<b<=c>d>=e!f!=g'), ['Ident:a', 'LessThan:<', 'Ident:b', 'LessThanEq:<=', 'Ident:c', 'GreaterThan:>', 'Ident:d', 'GreaterThanEq:>=', 'Ident:e', 'Bang:!', 'Ident:f', 'NotEqual:!=', 'Ident:g', 'EOF:']);
});

test('lexer: characters HCL never accepts are reported with their position', () => {
  const { diagnostics } = lexHcl('a = 1 ; b = 2\nc = d & e\nf = @\n', 't.pkr.hcl');
  assert.deepEqual(diagnostics.map((d) => [d.summary, d.range?.start.line, d.range?.start.column]), [
    ['Invalid character', 1, 7],
    ['Unsupported operator', 2, 7],
    ['Invalid character', 3, 5],
  ]);
  const nl = lexHcl('a = "x\n', 't.pkr.hcl').diagnostics;
  assert.equal(nl[0].summary, 'Invalid multi-line string');
});

test('lexer: positions count UTF-8 bytes', () => {
  const { tokens } = lexHcl('a = "é" b', 't.pkr.hcl');
  const b = tokens.find((t) => t.text === 'b');
  assert.deepEqual(b?.range.start, { line: 1, column: 9, byte: 9 });
});

test('lexer: a string broken by a newline ends there, with any sequences it sat in', () => {
  const out = types('a = "${ "b\nc = {}\n');
  assert.deepEqual(out.slice(-7), ['Newline:\n', 'Ident:c', 'Equal:=', 'OBrace:{', 'CBrace:}', 'Newline:\n', 'EOF:']);
});

test('lexer: mutated inputs still round-trip (deterministic fuzz)', () => {
  const pieces = ['{', '}', '"', '${', '%{', '~}', '\n', '<<EOT\n', 'EOT\n', '<<-X\n', '#', '//', '/*', '*/', '\\', 'é', '\r\n', '$${', '`', 'a-b', '1.5e3'];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 300; i++) {
    let s = samples[rnd(samples.length)];
    for (let k = 0; k < 4; k++) {
      const at = rnd(s.length + 1);
      s = rnd(2) ? s.slice(0, at) + pieces[rnd(pieces.length)] + s.slice(at) : s.slice(0, at) + s.slice(at + 1 + rnd(4));
    }
    assertRoundTrip(s);
  }
});

/**
 * Expressions of HCL's native syntax, with HCL's precedence: unary `!` `-`; `*` `/` `%`; `+` `-`;
 * comparisons; `==` `!=`; `&&`; `||`; then `?:`. Terms are followed by attribute, index and splat steps.
 */
import type { Range } from '../source';
import type { BinaryOperator, Expr, ObjectItem, TemplateExpr } from './ast';
import type { Parser } from './parser';
import { parseTemplateParts, span } from './template';
import type { Token, TokenType } from './tokens';

/** Binary operators from the loosest to the tightest binding, as in HCL. */
const BINARY_LEVELS: Partial<Record<TokenType, BinaryOperator>>[] = [
  { Or: '||' },
  { And: '&&' },
  { EqualOp: '==', NotEqual: '!=' },
  { GreaterThan: '>', GreaterThanEq: '>=', LessThan: '<', LessThanEq: '<=' },
  { Plus: '+', Minus: '-' },
  { Star: '*', Slash: '/', Percent: '%' },
];

/** Parses one expression at the parser's cursor; failures leave `invalid` nodes and diagnostics on the parser. */
export function parseExpression(ps: Parser): Expr {
  return parseConditional(ps);
}

function parseConditional(ps: Parser): Expr {
  const p = ps.peeker;
  const before = ps.diags.length;
  const cond = parseBinary(ps, 0);
  if (ps.recovery && ps.diags.length > before) return cond;
  if (p.peek().type !== 'Question') return cond;
  p.read();
  const beforeTrue = ps.diags.length;
  const thenExpr = parseExpression(ps);
  if (ps.recovery && ps.diags.length > beforeTrue) return cond;
  const colon = p.peek();
  if (colon.type !== 'Colon') {
    ps.error('Missing false expression in conditional', 'The conditional operator (...?...:...) requires a false expression, delimited by a colon.', colon.range);
    return cond;
  }
  p.read();
  const beforeFalse = ps.diags.length;
  const elseExpr = parseExpression(ps);
  if (ps.recovery && ps.diags.length > beforeFalse) return cond;
  return { kind: 'conditional', cond, then: thenExpr, else: elseExpr, range: span(cond.range, elseExpr.range) };
}

function parseBinary(ps: Parser, level: number): Expr {
  if (level >= BINARY_LEVELS.length) return parseWithTraversals(ps);
  const p = ps.peeker;
  const ops = BINARY_LEVELS[level];
  const before = ps.diags.length;
  let lhs = parseBinary(ps, level + 1);
  if (ps.recovery && ps.diags.length > before) return lhs;
  for (;;) {
    const op = ops[p.peek().type];
    if (!op) return lhs;
    p.read();
    const beforeRhs = ps.diags.length;
    const rhs = parseBinary(ps, level + 1);
    if (ps.recovery && ps.diags.length > beforeRhs) return lhs;
    lhs = { kind: 'binary', op, left: lhs, right: rhs, range: span(lhs.range, rhs.range) };
  }
}

function parseWithTraversals(ps: Parser): Expr {
  return parseTraversals(ps, parseTerm(ps));
}

function parseTraversals(ps: Parser, from: Expr): Expr {
  const p = ps.peeker;
  let ret = from;
  for (;;) {
    const next = p.peek();
    if (next.type === 'Dot') {
      const dot = p.read();
      const attr = p.peek();
      if (attr.type === 'Ident') {
        p.read();
        ret = { kind: 'getattr', object: ret, name: attr.text, nameRange: attr.range, range: span(from.range, attr.range) };
      } else if (attr.type === 'NumberLit') {
        p.read();
        ret = legacyIndex(ps, ret, attr, from.range, false);
      } else if (attr.type === 'Star') {
        ret = attrSplat(ps, ret, dot, from.range);
      } else {
        ps.error('Invalid attribute name', 'An attribute name is required after a dot.', attr.range);
        ps.recovery = true;
        return { kind: 'invalid', range: span(from.range, dot.range) };
      }
    } else if (next.type === 'OBrack') {
      const open = p.read();
      if (p.peek().type === 'Star') {
        p.read();
        let close = p.read();
        if (close.type !== 'CBrack' && !ps.recovery) {
          ps.error('Missing close bracket on splat index', 'The star for a full splat operator must be immediately followed by a closing bracket ("]").', close.range);
          close = ps.recover('CBrack');
        }
        const anon: Expr = { kind: 'anon', range: span(open.range, close.range) };
        const each = parseTraversals(ps, anon);
        ret = { kind: 'splat', source: ret, each, full: true, range: span(from.range, each.range) };
      } else {
        p.pushIncludeNewlines(false);
        const before = ps.diags.length;
        const key = parseExpression(ps);
        let close: Token;
        if (ps.recovery && ps.diags.length > before) {
          close = ps.recover('CBrack');
        } else {
          close = p.read();
          if (close.type !== 'CBrack' && !ps.recovery) {
            ps.error('Missing close bracket on index', 'The index operator must end with a closing bracket ("]").', close.range);
            close = ps.recover('CBrack');
          }
        }
        p.popIncludeNewlines();
        ret = { kind: 'index', object: ret, key, range: span(from.range, close.range) };
      }
    } else {
      return ret;
    }
  }
}

/** `list.0`, HCL's legacy index form, kept as a getattr named "0". */
function legacyIndex(ps: Parser, object: Expr, num: Token, fromRange: Range, inSplat: boolean): Expr {
  const dotAt = num.text.indexOf('.');
  if (dotAt >= 0) {
    const first = num.text.slice(0, dotAt);
    const second = num.text.slice(dotAt + 1);
    ps.error('Invalid legacy index syntax', inSplat
      ? `When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [${first}][${second}].`
      : `When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [${first}][${second}].`, num.range);
    return { kind: 'invalid', range: span(fromRange, num.range) };
  }
  return { kind: 'getattr', object, name: num.text, nameRange: num.range, range: span(fromRange, num.range) };
}

/** `src.*.a.b`: only attribute (and legacy index) steps follow the star. */
function attrSplat(ps: Parser, source: Expr, dot: Token, fromRange: Range): Expr {
  const p = ps.peeker;
  const marker = p.read();
  const anon: Expr = { kind: 'anon', range: span(dot.range, marker.range) };
  let each: Expr = anon;
  let last = marker.range;
  while (p.peek().type === 'Dot') {
    p.read();
    const tok = p.peek();
    if (tok.type === 'NumberLit') {
      p.read();
      each = legacyIndex(ps, each, tok, anon.range, true);
      last = tok.range;
      continue;
    }
    if (tok.type !== 'Ident') {
      if (!ps.recovery) {
        if (tok.type === 'Star') ps.error('Nested splat expression not allowed', 'A splat expression (*) cannot be used inside another attribute-only splat expression.', tok.range);
        else ps.error('Invalid attribute name', 'An attribute name is required after a dot.', tok.range);
      }
      ps.recovery = true;
      break;
    }
    p.read();
    each = { kind: 'getattr', object: each, name: tok.text, nameRange: tok.range, range: span(anon.range, tok.range) };
    last = tok.range;
  }
  return { kind: 'splat', source, each, full: false, range: span(fromRange, last) };
}

function parseTerm(ps: Parser): Expr {
  const p = ps.peeker;
  const start = p.peek();
  switch (start.type) {
    case 'OParen': {
      const open = p.read();
      p.pushIncludeNewlines(false);
      const before = ps.diags.length;
      const expr = parseExpression(ps);
      if (ps.diags.length > before) {
        ps.recover('CParen');
        p.popIncludeNewlines();
        return expr;
      }
      const close = p.peek();
      if (close.type !== 'CParen') {
        ps.error('Unbalanced parentheses', 'Expected a closing parenthesis to terminate the expression.', close.range);
        ps.recovery = true;
      }
      const cParen = p.read();
      p.popIncludeNewlines();
      return { kind: 'parens', expr, range: span(open.range, cParen.range) };
    }
    case 'NumberLit': {
      p.read();
      const value = Number(start.text);
      if (!Number.isFinite(value)) {
        ps.error('Invalid number literal', 'Failed to recognize the value of this number literal.', start.range);
        return { kind: 'invalid', range: start.range };
      }
      return { kind: 'literal', value, range: start.range };
    }
    case 'Ident': {
      p.read();
      if (p.peek().type === 'OParen') return finishCall(ps, start);
      if (start.text === 'true') return { kind: 'literal', value: true, range: start.range };
      if (start.text === 'false') return { kind: 'literal', value: false, range: start.range };
      if (start.text === 'null') return { kind: 'literal', value: null, range: start.range };
      return { kind: 'variable', name: start.text, range: start.range };
    }
    case 'OQuote':
    case 'OHeredoc': {
      const open = p.read();
      const heredoc = open.type === 'OHeredoc';
      const tpl = parseTemplateParts(ps, heredoc ? 'CHeredoc' : 'CQuote', heredoc && open.text.startsWith('<<-'));
      const expr: TemplateExpr = { kind: 'template', parts: tpl.parts, range: span(open.range, tpl.range) };
      if (heredoc) expr.heredoc = true;
      return expr;
    }
    case 'Minus':
    case 'Bang': {
      p.read();
      const operand = parseWithTraversals(ps);
      return { kind: 'unary', op: start.type === 'Minus' ? '-' : '!', operand, range: span(start.range, operand.range) };
    }
    case 'OBrack':
      return parseTuple(ps);
    case 'OBrace':
      return parseObject(ps);
    default:
      if (!ps.recovery) {
        if (start.type === 'EOF') ps.error('Missing expression', 'Expected the start of an expression, but found the end of the file.', start.range);
        else ps.error('Invalid expression', 'Expected the start of an expression, but found an invalid expression token.', start.range);
      }
      ps.recovery = true;
      return { kind: 'invalid', range: start.range };
  }
}

function finishCall(ps: Parser, name: Token): Expr {
  const p = ps.peeker;
  const open = p.read();
  const args: Expr[] = [];
  let expandFinal = false;
  let close: Token | undefined;
  p.pushIncludeNewlines(false);
  for (;;) {
    if (p.peek().type === 'CParen') {
      close = p.read();
      break;
    }
    const before = ps.diags.length;
    const arg = parseExpression(ps);
    args.push(arg);
    if (ps.recovery && ps.diags.length > before) {
      const rec = ps.recover('CParen');
      if (rec.type === 'CParen') close = rec;
      break;
    }
    const sep = p.read();
    if (sep.type === 'CParen') {
      close = sep;
      break;
    }
    if (sep.type === 'Ellipsis') {
      expandFinal = true;
      if (p.peek().type !== 'CParen') {
        if (!ps.recovery) ps.error('Missing closing parenthesis', 'An expanded function argument (with ...) must be immediately followed by closing parentheses.', sep.range);
        close = ps.recover('CParen');
      } else {
        close = p.read();
      }
      break;
    }
    if (sep.type !== 'Comma') {
      if (sep.type === 'EOF') {
        ps.error('Unterminated function call', 'There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.', span(name.range, open.range));
      } else {
        ps.error('Missing argument separator', 'A comma is required to separate each function argument from the next.', sep.range);
      }
      close = ps.recover('CParen');
      break;
    }
    if (p.peek().type === 'CParen') {
      close = p.read();
      break;
    }
  }
  p.popIncludeNewlines();
  const end = close && close.type !== 'EOF' ? close.range : p.prevRange();
  return { kind: 'call', name: name.text, nameRange: name.range, args, expandFinal, range: span(name.range, end) };
}

function isKeyword(tok: Token, word: string): boolean {
  return tok.type === 'Ident' && tok.text === word;
}

function parseTuple(ps: Parser): Expr {
  const p = ps.peeker;
  const open = p.read();
  p.pushIncludeNewlines(false);
  try {
    if (isKeyword(p.peek(), 'for')) return finishFor(ps, open);
    const items: Expr[] = [];
    let close: Token;
    for (;;) {
      if (p.peek().type === 'CBrack') {
        close = p.read();
        break;
      }
      const before = ps.diags.length;
      items.push(parseExpression(ps));
      if (ps.recovery && ps.diags.length > before) {
        close = ps.recover('CBrack');
        break;
      }
      const next = p.peek();
      if (next.type === 'CBrack') {
        close = p.read();
        break;
      }
      if (next.type !== 'Comma') {
        if (!ps.recovery) {
          if (next.type === 'EOF') ps.error('Unterminated tuple constructor expression', 'There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.', open.range);
          else ps.error('Missing item separator', 'Expected a comma to mark the beginning of the next item.', next.range);
        }
        close = ps.recover('CBrack');
        break;
      }
      p.read();
    }
    return { kind: 'tuple', items, range: span(open.range, close.range) };
  } finally {
    p.popIncludeNewlines();
  }
}

function parseObject(ps: Parser): Expr {
  const p = ps.peeker;
  const open = p.read();
  p.pushIncludeNewlines(false);
  const isFor = isKeyword(p.peek(), 'for');
  p.popIncludeNewlines();
  if (isFor) return finishFor(ps, open);

  p.pushIncludeNewlines(true);
  const items: ObjectItem[] = [];
  let close: Token;
  try {
    for (;;) {
      const next = p.peek();
      if (next.type === 'Newline') {
        p.read();
        continue;
      }
      if (next.type === 'CBrace') {
        close = p.read();
        break;
      }
      const before = ps.diags.length;
      const key = parseExpression(ps);
      if (ps.recovery && ps.diags.length > before) {
        close = ps.recover('CBrace');
        break;
      }
      const sep = p.peek();
      if (sep.type !== 'Equal' && sep.type !== 'Colon') {
        if (!ps.recovery) {
          if (sep.type === 'Newline' || sep.type === 'Comma') {
            ps.error('Missing attribute value', 'Expected an attribute value, introduced by an equals sign ("=").', sep.range);
          } else if (sep.type === 'Ident') {
            ps.error('Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.', sep.range);
          } else if (sep.type === 'EOF') {
            ps.error('Unterminated object constructor expression', 'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', open.range);
          } else {
            ps.error('Missing key/value separator', 'Expected an equals sign ("=") to mark the beginning of the attribute value.', sep.range);
          }
        }
        close = ps.recover('CBrace');
        break;
      }
      p.read();
      const beforeValue = ps.diags.length;
      const value = parseExpression(ps);
      items.push(objectItem(key, value));
      if (ps.recovery && ps.diags.length > beforeValue) {
        close = ps.recover('CBrace');
        break;
      }
      const after = p.peek();
      if (after.type === 'CBrace') {
        close = p.read();
        break;
      }
      if (after.type !== 'Comma' && after.type !== 'Newline') {
        if (!ps.recovery) {
          if (after.type === 'EOF') ps.error('Unterminated object constructor expression', 'There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.', open.range);
          else ps.error('Missing attribute separator', 'Expected a newline or comma to mark the beginning of the next attribute.', after.range);
        }
        close = ps.recover('CBrace');
        break;
      }
      p.read();
    }
  } finally {
    p.popIncludeNewlines();
  }
  return { kind: 'object', items, range: span(open.range, close.range) };
}

function finishFor(ps: Parser, open: Token): Expr {
  const p = ps.peeker;
  p.pushIncludeNewlines(false);
  try {
    p.read(); // for
    const makeObj = open.type === 'OBrace';
    const closeType: TokenType = makeObj ? 'CBrace' : 'CBrack';
    const fail = (detail: string | undefined): Expr => {
      if (detail && !ps.recovery) ps.error("Invalid 'for' expression", detail, p.nextRange());
      const close = ps.recover(closeType);
      return { kind: 'invalid', range: span(open.range, close.range) };
    };
    if (p.peek().type !== 'Ident') return fail("For expression requires variable name after 'for'.");
    let valueVar = p.read().text;
    let keyVar: string | undefined;
    if (p.peek().type === 'Comma') {
      keyVar = valueVar;
      p.read();
      if (p.peek().type !== 'Ident') return fail('For expression requires value variable name after comma.');
      valueVar = p.read().text;
    }
    if (!isKeyword(p.peek(), 'in')) return fail("For expression requires the 'in' keyword after its name declarations.");
    p.read();
    let before = ps.diags.length;
    const collection = parseExpression(ps);
    if (ps.recovery && ps.diags.length > before) return fail(undefined);
    if (p.peek().type !== 'Colon') return fail('For expression requires a colon after the collection expression.');
    p.read();
    before = ps.diags.length;
    let valueExpr = parseExpression(ps);
    let keyExpr: Expr | undefined;
    if (p.peek().type === 'FatArrow') {
      p.read();
      keyExpr = valueExpr;
      valueExpr = parseExpression(ps);
    }
    if (ps.recovery && ps.diags.length > before) return fail(undefined);
    let group = false;
    let ellipsis: Token | undefined;
    if (p.peek().type === 'Ellipsis') {
      ellipsis = p.read();
      group = true;
    }
    let cond: Expr | undefined;
    if (isKeyword(p.peek(), 'if')) {
      p.read();
      before = ps.diags.length;
      cond = parseExpression(ps);
      if (ps.recovery && ps.diags.length > before) return fail(undefined);
    }
    let close: Token;
    if (p.peek().type === closeType) {
      close = p.read();
    } else {
      if (!ps.recovery) ps.error("Invalid 'for' expression", 'Extra characters after the end of the \'for\' expression.', p.nextRange());
      close = ps.recover(closeType);
    }
    if (!makeObj) {
      if (keyExpr) ps.error("Invalid 'for' expression", 'Key expression is not valid when building a tuple.', keyExpr.range);
      if (group && ellipsis) ps.error("Invalid 'for' expression", 'Grouping ellipsis (...) cannot be used when building a tuple.', ellipsis.range);
    } else if (!keyExpr) {
      ps.error("Invalid 'for' expression", 'Key expression is required when building an object.', valueExpr.range);
    }
    return { kind: 'for', keyVar, valueVar, collection, keyExpr, valueExpr, cond, group, range: span(open.range, close.range) };
  } finally {
    p.popIncludeNewlines();
  }
}

/** A bare identifier key (`{ name = 1 }`) means the string "name", not a variable. */
function objectItem(key: Expr, value: Expr): ObjectItem {
  const range = span(key.range, value.range);
  if (key.kind === 'variable') {
    return { key: { kind: 'template', parts: [{ kind: 'literal', value: key.name, range: key.range }], range: key.range }, bareKey: true, value, range };
  }
  return { key, bareKey: false, value, range };
}

/** Whether one space or none goes between two neighbouring tokens on a line, following hclwrite's rules. */
import type { TokenType } from '../tokens';
import { bracketChange } from './cells';

/** The neighbour of a token at either end of a cell. */
export const NONE = { type: 'Nil', text: '' } as const;

export interface Neighbour {
  type: TokenType | 'Nil';
  text: string;
}

const TEMPLATE_TEXT = new Set<string>(['QuotedLit', 'StringLit']);

/** Tokens after which a `-` reads as negation rather than subtraction. */
const NEGATION_CONTEXT = new Set<string>([
  'Nil', 'OParen', 'OBrace', 'OBrack', 'Equal', 'Colon', 'Comma', 'Question',
  'Plus', 'Star', 'Slash', 'Percent', 'Minus',
  'EqualOp', 'NotEqual', 'GreaterThan', 'GreaterThanEq', 'LessThan', 'LessThanEq',
  'And', 'Or', 'Bang',
]);

function change(t: Neighbour): number {
  return t.type === 'Nil' ? 0 : bracketChange(t.type);
}

export function spaceBetween(subject: Neighbour, before: Neighbour, after: Neighbour): boolean {
  const s = subject.type;
  const a = after.type;
  if (a === 'Newline' || a === 'Nil') return false;
  if (s === 'Ident' && a === 'OParen') return false;
  if (s === 'Dot' || a === 'Dot') return false;
  if (a === 'Comma' || a === 'Ellipsis') return false;
  if (s === 'Comma') return true;
  // Template text is written exactly as it is.
  if (TEMPLATE_TEXT.has(s) || s === 'OQuote' || s === 'OHeredoc') return false;
  if (TEMPLATE_TEXT.has(a) || a === 'CQuote' || a === 'CHeredoc') return false;
  // `in` of a for-expression keeps its space even before a tuple: `for x in [foo]`.
  if (s === 'Ident' && subject.text === 'in' && before.type === 'Ident') return true;
  if (a === 'OBrack' && (s === 'Ident' || s === 'NumberLit' || change(subject) < 0)) return false;
  if (s === 'Minus') return !NEGATION_CONTEXT.has(before.type);
  if (s === 'OBrace' || a === 'CBrace') return !(s === 'OBrace' && a === 'CBrace');
  if ((s === 'TemplateInterp' || s === 'TemplateControl') && a === 'OBrace') return true;
  if (s === 'CBrace' && a === 'TemplateSeqEnd') return true;
  if (s === 'TemplateSeqEnd' && (a === 'TemplateInterp' || a === 'TemplateControl')) return false;
  if (change(subject) > 0) return false;
  if (change(after) < 0) return false;
  // hclwrite since Packer 1.7 writes `!a` and `!(x)`; 1.6.6's wrote `! a`.
  if (s === 'Bang') return false;
  return true;
}

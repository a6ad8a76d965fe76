/**
 * Tokens of HCL's native syntax, as HCL's own scanner (hclsyntax) produces them.
 * The lexer keeps every byte (comments and newlines are tokens) so the formatter can rebuild the file.
 */
import type { Range } from '../source';

export type TokenType =
  | 'OBrace' | 'CBrace' | 'OBrack' | 'CBrack' | 'OParen' | 'CParen'
  | 'OQuote' | 'CQuote' | 'OHeredoc' | 'CHeredoc'
  | 'Star' | 'Slash' | 'Plus' | 'Minus' | 'Percent'
  | 'Equal' | 'EqualOp' | 'NotEqual' | 'LessThan' | 'LessThanEq' | 'GreaterThan' | 'GreaterThanEq'
  | 'And' | 'Or' | 'Bang'
  | 'Dot' | 'Comma' | 'Ellipsis' | 'FatArrow' | 'Question' | 'Colon'
  /** `${` (or `${~`) */
  | 'TemplateInterp'
  /** `%{` (or `%{~`) */
  | 'TemplateControl'
  /** `}` (or `~}`) closing an interpolation or directive */
  | 'TemplateSeqEnd'
  /** literal text inside a quoted string (escapes not yet decoded) */
  | 'QuotedLit'
  /** literal text inside a heredoc */
  | 'StringLit'
  | 'NumberLit'
  | 'Ident'
  /** `#…`, `//…` (including the newline that ends it) or a block comment */
  | 'Comment'
  | 'Newline'
  | 'EOF'
  | 'Invalid';

export interface Token {
  type: TokenType;
  /** The exact source text of the token. */
  text: string;
  range: Range;
  /** UTF-16 offsets into the file text. */
  start: number;
  end: number;
}

/**
 * A cursor over the lexer's tokens that hides comments, and hides newlines where the grammar ignores them
 * (inside brackets, parentheses and template sequences), as hclsyntax's peeker does.
 */
import type { Range } from '../source';
import type { Token } from './tokens';

export class Peeker {
  private nextIndex = 0;
  private readonly includeNewlines: boolean[] = [true];
  private prev: Token;
  private cacheIndex = -1;
  private cacheNewlines = false;
  private cacheToken: Token | undefined;
  private cacheNext = 0;

  constructor(private readonly tokens: Token[], private readonly quotedNewlines: Set<Token>) {
    this.prev = tokens[0];
  }

  private newlines(): boolean {
    return this.includeNewlines[this.includeNewlines.length - 1];
  }

  private find(): { tok: Token; next: number } {
    const nl = this.newlines();
    if (this.cacheIndex === this.nextIndex && this.cacheNewlines === nl && this.cacheToken) {
      return { tok: this.cacheToken, next: this.cacheNext };
    }
    const tokens = this.tokens;
    let result: { tok: Token; next: number } | undefined;
    for (let i = this.nextIndex; i < tokens.length; i++) {
      const tok = tokens[i];
      if (tok.type === 'Comment') {
        // A line comment swallows the newline ending its line; where newlines matter it still ends the line.
        if (nl && tok.text.endsWith('\n')) {
          result = { tok: { ...tok, type: 'Newline', text: '\n' }, next: i + 1 };
          break;
        }
        continue;
      }
      if (tok.type === 'Newline' && !nl && !this.quotedNewlines.has(tok)) continue;
      result = { tok, next: i + 1 };
      break;
    }
    result ??= { tok: tokens[tokens.length - 1], next: tokens.length };
    this.cacheIndex = this.nextIndex;
    this.cacheNewlines = nl;
    this.cacheToken = result.tok;
    this.cacheNext = result.next;
    return result;
  }

  peek(): Token {
    return this.find().tok;
  }

  read(): Token {
    const { tok, next } = this.find();
    // The EOF token is sticky: reading it leaves the cursor where it is.
    if (tok.type !== 'EOF') this.nextIndex = next;
    this.prev = tok;
    return tok;
  }

  nextRange(): Range {
    return this.peek().range;
  }

  prevRange(): Range {
    return this.prev.range;
  }

  pushIncludeNewlines(include: boolean): void {
    this.includeNewlines.push(include);
  }

  popIncludeNewlines(): void {
    this.includeNewlines.pop();
  }

  isQuotedNewline(tok: Token): boolean {
    return this.quotedNewlines.has(tok);
  }
}

/**
 * `bakehouse fmt`'s engine: rewrites HCL native syntax into the canonical layout, byte for byte what
 * `packer fmt` (hclwrite's formatter) writes. Files with syntax errors are returned untouched, as Packer does.
 */
import { hasErrors, type Diagnostic } from '../../source';
import { lexHcl } from '../lexer';
import { parseHcl } from '../parser';
import type { Token } from '../tokens';
import { splitLines, type SpacedToken } from './cells';
import { layOut } from './layout';
import { redefinedAttributes } from './redefined';

export interface FormatResult {
  /** The formatted text, or the original text when it has syntax errors. */
  text: string;
  diagnostics: Diagnostic[];
  /** True when the formatted text differs from the input. */
  changed: boolean;
}

export function formatHcl(text: string, filename: string): FormatResult {
  // Packer refuses to format what it cannot parse, so a file with syntax errors is returned as it was.
  const file = parseHcl(text, filename);
  // The parser may not report repeated arguments itself; hclsyntax does, and Packer refuses the file for it.
  const diagnostics = hasErrors(file.diagnostics) ? file.diagnostics : [...file.diagnostics, ...redefinedAttributes(file.body)];
  if (hasErrors(diagnostics)) return { text, diagnostics, changed: false };
  const { tokens } = lexHcl(text, filename);
  const formatted = formatTokens(text, tokens);
  return { text: formatted, diagnostics, changed: formatted !== text };
}

/** Lays out an already-lexed file; the caller is responsible for it being free of syntax errors. */
export function formatTokens(text: string, tokens: Token[]): string {
  const spaced = withOriginalSpaces(text, tokens);
  layOut(splitLines(spaced));
  let out = '';
  for (const t of spaced) out += ' '.repeat(t.spaces) + t.token.text;
  return out;
}

/**
 * Spaces before each token as hclwrite counts them: the bytes skipped since the previous token
 * (a tab counts as one space, and a byte order mark as three). Only the end-of-file token keeps its count.
 */
function withOriginalSpaces(text: string, tokens: Token[]): SpacedToken[] {
  let previousEnd = 0;
  const bomBytes = text.charCodeAt(0) === 0xfeff ? 2 : 0;
  return tokens.map((token, i) => {
    const spaces = token.start - previousEnd + (i === 0 ? bomBytes : 0);
    previousEnd = token.end;
    return { token, spaces };
  });
}

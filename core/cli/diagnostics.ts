/** Renders diagnostics as HCL prints them: summary, the offending source lines, then the detail. */
import type { Diagnostic } from '../template/source';

export interface RenderOptions {
  /** File texts by filename, to show the offending lines. */
  sources: Record<string, string>;
  color: boolean;
  /** Wrap width for the detail paragraph (HCL wraps at 78). */
  width?: number;
}

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const BOLD = '\x1b[1m';
const UNDERLINE = '\x1b[4m';
const RESET = '\x1b[0m';

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  const label = d.severity === 'error' ? 'Error' : 'Warning';
  const head = opts.color ? `${d.severity === 'error' ? RED : YELLOW}${BOLD}${label}: ${RESET}${BOLD}${d.summary}${RESET}` : `${label}: ${d.summary}`;
  let out = `${head}\n\n`;
  if (d.range) {
    const r = d.range;
    out += `  on ${r.filename} line ${r.start.line}:\n`;
    const text = opts.sources[r.filename];
    if (text === undefined) {
      out += '  (source code not available)\n';
    } else {
      const lines = text.split('\n');
      const last = Math.max(r.start.line, Math.min(r.end.line, r.start.line + 4, lines.length));
      for (let n = r.start.line; n <= last && n <= lines.length; n++) {
        let line = lines[n - 1].replace(/\r$/, '');
        if (opts.color && n === r.start.line) {
          const from = r.start.column - 1;
          const to = r.end.line === n ? Math.max(r.end.column - 1, from + 1) : line.length;
          line = line.slice(0, from) + UNDERLINE + line.slice(from, to) + RESET + line.slice(to);
        }
        out += `${String(n).padStart(4)}: ${line}\n`;
      }
    }
    out += '\n';
  }
  if (d.detail) out += `${wrap(d.detail, opts.width ?? 78)}\n\n`;
  return out;
}

export function renderDiagnostics(diags: readonly Diagnostic[], opts: RenderOptions): string {
  return diags.map((d) => renderDiagnostic(d, opts)).join('\n');
}

/** JSON in the shape of `terraform validate -json`. */
export interface JsonValidateReport {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Array<{
    severity: 'error' | 'warning';
    summary: string;
    detail: string;
    range?: { filename: string; start: { line: number; column: number; byte: number }; end: { line: number; column: number; byte: number } };
  }>;
}

export function jsonReport(diags: readonly Diagnostic[]): JsonValidateReport {
  const errors = diags.filter((d) => d.severity === 'error').length;
  return {
    valid: errors === 0,
    error_count: errors,
    warning_count: diags.length - errors,
    diagnostics: diags.map((d) => ({
      severity: d.severity,
      summary: d.summary,
      detail: d.detail ?? '',
      ...(d.range ? { range: { filename: d.range.filename, start: { ...d.range.start }, end: { ...d.range.end } } } : {}),
    })),
  };
}

function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((para) => {
      const words = para.split(' ');
      const lines: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && cur.length + 1 + w.length > width) {
          lines.push(cur);
          cur = w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      lines.push(cur);
      return lines.join('\n');
    })
    .join('\n');
}

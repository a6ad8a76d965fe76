/**
 * Enough of Go's text/template for the execute_command and config templates of Packer's configuration-management
 * provisioners: `{{.Name}}`, `{{if X}}…{{else}}…{{end}}` where X is `.Name`, `ne .Name "lit"` or `eq .Name "lit"`,
 * nested. A value is true when it is `true` or a non-empty string. Anything else is left as written.
 */
export type TemplateData = Readonly<Record<string, string | boolean>>;

type Node = { kind: 'text'; text: string } | { kind: 'value'; name: string; raw: string } | { kind: 'if'; cond: string; then: Node[]; else: Node[] };

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/gs;

export function renderGoTemplate(text: string, data: TemplateData): string {
  const tokens: Array<{ text?: string; action?: string; raw: string }> = [];
  let last = 0;
  for (const m of text.matchAll(ACTION)) {
    if (m.index > last) tokens.push({ text: text.slice(last, m.index), raw: text.slice(last, m.index) });
    tokens.push({ action: m[1], raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) tokens.push({ text: text.slice(last), raw: text.slice(last) });
  let i = 0;
  // Parses until `{{else}}`/`{{end}}` (returned so the caller knows which) or the end of the text.
  const parse = (): { nodes: Node[]; stop?: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t.action === undefined) {
        nodes.push({ kind: 'text', text: t.text ?? '' });
      } else if (t.action === 'else' || t.action === 'end') {
        return { nodes, stop: t.action };
      } else if (t.action.startsWith('if ')) {
        const body = parse();
        const alt = body.stop === 'else' ? parse().nodes : [];
        nodes.push({ kind: 'if', cond: t.action.slice(3).trim(), then: body.nodes, else: alt });
      } else {
        nodes.push({ kind: 'value', name: t.action, raw: t.raw });
      }
    }
    return { nodes };
  };
  return emit(parse().nodes, data);
}

function emit(nodes: Node[], data: TemplateData): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'value') {
      const v = lookup(n.name, data);
      out += v === undefined ? n.raw : String(v);
    } else out += emit(truthy(n.cond, data) ? n.then : n.else, data);
  }
  return out;
}

function lookup(expr: string, data: TemplateData): string | boolean | undefined {
  const m = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr.trim());
  if (!m || !Object.prototype.hasOwnProperty.call(data, m[1])) return undefined;
  return data[m[1]];
}

function truthy(cond: string, data: TemplateData): boolean {
  const cmp = /^(eq|ne)\s+(\.[A-Za-z_][A-Za-z0-9_]*)\s+"((?:[^"\\]|\\.)*)"$/.exec(cond);
  if (cmp) {
    const v = String(lookup(cmp[2], data) ?? '');
    return cmp[1] === 'eq' ? v === cmp[3] : v !== cmp[3];
  }
  const v = lookup(cond, data);
  return v === true || (typeof v === 'string' && v !== '');
}

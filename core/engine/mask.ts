/**
 * Replaces secrets with `<sensitive>` everywhere the engine writes: events, the run log, manifests.
 * A secret also leaks in encoded forms (a base64 header, a quoted shell word, a JSON string, a URL), so each form is masked too.
 */
export const SENSITIVE = '<sensitive>';

/** The forms a secret may take on its way out of a build. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  forms.add(shellQuote(secret));
  forms.add(secret.replace(/'/g, `'"'"'`));
  forms.add(secret.replace(/([^A-Za-z0-9_\-.,:/@%+=])/g, '\\$1'));
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(JSON.stringify(secret).slice(1, -1).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  forms.add(encodeURI(secret));
  return [...forms].filter((f) => f.length > 0);
}

/** POSIX single-quoting, as `{{.Vars}}` writes environment values. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

export interface Masker {
  /** True when there is nothing to mask (the hot path skips work). */
  readonly empty: boolean;
  text(s: string): string;
  /** A deep copy of plain data with every string masked. */
  deep<T>(value: T): T;
}

export function createMasker(secrets: readonly string[]): Masker {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) {
    return { empty: true, text: (s) => s, deep: (v) => v };
  }
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  // A cheap pre-check: most lines contain no secret, and `includes` on a short list beats a regex replace.
  const probes = [...new Set(forms.map((f) => f.slice(0, 3)))];
  const text = (s: string): string => {
    if (!probes.some((p) => s.includes(p))) return s;
    return s.replace(pattern, SENSITIVE);
  };
  const deep = <T>(value: T): T => maskDeep(value, text) as T;
  return { empty: false, text, deep };
}

function maskDeep(value: unknown, text: (s: string) => string): unknown {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, text));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, text);
    return out;
  }
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

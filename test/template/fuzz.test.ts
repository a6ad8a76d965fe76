/**
 * Property test: whatever text a user types, loading never throws, and every diagnostic points inside the file it names.
 *
 * The inputs are the corpus templates (test/fixtures/templates), each mutated a few times by a seeded generator
 * (delete, insert, duplicate and swap characters and tokens, truncate, insert braces/quotes/`${`/heredoc markers),
 * then loaded in memory through the same entry the CLI uses. A fixed seed keeps a failure reproducible: the
 * message names the iteration and shows the mutated text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadTemplateFiles, type TemplateFile } from '../../core/template/load';
import type { LoadResult } from '../../core/template/model';
import type { Diagnostic, Pos } from '../../core/template/source';

const SEED = 0x5eed_b4ce;
const ITERATIONS = 10_000;
const BATCHES = 10;
const FIXTURES = join(__dirname, '..', 'fixtures', 'templates');

/**
 * Problems this test found in code owned elsewhere: reported (as test diagnostics) but not failing the suite.
 * Delete an entry once its fix lands, so the problem cannot come back unnoticed.
 */
const KNOWN_ISSUES: Array<{ pattern: RegExp; why: string }> = [
];

/** mulberry32: small, fast and the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  filename: string;
  text: string;
  root: string;
  /** The other HCL2 files of the same template directory, loaded unchanged beside the mutated one. */
  siblings: TemplateFile[];
}

const TEMPLATE_FILE = /(\.pkr\.hcl|\.pkr\.json|\.pkrvars\.hcl|\.json)$/;
const HCL2_DIR_FILE = /(\.pkr\.hcl|\.pkr\.json|\.auto\.pkrvars\.hcl)$/;

function collectSeeds(dir: string, out: Seed[] = []): Seed[] {
  const names = readdirSync(dir).sort();
  // A case directory's HCL2 files load together, as `packer validate DIR` reads them; the single-file cases load alone.
  const dirFiles = dir === join(FIXTURES, 'invalid') ? [] : names.filter((n) => HCL2_DIR_FILE.test(n)).map((n) => join(dir, n));
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      collectSeeds(p, out);
      continue;
    }
    if (!TEMPLATE_FILE.test(name) || name === 'expect.json') continue;
    const siblings = dirFiles.includes(p) ? dirFiles.filter((f) => f !== p).map((f) => ({ filename: f, text: readFileSync(f, 'utf8') })) : [];
    out.push({ filename: p, text: readFileSync(p, 'utf8'), root: dirname(p), siblings });
  }
  return out;
}

/** Fragments that most often break a parser in interesting ways. */
const SNIPPETS = [
  '{', '}', '[', ']', '(', ')', '"', '\'', '`', '${', '%{', '}}', '{{', '~}', '=', ',', ':', '.', '\\', '\n', '#', '//', '/*', '*/',
  '<<EOF\n', '<<-EOT\n', '\nEOF\n', '${var.', 'local.', 'source.', '[*]', '...', '=>', '?', '!', '&&', '-', '0x', '1e999', '\u00e9', '\u{1F600}',
  '\t', '\r\n', '\u0000', 'null', 'true', '"${', '%{ for x in [1] }', '%{ endfor }', '%{ if true }', '%{ endif }', '{{user `x`}}', '{{timestamp}}',
];

type Mutation = (text: string, r: () => number) => string;

const pick = <T,>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)];
const at = (text: string, r: () => number): number => Math.floor(r() * (text.length + 1));

function tokens(text: string): string[] {
  return text.match(/[A-Za-z_][\w-]*|"[^"\n]*"|\d+|\S/g) ?? [];
}

const MUTATIONS: Mutation[] = [
  // delete a run of characters
  (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 8));
  },
  // insert a snippet
  (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(SNIPPETS, r) + t.slice(i);
  },
  // duplicate a slice
  (t, r) => {
    const i = at(t, r);
    const j = Math.min(t.length, i + Math.floor(r() * 40));
    return t.slice(0, j) + t.slice(i, j) + t.slice(j);
  },
  // swap two characters
  (t, r) => {
    if (t.length < 2) return t;
    const i = Math.floor(r() * (t.length - 1));
    const j = Math.floor(r() * (t.length - 1));
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    if (a === b) return t;
    return t.slice(0, a) + t[b] + t.slice(a + 1, b) + t[a] + t.slice(b + 1);
  },
  // truncate
  (t, r) => t.slice(0, at(t, r)),
  // replace one occurrence of a token with another token from the same text
  (t, r) => {
    const toks = tokens(t);
    if (toks.length < 2) return t;
    const from = pick(toks, r);
    const i = t.indexOf(from, at(t, r));
    if (i < 0) return t;
    return t.slice(0, i) + pick(toks, r) + t.slice(i + from.length);
  },
  // delete one token
  (t, r) => {
    const toks = tokens(t);
    if (!toks.length) return t;
    const tok = pick(toks, r);
    const i = t.indexOf(tok, at(t, r));
    return i < 0 ? t : t.slice(0, i) + t.slice(i + tok.length);
  },
  // swap two lines
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    const j = Math.floor(r() * lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('\n');
  },
];

function mutate(text: string, r: () => number): string {
  let out = text;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) out = pick(MUTATIONS, r)(out, r);
  return out;
}

/** How a file's text is laid out, to check that a position really is in it (in UTF-16 units, as LineIndex counts columns). */
function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.length);
}

function posInside(p: Pos, lens: number[], text: string, what: string): void {
  assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= lens.length, `${what}: line ${p.line} outside 1..${lens.length}`);
  // Columns count characters; one past the last character is the position of the line's newline (or of the end of file).
  const max = lens[p.line - 1] + 1;
  assert.ok(Number.isInteger(p.column) && p.column >= 1 && p.column <= max, `${what}: column ${p.column} outside 1..${max} on line ${p.line}`);
  const bytes = Buffer.byteLength(text, 'utf8');
  assert.ok(Number.isInteger(p.byte) && p.byte >= 0 && p.byte <= bytes, `${what}: byte ${p.byte} outside 0..${bytes}`);
}

function checkDiagnostic(d: Diagnostic, result: LoadResult, files: TemplateFile[]): void {
  assert.ok(d.severity === 'error' || d.severity === 'warning', `bad severity ${String(d.severity)}`);
  assert.equal(typeof d.summary, 'string');
  assert.ok(d.summary.length > 0, 'empty summary');
  if (!d.range) return;
  const text = files.find((f) => f.filename === d.range?.filename)?.text ?? result.sources[d.range.filename];
  assert.ok(text !== undefined, `diagnostic "${d.summary}" names a file that was not loaded: ${d.range.filename}`);
  const lens = lineLengths(text);
  posInside(d.range.start, lens, text, `"${d.summary}" start`);
  posInside(d.range.end, lens, text, `"${d.summary}" end`);
  const s = d.range.start;
  const e = d.range.end;
  assert.ok(s.line < e.line || (s.line === e.line && s.column <= e.column), `"${d.summary}": range ends before it starts`);
}

function summarize(d: Diagnostic): string {
  return `${d.severity} ${d.summary} ${d.range ? `${d.range.filename}:${d.range.start.line}:${d.range.start.column}` : '-'}`;
}

const seeds = [...collectSeeds(join(FIXTURES, 'valid')), ...collectSeeds(join(FIXTURES, 'invalid'))];

test('fuzz corpus is large enough to be interesting', () => {
  assert.ok(seeds.length >= 100, `only ${seeds.length} seed files`);
});

const perBatch = ITERATIONS / BATCHES;
for (let batch = 0; batch < BATCHES; batch++) {
  test(`${perBatch} mutated templates load without throwing and with in-file diagnostics (batch ${batch + 1}/${BATCHES})`, (t) => {
    const r = rng(SEED + batch);
    // One example per kind of failure, so a run shows every distinct problem rather than the first.
    const failures = new Map<string, string>();
    const knownSeen = new Map<string, number>();
    for (let i = 0; i < perBatch; i++) {
      const seed = pick(seeds, r);
      const text = mutate(seed.text, r);
      // Keep the seed's kind (HCL2, HCL2 JSON, var file, legacy JSON) by keeping its file name.
      const name = basename(seed.filename);
      const filename = join(seed.root, name.endsWith('.pkrvars.hcl') ? name.replace(/\.pkrvars\.hcl$/, '.pkr.hcl') : name);
      const files: TemplateFile[] = [...seed.siblings, { filename, text }];
      try {
        let result: LoadResult;
        try {
          result = loadTemplateFiles(files, seed.root, { env: {}, cwd: seed.root });
        } catch (e) {
          const frame = ((e as Error).stack ?? '').split('\n').find((l) => l.includes('/core/')) ?? '';
          throw new Error(`threw ${(e as Error).message} ${frame.trim()}`);
        }
        assert.ok(result.model || result.diagnostics.some((d) => d.severity === 'error'), 'neither a model nor an error');
        for (const d of result.diagnostics) checkDiagnostic(d, result, files);
        // Loading is a pure function of the files: a second load reports the same problems (no state leaks between loads).
        if (i % 20 === 0) {
          const again = loadTemplateFiles(files, seed.root, { env: {}, cwd: seed.root });
          assert.deepEqual(again.diagnostics.map(summarize), result.diagnostics.map(summarize), 'a second load gave different diagnostics');
        }
      } catch (e) {
        const message = (e as Error).message.split('\n')[0];
        const known = KNOWN_ISSUES.find((k) => k.pattern.test(message));
        if (known) {
          knownSeen.set(known.why, (knownSeen.get(known.why) ?? 0) + 1);
          continue;
        }
        const kind = message.replace(/\d+/g, 'N');
        if (!failures.has(kind)) {
          failures.set(kind, `${message}\n  iteration ${batch * perBatch + i} (seed ${SEED + batch}), from ${seed.filename}; text:\n${text.slice(0, 400)}`);
        }
      }
    }
    for (const [why, n] of knownSeen) t.diagnostic(`known issue, seen ${n} times: ${why}`);
    assert.equal(failures.size, 0, [...failures.values()].join('\n\n'));
  });
}

// `bakehouse fmt` must write exactly what today's Packer (1.14) `packer fmt` writes, so every case is checked
// against the real binary: the fixtures, a seeded batch of generated templates, and files Packer refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { formatHcl } from '../../../core/template/hcl/fmt';
import { PACKER_1_14_CACHE } from '../../support/reference-packer';

const PACKER = process.env.BAKEHOUSE_REFERENCE_PACKER ?? join(PACKER_1_14_CACHE, 'packer');
const fixtures = join(__dirname, '..', '..', 'fixtures', 'fmt');
const invalidFixtures = join(fixtures, 'invalid');

function hclFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.pkr.hcl') && statSync(join(dir, f)).isFile()).sort();
}

interface Case {
  name: string;
  input: string;
}

const valid: Case[] = [
  ...hclFiles(fixtures).map((f) => ({ name: f, input: readFileSync(join(fixtures, f), 'utf8') })),
  ...generateTemplates(0x5eed, 60).map((input, i) => ({ name: `generated-${String(i).padStart(2, '0')}.pkr.hcl`, input })),
];
const invalid: Case[] = hclFiles(invalidFixtures).map((f) => ({ name: `invalid-${f}`, input: readFileSync(join(invalidFixtures, f), 'utf8') }));

let workDir = '';
/** What `packer fmt` left in each file, or why Packer could not be run. */
let reference: Map<string, string> | string = 'packer fmt has not run';

before(() => {
  if (!existsSync(PACKER)) {
    reference = `the reference Packer is missing at ${PACKER}: build Packer 1.14 with \`bash .ci/reference-packer.sh\``;
    return;
  }
  // One Packer run formats every file in the folder; files it cannot parse are left as they were.
  workDir = mkdtempSync(join(tmpdir(), 'bakehouse-fmt-'));
  for (const c of [...valid, ...invalid]) writeFileSync(join(workDir, c.name), c.input);
  // A private config folder: fmt reads no plugins, but Packer would create its folders in this user's home.
  const config = mkdtempSync(join(tmpdir(), 'bakehouse-fmt-packer-'));
  const run = spawnSync(PACKER, ['fmt', workDir], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: config, PACKER_CONFIG_DIR: config, CHECKPOINT_DISABLE: '1' } });
  rmSync(config, { recursive: true, force: true });
  if (run.error) {
    reference = `could not run ${PACKER}: ${run.error.message}`;
    return;
  }
  const refused = new Set([...(run.stdout + run.stderr).matchAll(/while formatting\s+(\S+)/g)].map((m) => basename(m[1])));
  const wrong = [...valid.filter((c) => refused.has(c.name)), ...invalid.filter((c) => !refused.has(c.name))];
  if (wrong.length) {
    reference = `packer fmt disagrees about which files are valid: ${wrong.map((c) => c.name).join(', ')}\n${run.stdout}${run.stderr}`;
    return;
  }
  reference = new Map([...valid, ...invalid].map((c) => [c.name, readFileSync(join(workDir, c.name), 'utf8')]));
});

after(() => {
  if (workDir && !process.env.BAKEHOUSE_FMT_KEEP) rmSync(workDir, { recursive: true, force: true });
});

function packerOutput(name: string): string {
  if (typeof reference === 'string') assert.fail(reference);
  const out = reference.get(name);
  assert.ok(out !== undefined, `no packer fmt output for ${name}`);
  return out;
}

test('the fixture corpus is big enough to cover the formatter', () => {
  assert.ok(hclFiles(fixtures).length >= 30);
  assert.ok(invalid.length >= 10);
});

for (const c of valid) {
  test(`fmt ${c.name} matches packer fmt byte for byte`, () => {
    const expected = packerOutput(c.name);
    const result = formatHcl(c.input, c.name);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.text, expected);
    assert.equal(result.changed, expected !== c.input);
  });

  test(`fmt ${c.name} is idempotent`, () => {
    const once = formatHcl(c.input, c.name).text;
    const twice = formatHcl(once, c.name);
    assert.equal(twice.text, once);
    assert.equal(twice.changed, false);
  });
}

for (const c of invalid) {
  test(`fmt leaves ${c.name} untouched with a syntax error, like packer fmt`, () => {
    assert.equal(packerOutput(c.name), c.input, 'packer fmt itself must refuse this file');
    const result = formatHcl(c.input, c.name);
    assert.equal(result.text, c.input);
    assert.equal(result.changed, false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, 'expected a syntax error diagnostic');
    assert.equal(errors[0].range?.filename, c.name);
    assert.ok((errors[0].range?.start.line ?? 0) >= 1);
  });
}

// ---- Generated templates: random spacing, line breaks and comments around every kind of expression. ----

/** A small seeded generator (mulberry32) so every run checks the same files. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A piece of generated source: text, or a place where a line break is allowed. */
type Piece = string | { br: true };

function generateTemplates(seed: number, count: number): string[] {
  const BR: Piece = { br: true };
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number): boolean => rnd() < p;
  const names = ['a', 'ab', 'name', 'instance_type', 'x', 'long_attribute_name', 'tags', 'in', 'for_each'];
  const comments = ['# note', '// note', '/* note */', '#', '# a longer comment here'];

  function expr(depth: number): Piece[] {
    const leaf = depth > 2 || chance(0.3);
    if (leaf) {
      return [pick(['1', '42', '1.5', 'true', 'null', '"str"', 'var.x', 'local.y', '"${var.z}-x"', 'var.list[0]', 'var.list[*].id', 'var.m["k"]', '"%{ if var.c }y%{ endif }"'])];
    }
    const sub = () => expr(depth + 1);
    switch (Math.floor(rnd() * 10)) {
      case 0: return [...sub(), pick(['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||']), ...sub()];
      case 1: return [pick(['-', '!']), ...sub()];
      case 2: return [...sub(), '?', ...sub(), ':', ...sub()];
      case 3: return ['(', ...sub(), ')'];
      case 4: {
        const args: Piece[] = [pick(['max', 'concat', 'format', 'lookup', 'upper']), '(', BR];
        const n = Math.floor(rnd() * 3);
        for (let i = 0; i < n; i++) args.push(...(i ? [',', BR] : []), ...sub());
        if (n && chance(0.2)) args.push('...');
        else if (n && chance(0.2)) args.push(',');
        return [...args, BR, ')'];
      }
      case 5: {
        const items: Piece[] = ['[', BR];
        const n = Math.floor(rnd() * 4);
        for (let i = 0; i < n; i++) items.push(...sub(), ...(i < n - 1 || chance(0.3) ? [',', BR] : [BR]));
        return [...items, ']'];
      }
      case 6: {
        // Object items: split over lines (newline-separated) or on one line (comma-separated).
        const multi = chance(0.5);
        const items: Piece[] = ['{'];
        if (multi) items.push('\n');
        const n = Math.floor(rnd() * 3) + (multi ? 1 : 0);
        for (let i = 0; i < n; i++) {
          items.push(pick(names), pick(['=', ':']), ...sub());
          if (multi) items.push(chance(0.2) ? ',' : '', chance(0.2) ? ` ${pick(comments.slice(0, 2))}\n` : '\n');
          else if (i < n - 1) items.push(',');
        }
        return [...items, '}'];
      }
      case 7: return ['[', 'for', 'v', 'in', ...sub(), ':', ...sub(), ...(chance(0.3) ? ['if', ...sub()] : []), ']'];
      case 8: return ['{', 'for', 'k', ',', 'v', 'in', ...sub(), ':', 'k', '=>', ...sub(), ...(chance(0.3) ? ['...'] : []), '}'];
      default: return [...sub(), '[', ...sub(), ']'];
    }
  }

  function render(pieces: Piece[], indent: string): string {
    let out = '';
    let prev = '';
    for (const p of pieces) {
      if (typeof p !== 'string') {
        if (chance(0.25)) {
          out += (chance(0.3) ? ` ${pick(comments.slice(0, 2))}` : '') + '\n' + indent + ' '.repeat(Math.floor(rnd() * 6));
          prev = '';
        }
        continue;
      }
      if (p === '') continue;
      if (p === '\n') {
        out += '\n' + indent + ' '.repeat(Math.floor(rnd() * 6));
        prev = '';
        continue;
      }
      const wordy = (s: string) => /[\w"]$/.test(s);
      const startsWordy = (s: string) => /^[\w"-]/.test(s);
      const mustSeparate = (wordy(prev) && startsWordy(p)) || (prev.endsWith('/') && /^[/*]/.test(p)) || (prev.endsWith('<') && p.startsWith('<'));
      const gap = pick(['', '', ' ', ' ', '  ', '\t']);
      out += prev === '' ? '' : mustSeparate && gap === '' ? ' ' : gap;
      out += p;
      prev = p;
    }
    return out;
  }

  function body(depth: number, indent: string): string {
    let out = '';
    const used = new Set<string>();
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const lead = indent + pick(['', '', ' ', '   ', '\t']);
      const kind = rnd();
      if (kind < 0.55) {
        let name = pick(names);
        while (used.has(name)) name += '_x';
        used.add(name);
        out += lead + name + pick([' = ', '=', '   =  ']) + render(expr(0), indent);
        out += chance(0.3) ? pick(['', ' ', '    ']) + ` ${pick(comments)}\n` : '\n';
      } else if (kind < 0.7 && depth < 3) {
        const labels = pick(['', ' "lbl"', ' "a" "b"', ' plain', ' "x" y']);
        out += `${lead}${pick(['source', 'build', 'provisioner', 'locals', 'nested'])}${labels}${pick([' ', '', '  '])}{\n`;
        out += body(depth + 1, indent + pick(['  ', '', '    ', '\t']));
        out += indent + pick(['', ' ', '   ']) + '}' + (chance(0.2) ? ' # end\n' : '\n');
      } else if (kind < 0.78) {
        out += `${lead}one${pick([' ', ''])}{${pick(['', ' ', '  '])}${pick(['', 'k = 1 ', 'k=var.x'])}${pick(['', ' '])}}\n`;
      } else if (kind < 0.86) {
        out += lead + pick(comments) + '\n';
      } else if (kind < 0.93) {
        out += pick(['\n', '\n\n', '  \n']);
      } else {
        let name = pick(names) + '_doc';
        while (used.has(name)) name += '_x';
        used.add(name);
        out += `${lead}${name} = <<${pick(['EOT', '-EOT'])}\n  keep   ${pick(['x', '${var.a}', '%{ if x }y%{ endif }'])}  \n\tme\n  EOT\n`;
      }
    }
    return out;
  }

  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = body(0, '');
    if (chance(0.15)) text = text.replace(/\n/g, '\r\n');
    if (chance(0.1)) text = text.replace(/\r?\n$/, pick(['', '  ']));
    files.push(text);
  }
  return files;
}

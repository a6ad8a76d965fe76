// Records what today's Packer (1.14, built by .ci/reference-packer.sh) says about the template corpus
// (test/fixtures/templates/{valid,invalid}), so tests can compare Bakehouse with it where the binary is not built.
// For every case: `validate`, `validate -syntax-only` and `inspect` with the case's inputs, and `fmt` of each HCL2 file.
// Writes test/fixtures/packer-1.14/{valid,invalid}.json. Run it again after changing the corpus or the Packer pin:
//   bash .ci/reference-packer.sh && node --import tsx scripts/record-packer-1.14.ts
// `--compare-with <packer>` writes nothing and prints where another Packer's validate verdict differs (e.g. /usr/bin/packer).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PACKER_1_14, runReferencePacker, type ReferencePacker } from '../test/support/reference-packer';

const repo = join(__dirname, '..');
const corpus = join(repo, 'test', 'fixtures', 'templates');
const out = join(repo, 'test', 'fixtures', 'packer-1.14');

interface Inputs {
  vars?: Array<[string, string]>;
  varFiles?: string[];
  env?: Record<string, string>;
  only?: string[];
  except?: string[];
}

interface Case {
  kind: 'valid' | 'invalid';
  name: string;
  /** Where Packer runs, as a user in the project's folder would run it. */
  dir: string;
  /** What Packer is given, relative to dir. */
  target: string;
  inputs: Inputs;
  /** The HCL2 files `fmt` formats, relative to dir. */
  hclFiles: string[];
}

/** One Packer command as it was run (in the case's cwd) and what it printed, without any path of this machine. */
interface Recorded {
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function run(packer: ReferencePacker, args: string[], cwd: string, env?: Record<string, string>, input?: string): Recorded {
  const r = runReferencePacker(packer, args, { cwd, env, input });
  if (r.error) throw new Error(`${packer.bin} ${args.join(' ')} in ${cwd}: ${r.error.message}`);
  const clean = (s: string): string => s.replaceAll(repo, '<repo>');
  return { args, exitCode: r.status, stdout: clean(r.stdout), stderr: clean(r.stderr) };
}

/** The flags a case's inputs turn into, as test/fixtures/templates/packer-check.mjs passes them to 1.6.6. */
function flags(c: Case, withOnly = true): string[] {
  const args: string[] = [];
  for (const [k, v] of c.inputs.vars ?? []) args.push(`-var=${k}=${v}`);
  for (const f of c.inputs.varFiles ?? []) args.push(`-var-file=${f}`);
  if (withOnly && c.inputs.only) args.push(`-only=${c.inputs.only.join(',')}`);
  if (withOnly && c.inputs.except) args.push(`-except=${c.inputs.except.join(',')}`);
  return args;
}

function corpusCases(): Case[] {
  const list: Omit<Case, 'hclFiles'>[] = [];
  const valid = join(corpus, 'valid');
  for (const name of readdirSync(valid).sort()) {
    const dir = join(valid, name);
    if (!existsSync(join(dir, 'expect.json'))) continue;
    const exp = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as { template?: string; inputs?: Inputs };
    list.push({ kind: 'valid', name, dir, target: exp.template ?? '.', inputs: exp.inputs ?? {} });
  }
  const invalid = join(corpus, 'invalid');
  const expect = JSON.parse(readFileSync(join(invalid, 'expect.json'), 'utf8')) as Record<string, { inputs?: Inputs }>;
  for (const [name, exp] of Object.entries(expect)) {
    const isDir = statSync(join(invalid, name)).isDirectory();
    list.push({ kind: 'invalid', name, dir: isDir ? join(invalid, name) : invalid, target: isDir ? '.' : name, inputs: exp.inputs ?? {} });
  }
  return list.map((c) => {
    const files = c.target === '.' ? readdirSync(c.dir).sort() : [c.target];
    return { ...c, hclFiles: files.filter((f) => /\.pkr(vars)?\.hcl$/.test(f)) };
  });
}

function record(packer: ReferencePacker, c: Case): object {
  const env = c.inputs.env;
  const fmt: Record<string, Recorded> = {};
  // `fmt -` reads stdin and prints the formatted text, so the corpus is never rewritten in place.
  for (const f of c.hclFiles) fmt[f] = run(packer, ['fmt', '-'], c.dir, env, readFileSync(join(c.dir, f), 'utf8'));
  // cwd (relative to test/fixtures/templates), env and each command's args are kept so a test can run it again.
  return {
    cwd: relative(corpus, c.dir),
    env: env ?? {},
    validate: run(packer, ['validate', ...flags(c), c.target], c.dir, env),
    validateSyntaxOnly: run(packer, ['validate', '-syntax-only', ...flags(c), c.target], c.dir, env),
    // inspect has no -only/-except.
    inspect: run(packer, ['inspect', ...flags(c, false), c.target], c.dir, env),
    fmt,
  };
}

/**
 * A failure's first message and line, with the wording each version wraps legacy JSON parse errors in taken off,
 * so the comparison shows what changed rather than how it is framed.
 */
function firstError(r: Recorded): string {
  const text = `${r.stdout}${r.stderr}`
    .replace(/^Failed to parse file as legacy JSON template: .*\nOriginal error: /, '')
    .replace(/^Failed to parse template: /, '');
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const at = /\bline (\d+)/.exec(text);
  return `${first.trim()}${at ? ` @ line ${at[1]}` : ''}`;
}

/** Prints the cases where another Packer's validate verdict (pass or fail) or first error differs from 1.14's. */
function compare(packer: ReferencePacker, other: ReferencePacker, cases: Case[]): void {
  let verdicts = 0;
  let messages = 0;
  for (const c of cases) {
    const ours = run(packer, ['validate', ...flags(c), c.target], c.dir, c.inputs.env);
    const theirs = run(other, ['validate', ...flags(c), c.target], c.dir, c.inputs.env);
    const passes = [ours.exitCode === 0, theirs.exitCode === 0];
    if (passes[0] !== passes[1]) verdicts++;
    else if (passes[0] || firstError(ours) === firstError(theirs)) continue;
    else messages++;
    const show = (r: Recorded): string => (r.exitCode === 0 ? 'passes' : `fails: ${firstError(r)}`);
    console.log(`${passes[0] !== passes[1] ? 'verdict' : 'message'} ${c.kind}/${c.name}\n  1.14  ${show(ours)}\n  other ${show(theirs)}`);
  }
  console.log(`${cases.length} cases: ${verdicts} verdicts and ${messages} first errors differ`);
}

function main(): number {
  if (PACKER_1_14.skip !== false) {
    console.error(PACKER_1_14.skip);
    return 1;
  }
  const packer = PACKER_1_14.packer;
  const cases = corpusCases();
  const at = process.argv.indexOf('--compare-with');
  if (at >= 0) {
    // An empty plugin folder: an older Packer must not pick up plugins built for 1.14.
    compare(packer, { bin: process.argv[at + 1], pluginPath: mkdtempSync(join(tmpdir(), 'bakehouse-no-plugins-')) }, cases);
    return 0;
  }
  const version = run(packer, ['version'], repo).stdout.trim().split('\n')[0];
  const plugins = run(packer, ['plugins', 'installed'], repo)
    .stdout.trim().split('\n').filter(Boolean).map((p) => relative(packer.pluginPath, p));
  mkdirSync(out, { recursive: true });
  for (const kind of ['valid', 'invalid'] as const) {
    const recorded: Record<string, object> = {};
    for (const c of cases.filter((x) => x.kind === kind)) recorded[c.name] = record(packer, c);
    const file = join(out, `${kind}.json`);
    const note = 'Recorded by scripts/record-packer-1.14.ts from test/fixtures/templates; regenerate, do not edit.';
    writeFileSync(file, `${JSON.stringify({ packer: version, plugins, note, cases: recorded }, null, 2)}\n`);
    console.log(`${relative(repo, file)}: ${Object.keys(recorded).length} cases (${version})`);
  }
  return 0;
}

process.exitCode = main();
